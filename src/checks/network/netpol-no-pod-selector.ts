import { defineCheck } from '../../engine/check.js';
import { isObject } from '../../resources/workloads.js';
import { NSA_NETWORK_POLICIES } from './common.js';

export default defineCheck({
  id: 'network.netpol-no-pod-selector',
  title: 'NetworkPolicies must state which pods they select',
  severity: 'medium',
  domain: 'network',
  scope: 'resource',
  kinds: ['NetworkPolicy'],
  rationale:
    'spec.podSelector is the part of a NetworkPolicy that says which pods it isolates. When the field is left out the API server '
    + 'reads it as an empty selector, so the policy silently applies to every pod of the namespace: a policy written for one '
    + 'application cuts off or opens traffic for all the others, and a reviewer cannot tell which scope was meant.',
  remediation:
    'Set spec.podSelector explicitly: matchLabels or matchExpressions for the pods the policy is about, or `podSelector: {}` when '
    + 'it is meant for every pod of the namespace (as a default-deny policy is).',
  controls: { iso27001: ['A.8.20', 'A.8.22'], nsa: [NSA_NETWORK_POLICIES] },
  equivalents: ['KSV-0038'],
  references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/'],
  *check(resource) {
    const spec = resource.object.spec;
    if (!isObject(spec)) {
      yield { path: 'spec', message: `NetworkPolicy "${resource.name}" has no spec, hence no podSelector: it is read as selecting every pod of the namespace` };
      return;
    }
    if (spec.podSelector === undefined || spec.podSelector === null) {
      yield { path: 'spec', message: `NetworkPolicy "${resource.name}" has no spec.podSelector: it is read as selecting every pod of the namespace` };
    }
  },
  examples: {
    valid: [
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  podSelector: { matchLabels: { role: db } }
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]`,
    ],
    invalid: [
      {
        manifest: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: api } } }]`,
        paths: ['spec'],
      },
      {
        manifest: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: empty, namespace: shop }`,
        paths: ['spec'],
      },
    ],
  },
});
