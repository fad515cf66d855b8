import { defineCheck } from '../../engine/check.js';
import { capabilityEntries, exampleDeployment, examplePod, isWindowsPod } from './util.js';

export default defineCheck({
  id: 'workload.added-capabilities',
  title: 'Containers should not add Linux capabilities',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Every added capability widens what a compromised process can do to the kernel and the node. Most applications need none; binding a port below 1024 (NET_BIND_SERVICE) is the common, low-risk exception.',
  remediation: 'Remove entries from securityContext.capabilities.add. Listen on a port above 1024, or keep NET_BIND_SERVICE alone when a low port is unavoidable.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9'],
    cis: ['5.2.9'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3'],
    pss: ['capabilities_restricted'],
  },
  equivalents: ['KSV-0022', 'KSV-0106'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    for (const c of pod.containers) {
      for (const cap of capabilityEntries(c, 'add')) {
        yield {
          path: cap.path,
          message: `container "${c.name}" adds capability ${cap.value}`,
          ...(cap.value === 'NET_BIND_SERVICE' ? { severity: 'low' as const } : {}),
        };
      }
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, securityContext: { capabilities: { drop: [ALL] } } }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers:
            - name: app
              image: nginx
              securityContext: { capabilities: { drop: [ALL], add: [NET_BIND_SERVICE, CHOWN] } }`),
        paths: [
          'spec.template.spec.containers[0].securityContext.capabilities.add[0]',
          'spec.template.spec.containers[0].securityContext.capabilities.add[1]',
        ],
      },
    ],
  },
});
