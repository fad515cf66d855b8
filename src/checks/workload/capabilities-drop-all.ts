import { defineCheck } from '../../engine/check.js';
import { capabilityEntries, exampleDeployment, examplePod, isWindowsPod } from './util.js';

export default defineCheck({
  id: 'workload.capabilities-drop-all',
  title: 'Containers should drop all capabilities',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Container runtimes grant a default set of capabilities (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW, …) that most applications never use; dropping ALL and adding back only what is needed removes them from an attacker\'s reach.',
  remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container and add back individual capabilities only where required.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9'],
    cis: ['5.2.10'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3'],
    pss: ['capabilities_restricted'],
  },
  equivalents: ['KSV-0003', 'KSV-0004', 'KSV-0106'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    for (const c of pod.containers) {
      if (capabilityEntries(c, 'drop').some((cap) => cap.value === 'ALL')) continue;
      yield { path: `${c.path}.securityContext.capabilities.drop`, message: `container "${c.name}" does not drop ALL capabilities` };
    }
  },
  examples: {
    valid: [
      examplePod(`
        containers: [{ name: app, image: nginx, securityContext: { capabilities: { drop: [ALL] } } }]`),
      examplePod(`
        os: { name: windows }
        containers: [{ name: app, image: mcr.microsoft.com/windows/servercore:ltsc2022 }]`),
    ],
    invalid: [
      {
        manifest: exampleDeployment(`
          initContainers: [{ name: init, image: busybox }]
          containers: [{ name: app, image: nginx, securityContext: { capabilities: { drop: [NET_RAW] } } }]`),
        paths: ['spec.template.spec.initContainers[0].securityContext.capabilities.drop', 'spec.template.spec.containers[0].securityContext.capabilities.drop'],
      },
    ],
  },
});
