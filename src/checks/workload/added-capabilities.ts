import { defineCheck } from '../../engine/check.js';
import { capabilityEntries, exampleDeployment, examplePod, isWindowsPod } from './util.js';

const RESTRICTED_ALLOWED = 'NET_BIND_SERVICE';

export default defineCheck({
  id: 'workload.added-capabilities',
  title: 'Containers should not add Linux capabilities',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Every added capability widens what a compromised process can do to the kernel and the node. Most applications need none; binding a port below 1024 (NET_BIND_SERVICE) is the common, low-risk exception.',
  remediation: 'Remove entries from securityContext.capabilities.add. Listen on a port above 1024, or keep NET_BIND_SERVICE alone when a low port is unavoidable.',
  severityAdjustments: 'info for NET_BIND_SERVICE, the one capability the restricted Pod Security profile allows adding.',
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
        // The restricted Pod Security profile allows adding NET_BIND_SERVICE and nothing else.
        if (cap.value === RESTRICTED_ALLOWED) {
          yield {
            path: cap.path, severity: 'info', severityReason: 'medium → info: the restricted Pod Security profile allows adding NET_BIND_SERVICE',
            message: `container "${c.name}" adds ${RESTRICTED_ALLOWED}, which the restricted Pod Security profile allows (binding ports below 1024)`,
          };
          continue;
        }
        yield { path: cap.path, message: `container "${c.name}" adds capability ${cap.value}, beyond the restricted Pod Security profile's allow-list (${RESTRICTED_ALLOWED} only)` };
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
