import { defineCheck } from '../../engine/check.js';
import { NETPOL_INPUT_KINDS, NSA_NETWORK_POLICIES } from './common.js';
import { defaultDenyViolations } from './default-deny.js';

const SEVERITY = 'low';

export default defineCheck({
  id: 'network.default-deny-egress',
  title: 'Namespaces with workloads should have a default-deny egress NetworkPolicy',
  severity: SEVERITY,
  domain: 'network',
  scope: 'inventory',
  inputKinds: NETPOL_INPUT_KINDS,
  rationale:
    'Pods without egress isolation can connect anywhere: other namespaces, the cloud metadata service, the internet. '
    + 'Egress control limits lateral movement and data exfiltration from a compromised workload.',
  remediation:
    'Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Egress]`, then allow DNS and the destinations each workload needs. '
    + 'System namespaces are reported one severity level lower.',
  controls: { iso27001: ['A.8.12', 'A.8.20', 'A.8.22', 'A.8.23'], cis: ['5.3.2'], nsa: [NSA_NETWORK_POLICIES], 'nist-800-190': ['4.4.2'] },
  references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic'],
  check(inventory) {
    return defaultDenyViolations(inventory, 'egress', SEVERITY);
  },
  examples: {
    valid: [
      `apiVersion: batch/v1
kind: CronJob
metadata: { name: report, namespace: finance }
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec: { restartPolicy: Never, containers: [{ name: report, image: report }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: finance }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  egress:
    - ports: [{ port: 53, protocol: UDP }]`,
    ],
    invalid: [
      {
        manifest: `apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec:
  template:
    metadata: { labels: { app: cart } }
    spec: { containers: [{ name: app, image: cart }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec:
  podSelector: {}`,
        paths: ['metadata.name'],
      },
    ],
  },
});
