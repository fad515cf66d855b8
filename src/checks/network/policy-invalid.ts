import { defineCheck } from '../../engine/check.js';
import { compilePolicy } from '../../inventory/netpol/index.js';
import { NSA_NETWORK_POLICIES } from './common.js';

export default defineCheck({
  id: 'network.policy-invalid',
  title: 'NetworkPolicies must be well-formed',
  severity: 'medium',
  domain: 'network',
  scope: 'resource',
  kinds: ['NetworkPolicy'],
  rationale:
    'A NetworkPolicy the API server rejects never takes effect, and one whose selector cannot match (an unknown operator, In without values) '
    + 'selects nothing: the isolation it was meant to provide silently does not exist. Typical causes: an ipBlock combined with '
    + 'selectors, a peer with no selector, an invalid CIDR, a port out of range, endPort with a named port, an unknown policy type. '
    + '(A missing spec.podSelector is reported by network.netpol-no-pod-selector.)',
  remediation:
    'Fix the field the finding names; validate manifests with `kubectl apply --dry-run=server` in CI. Use `podSelector: {}` to select '
    + 'every pod of the namespace.',
  controls: { iso27001: ['A.8.20', 'A.8.22', 'A.8.9'], cis: ['5.3.2'], nsa: [NSA_NETWORK_POLICIES] },
  *check(resource) {
    for (const problem of compilePolicy(resource).problems) yield problem;
  },
  examples: {
    valid: [
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  podSelector: { matchExpressions: [{ key: tier, operator: In, values: [db] }] }
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{ ipBlock: { cidr: 10.0.0.0/8, except: [10.1.0.0/16] } }]
      ports: [{ port: 5432, endPort: 5433 }, { port: metrics }]`,
    ],
    invalid: [
      {
        manifest: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: broken, namespace: shop }
spec:
  podSelector: { matchExpressions: [{ key: tier, operator: Equals, values: [db] }] }
  policyTypes: [Ingres]
  ingress:
    - from:
        - {}
        - ipBlock: { cidr: 10.0.0.0/33 }
        - ipBlock: { cidr: 10.0.0.0/8 }
          podSelector: {}
      ports: [{ port: http, endPort: 90 }, { port: 70000 }]`,
        paths: [
          'spec.podSelector', 'spec.policyTypes[0]', 'spec.ingress[0].from[0]', 'spec.ingress[0].from[1].ipBlock.cidr',
          'spec.ingress[0].from[2]', 'spec.ingress[0].ports[0].endPort', 'spec.ingress[0].ports[1].port',
        ],
      },
      {
        manifest: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: bad-except }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ ipBlock: { cidr: 0.0.0.0/0, except: [169.254.169.254] } }]`,
        paths: ['spec.egress[0].to[0].ipBlock.except'],
      },
      {
        // Maps (here with keys named like Object.prototype methods) where strings or numbers belong are invalid, not coerced.
        manifest: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: maps, namespace: shop }
spec:
  podSelector: { matchExpressions: [{ key: tier, operator: { toString: 1 } }] }
  policyTypes: [{ toString: 1 }]
  ingress:
    - from:
        - podSelector: { matchExpressions: [{ key: app, operator: In, values: [{ toString: 1 }] }] }
        - namespaceSelector: { matchLabels: { team: { valueOf: 1 } } }
        - ipBlock: { cidr: 10.0.0.0/8, except: [{ toString: 1 }] }
      ports: [{ port: { toString: 1 } }, { port: 80, endPort: { toString: 1 } }, { port: [80] }]`,
        paths: [
          'spec.podSelector', 'spec.policyTypes[0]', 'spec.ingress[0].from[0].podSelector', 'spec.ingress[0].from[1].namespaceSelector',
          'spec.ingress[0].from[2].ipBlock.except', 'spec.ingress[0].ports[0].port', 'spec.ingress[0].ports[1].endPort',
          'spec.ingress[0].ports[2].port',
        ],
      },
    ],
  },
});
