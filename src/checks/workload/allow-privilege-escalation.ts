import { defineCheck } from '../../engine/check.js';
import { containerSecurityContext, exampleCronJob, examplePod, isWindowsPod } from './util.js';

export default defineCheck({
  id: 'workload.allow-privilege-escalation',
  title: 'Containers must set allowPrivilegeEscalation: false',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Unless allowPrivilegeEscalation is false, the no_new_privs flag is not set and setuid binaries or file capabilities inside the image can raise a process above the privileges it started with.',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container (init and ephemeral ones included).',
  controls: {
    iso27001: ['A.8.2', 'A.8.9', 'A.8.18'],
    cis: ['5.2.6'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3'],
    pss: ['allowPrivilegeEscalation'],
  },
  equivalents: ['KSV-0001', 'C-0016', 'C-0197'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    for (const c of pod.containers) {
      const value = containerSecurityContext(c).allowPrivilegeEscalation;
      if (value === false) continue;
      const path = `${c.path}.securityContext.allowPrivilegeEscalation`;
      yield value === true
        ? { path, message: `container "${c.name}" allows privilege escalation` }
        : { path, message: `container "${c.name}" does not set allowPrivilegeEscalation: false` };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, securityContext: { allowPrivilegeEscalation: false } }]`)],
    invalid: [
      {
        manifest: exampleCronJob(`
          initContainers: [{ name: init, image: busybox, securityContext: { allowPrivilegeEscalation: true } }]
          containers: [{ name: job, image: busybox }]`),
        paths: [
          'spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation',
          'spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
        ],
      },
    ],
  },
});
