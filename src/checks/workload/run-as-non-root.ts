import { defineCheck } from '../../engine/check.js';
import { describeValue } from '../../resources/values.js';
import { effectiveField, exampleCronJob, exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.run-as-non-root',
  title: 'Containers must be required to run as a non-root user',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Without runAsNonRoot: true the kubelet starts whatever user the image declares, often root. Root in a container is root on the node\'s kernel: one kernel or runtime flaw away from the host.',
  remediation: 'Set securityContext.runAsNonRoot: true on the pod (or on every container) and build images with a numeric non-root USER.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9'],
    cis: ['5.2.7'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3'],
    pss: ['runAsNonRoot'],
  },
  equivalents: ['KSV-0012', 'C-0013', 'C-0198'],
  *check(pod) {
    for (const c of pod.containers) {
      const setting = effectiveField(pod, c, 'runAsNonRoot');
      if (setting?.value === true) continue;
      yield setting
        ? { path: setting.path, message: `container "${c.name}" allows running as root (runAsNonRoot: ${describeValue(setting.value)})` }
        : { path: `${c.path}.securityContext.runAsNonRoot`, message: `container "${c.name}" does not set runAsNonRoot: true` };
    }
  },
  examples: {
    valid: [
      examplePod(`
        securityContext: { runAsNonRoot: true }
        containers: [{ name: app, image: nginx }]`),
      exampleDeployment(`
        containers: [{ name: app, image: nginx, securityContext: { runAsNonRoot: true } }]`),
    ],
    invalid: [
      {
        manifest: exampleDeployment(`
          securityContext: { runAsNonRoot: true }
          containers:
            - { name: app, image: nginx }
            - { name: sidecar, image: envoy, securityContext: { runAsNonRoot: false } }`),
        paths: ['spec.template.spec.containers[1].securityContext.runAsNonRoot'],
      },
      {
        manifest: exampleCronJob(`
          containers: [{ name: job, image: busybox }]`),
        paths: ['spec.jobTemplate.spec.template.spec.containers[0].securityContext.runAsNonRoot'],
      },
      {
        manifest: examplePod(`
          securityContext: { runAsNonRoot: { toString: 1 } }
          containers: [{ name: app, image: nginx }]`),
        paths: ['spec.securityContext.runAsNonRoot'],
      },
    ],
  },
});
