import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import { ipBlockIsEverything, type Peer, type Policy, type Rule } from '../../inventory/netpol/index.js';
import { analysisOf, NSA_NETWORK_POLICIES, severityFor } from './common.js';

const SEVERITY = 'medium';

/** Egress rules limited to DNS (53/TCP, 53/UDP) are the usual "allow DNS anywhere" and are not reported. */
function dnsOnly(rule: Rule): boolean {
  return rule.ports !== 'all' && rule.ports.length > 0 && rule.ports.every((p) => p.kind === 'number' && p.port === 53 && p.endPort === undefined);
}

function everyone(rule: Rule): string {
  return rule.direction === 'ingress' ? 'any source' : 'any destination';
}

/** Why a peer admits everyone, or undefined. */
function broadPeer(peer: Peer): { path: string; what: string } | undefined {
  if (peer.type === 'empty') return { path: peer.path, what: 'an empty peer (rejected by the API server; read as every peer)' };
  if (peer.type === 'ipBlock') {
    return ipBlockIsEverything(peer.block) ? { path: `${peer.path}.ipBlock.cidr`, what: `ipBlock ${peer.block.cidr.text} without except (every address)` } : undefined;
  }
  if (peer.namespaces.type === 'selector' && peer.namespaces.selector.matchesAll && peer.pods.matchesAll) {
    return { path: `${peer.path}.namespaceSelector`, what: 'every pod of every namespace (namespaceSelector: {})' };
  }
  return undefined;
}

function* ruleViolations(policy: Policy, rule: Rule): Iterable<InventoryViolation> {
  if (rule.direction === 'egress' && dnsOnly(rule)) return;
  const ports = rule.ports === 'all' ? 'on every port' : 'on the listed ports';
  const severity = severityFor(policy.namespace, rule.ports === 'all' ? SEVERITY : 'low');
  const field = rule.direction === 'ingress' ? 'from' : 'to';
  if (rule.peers === 'all') {
    yield { resource: policy.resource, path: rule.path, severity, message: `${rule.direction} rule ${rule.index} has no "${field}": it allows ${everyone(rule)} ${ports}` };
    return;
  }
  for (const peer of rule.peers) {
    const broad = broadPeer(peer);
    if (broad) yield { resource: policy.resource, path: broad.path, severity, message: `${rule.direction} rule ${rule.index} allows ${broad.what} ${ports}` };
  }
}

export default defineCheck({
  id: 'network.policy-allows-all',
  title: 'NetworkPolicy rules should not allow every source or destination',
  severity: SEVERITY,
  domain: 'network',
  scope: 'inventory',
  inputKinds: ['NetworkPolicy'],
  rationale:
    'A rule with no `from`/`to`, an empty peer, `namespaceSelector: {}` without a podSelector, or an ipBlock of 0.0.0.0/0 or ::/0 '
    + 'without exceptions admits every peer: the pods it selects are isolated in name only. Policies are additive, so one such rule '
    + 'cancels every narrower rule for the pods it selects.',
  remediation:
    'Name the peers: pods by label, namespaces by label (kubernetes.io/metadata.name for one namespace), or the external CIDRs needed, '
    + 'with `except` for internal ranges and the metadata address. Rules limited to ports are reported at low severity; egress rules '
    + 'limited to DNS (port 53) are not reported. Rules of a direction missing from policyTypes are ignored, as Kubernetes ignores them.',
  controls: { iso27001: ['A.8.20', 'A.8.22'], cis: ['5.3.2'], nsa: [NSA_NETWORK_POLICIES], 'nist-800-190': ['4.3.3', '4.4.2'] },
  *check(inventory) {
    for (const policy of analysisOf(inventory).policies) {
      for (const direction of ['ingress', 'egress'] as const) {
        if (!policy.types[direction]) continue;
        for (const rule of policy.rules[direction]) yield* ruleViolations(policy, rule);
      }
    }
  },
  examples: {
    valid: [
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: edge } }
          podSelector: { matchLabels: { app: gateway } }
  egress:
    - ports: [{ port: 53, protocol: UDP }, { port: 53, protocol: TCP }]
    - to: [{ ipBlock: { cidr: 0.0.0.0/0, except: [10.0.0.0/8, 169.254.169.254/32] } }]
      ports: [{ port: 443 }]`,
    ],
    invalid: [
      {
        manifest: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: open, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress:
    - {}
    - from: [{ namespaceSelector: {} }]
  egress:
    - to: [{ ipBlock: { cidr: "::/0" } }, { podSelector: { matchLabels: { app: db } } }]
      ports: [{ port: 443 }]`,
        paths: ['spec.ingress[0]', 'spec.ingress[1].from[0].namespaceSelector', 'spec.egress[0].to[0].ipBlock.cidr'],
      },
    ],
  },
});
