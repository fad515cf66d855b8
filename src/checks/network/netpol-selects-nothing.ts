import { defineCheck } from '../../engine/check.js';
import { analysisOf, NETPOL_INPUT_KINDS, NSA_NETWORK_POLICIES } from './common.js';

export default defineCheck({
  id: 'network.netpol-selects-nothing',
  title: 'A NetworkPolicy should select the pods it is written for',
  severity: 'low',
  domain: 'network',
  scope: 'inventory',
  inputKinds: NETPOL_INPUT_KINDS,
  rationale:
    'A NetworkPolicy whose podSelector matches no workload of its namespace protects nothing: usually a label typo, so the pods it '
    + 'was meant to isolate accept and send any traffic while the policy suggests otherwise.',
  remediation: 'Fix the podSelector (or the pod labels) so that the policy selects the intended workloads, or delete it.',
  controls: { iso27001: ['A.8.20', 'A.8.22'], nsa: [NSA_NETWORK_POLICIES] },
  *check(inventory) {
    const analysis = analysisOf(inventory);
    for (const policy of analysis.policies) {
      const pods = analysis.podsIn(policy.namespace).filter((pod) => !pod.hostNetwork);
      // Only where the input has workloads of the namespace; a policy with problems is network.policy-invalid's.
      if (pods.length === 0 || policy.problems.length > 0 || analysis.selectedBy(policy).length > 0) continue;
      yield {
        resource: policy.resource, path: 'spec.podSelector',
        message: `NetworkPolicy "${policy.name}" selects none of the ${pods.length} workloads of namespace "${policy.namespace}" in the input`,
      };
    }
  },
  examples: {
    valid: [`apiVersion: apps/v1
kind: Deployment
metadata: { name: db, namespace: shop }
spec:
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: db, image: postgres }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec: { podSelector: { matchLabels: { app: db } }, ingress: [] }`],
    invalid: [
      {
        manifest: `apiVersion: apps/v1
kind: Deployment
metadata: { name: db, namespace: shop }
spec:
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: db, image: postgres }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec: { podSelector: { matchLabels: { app: bd } }, ingress: [] }`,
        paths: ['spec.podSelector'],
      },
    ],
  },
});
