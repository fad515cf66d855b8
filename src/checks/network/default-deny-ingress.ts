import { defineCheck } from '../../engine/check.js';
import { NETPOL_INPUT_KINDS, NSA_NETWORK_POLICIES } from './common.js';
import { defaultDenyViolations } from './default-deny.js';

const SEVERITY = 'medium';

export default defineCheck({
  id: 'network.default-deny-ingress',
  title: 'Namespaces with workloads must have a default-deny ingress NetworkPolicy',
  severity: SEVERITY,
  domain: 'network',
  scope: 'inventory',
  inputKinds: NETPOL_INPUT_KINDS,
  rationale:
    'Without a NetworkPolicy that selects every pod of the namespace for Ingress, any pod in the cluster can connect to a workload '
    + 'that no other policy happens to select, including workloads added later. A namespace-wide default deny makes every allowed flow explicit.',
  remediation:
    'Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress]` (and no ingress rule that allows everything), then allow the '
    + 'flows each workload needs with additional policies. System namespaces are reported one severity level lower.',
  controls: { iso27001: ['A.8.20', 'A.8.22'], cis: ['5.3.2'], nsa: [NSA_NETWORK_POLICIES], 'nist-800-190': ['4.3.3'] },
  equivalents: ['C-0260'],
  references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic'],
  check(inventory) {
    return defaultDenyViolations(inventory, 'ingress', SEVERITY);
  },
  examples: {
    valid: [
      `apiVersion: apps/v1
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
  podSelector: {}
  ingress:
    - from: [{ podSelector: { matchLabels: { app: web } } }]`,
      // Only hostNetwork workloads: no policy can select them, so there is nothing to require.
      `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: monitoring }
spec:
  template:
    spec: { hostNetwork: true, containers: [{ name: agent, image: agent }] }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec:
  template:
    metadata: { labels: { app: cart } }
    spec: { containers: [{ name: app, image: cart }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-all, namespace: shop }
spec:
  podSelector: {}
  ingress: [{}]`,
        paths: ['metadata.name'],
      },
      {
        // Egress-only default deny does not isolate ingress.
        manifest: `apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec: { containers: [{ name: app, image: web }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-egress, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Egress]`,
        paths: ['metadata.name'],
      },
    ],
  },
});
