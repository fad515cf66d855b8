import { defineCheck } from '../../engine/check.js';
import { analysisOf, NETPOL_INPUT_KINDS, NSA_NETWORK_POLICIES, severityFor } from './common.js';
import { ciliumPolicySelecting } from './cilium.js';

const SEVERITY = 'medium';

export default defineCheck({
  id: 'network.workload-not-selected',
  title: 'Workloads should be selected by at least one NetworkPolicy',
  severity: SEVERITY,
  domain: 'network',
  scope: 'inventory',
  inputKinds: NETPOL_INPUT_KINDS,
  rationale:
    'A pod that no NetworkPolicy selects is isolated in neither direction: every pod in the cluster may connect to it and it may connect anywhere. '
    + 'In a namespace that otherwise uses policies this is usually a label mismatch or a forgotten workload.',
  remediation:
    'Give the namespace a default-deny policy (`podSelector: {}`), or extend a policy\'s podSelector to the workload\'s pod labels. '
    + 'Reported at low severity when the namespace has no policy at all (network.default-deny-ingress reports that namespace), '
    + 'and one level lower again in system namespaces. hostNetwork workloads are not reported: no policy can select them.',
  controls: { iso27001: ['A.8.20', 'A.8.22'], cis: ['5.3.2'], nsa: [NSA_NETWORK_POLICIES], 'nist-800-190': ['4.3.3'] },
  *check(inventory) {
    const analysis = analysisOf(inventory);
    for (const pod of analysis.pods) {
      if (pod.hostNetwork || analysis.policiesSelecting(pod).length > 0) continue;
      // Another CNI's policy selects it: Annexa does not evaluate those rules, so it claims nothing.
      if (ciliumPolicySelecting(inventory, pod)) continue;
      const policies = analysis.policiesIn(pod.namespace).length;
      const labels = Object.entries(pod.labels).map(([k, v]) => `${k}=${v}`).join(',') || 'none';
      yield {
        resource: pod.resource,
        path: `${pod.template.metadataPath}.labels`,
        message: policies === 0
          ? `${pod.kind} "${pod.name}" is selected by no NetworkPolicy: namespace "${pod.namespace}" has none`
          : `${pod.kind} "${pod.name}" (pod labels: ${labels}) is selected by none of the ${policies} NetworkPolicies of namespace "${pod.namespace}"`,
        severity: severityFor(pod.namespace, policies === 0 ? 'low' : SEVERITY),
      };
    }
  },
  examples: {
    valid: [
      // Selected by a Cilium policy (keys with Cilium's k8s: prefix): under a policy Annexa does not evaluate.
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec:
  template:
    metadata: { labels: { app: cart } }
    spec: { containers: [{ name: cart, image: nginx }] }
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: cart, namespace: shop }
spec:
  endpointSelector: { matchLabels: { k8s:app: cart } }
  ingress: [{ fromEndpoints: [{ matchLabels: { app: web } }] }]`,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec:
  template:
    metadata: { labels: { app: db, tier: data } }
    spec: { containers: [{ name: db, image: postgres }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  podSelector:
    matchExpressions: [{ key: tier, operator: In, values: [data, cache] }]
  ingress: []`,
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
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop, labels: { app: debug } }
spec: { containers: [{ name: sh, image: busybox }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-only, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }`,
        paths: ['spec.template.metadata.labels', 'metadata.labels'],
      },
    ],
  },
});
