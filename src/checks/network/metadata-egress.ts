import { ciliumPolicySelecting } from './cilium.js';
import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import { ipBlockAdmits, type Peer, type Policy, type Rule } from '../../inventory/netpol/index.js';
import { analysisOf, nameList, namespaceResource, NETPOL_INPUT_KINDS, NSA_CLOUD, NSA_NETWORK_POLICIES, severityFor, workloadLabel } from './common.js';

const SEVERITY = 'medium';

/** Instance metadata endpoints: the link-local IPv4 address used by AWS, GCP, Azure and others, and AWS's IPv6 one. */
export const METADATA_ADDRESSES = ['169.254.169.254', 'fd00:ec2::254'] as const;

/** True when the rule's ports admit HTTP (80/TCP), the port the metadata services listen on. */
function admitsHttp(rule: Rule): boolean {
  if (rule.ports === 'all') return true;
  return rule.ports.some((p) => p.protocol === 'TCP' && (p.kind === 'all' || (p.kind === 'number' && p.port <= 80 && (p.endPort ?? p.port) >= 80)));
}

function metadataPeer(peer: Peer): { path: string; what: string } | undefined {
  if (peer.type === 'empty') return { path: peer.path, what: 'an empty peer' };
  if (peer.type !== 'ipBlock') return undefined;
  const address = METADATA_ADDRESSES.find((a) => ipBlockAdmits(peer.block, a));
  return address ? { path: `${peer.path}.ipBlock`, what: `ipBlock ${peer.block.cidr.text}, which contains ${address} and does not except it` } : undefined;
}

function* policyViolations(policy: Policy): Iterable<InventoryViolation> {
  if (!policy.types.egress) return;
  const severity = severityFor(policy.namespace, SEVERITY);
  for (const rule of policy.rules.egress) {
    if (!admitsHttp(rule)) continue;
    if (rule.peers === 'all') {
      yield { resource: policy.resource, path: rule.path, severity, message: `egress rule ${rule.index} allows every destination, including the cloud metadata address ${METADATA_ADDRESSES[0]}` };
      continue;
    }
    for (const peer of rule.peers) {
      const open = metadataPeer(peer);
      if (open) yield { resource: policy.resource, path: open.path, severity, message: `egress rule ${rule.index} allows ${open.what} (cloud metadata service)` };
    }
  }
}

/** One finding per namespace listing the workloads that no egress policy restricts (hostNetwork ones included: policies cannot). */
function* namespaceViolations(inventory: Inventory): Iterable<InventoryViolation> {
  const analysis = analysisOf(inventory);
  for (const namespace of analysis.namespaces()) {
    const pods = analysis.podsIn(namespace);
    // Pods a Cilium policy selects are left out: its egress rules are not evaluated, so no claim is made about them.
    const open = pods.filter((pod) => pod.hostNetwork || (analysis.isolating(pod, 'egress').length === 0 && !ciliumPolicySelecting(inventory, pod)));
    if (open.length === 0) continue;
    const labels = open.map((pod) => `${workloadLabel(pod)}${pod.hostNetwork ? ' (hostNetwork)' : ''}`);
    yield {
      resource: namespaceResource(inventory, namespace, open[0]),
      path: 'metadata.name',
      severity: severityFor(namespace, SEVERITY),
      message: `${open.length} workload${open.length === 1 ? '' : 's'} of namespace "${namespace}" can reach the cloud metadata address ${METADATA_ADDRESSES[0]}, `
        + `no egress policy restricting ${open.length === 1 ? 'it' : 'them'}: ${nameList(labels)}`,
      details: { workloads: labels },
    };
  }
}

export default defineCheck({
  id: 'network.metadata-egress',
  title: 'Egress to the cloud metadata service (169.254.169.254) should be blocked',
  severity: SEVERITY,
  domain: 'network',
  scope: 'inventory',
  inputKinds: NETPOL_INPUT_KINDS,
  rationale:
    'The instance metadata service hands out the node\'s cloud credentials and bootstrap data to anything that can reach it over HTTP. '
    + 'A pod that can reach it can often act with the node\'s cloud identity. Reported per namespace (the workloads without egress isolation) '
    + 'and per NetworkPolicy rule that admits the address on port 80 (no `to`, or an ipBlock containing it without an except).',
  remediation:
    'Isolate egress with a default-deny policy and add `169.254.169.254/32` (and `fd00:ec2::254/128` on AWS IPv6) to the `except` list '
    + 'of broad ipBlocks. hostNetwork pods bypass NetworkPolicy: block the address on the node (IMDSv2 with a hop limit of 1, '
    + 'or the provider\'s metadata concealment) for them. System namespaces are reported one severity level lower.',
  controls: { iso27001: ['A.8.20', 'A.8.21', 'A.8.22'], nsa: [NSA_CLOUD, NSA_NETWORK_POLICIES], 'nist-800-190': ['4.4.2'] },
  references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/'],
  *check(inventory) {
    for (const policy of analysisOf(inventory).policies) yield* policyViolations(policy);
    yield* namespaceViolations(inventory);
  },
  examples: {
    valid: [
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: api, image: api }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: egress, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ ipBlock: { cidr: 0.0.0.0/0, except: [169.254.0.0/16] } }]
    - ports: [{ port: 53, protocol: UDP }]`,
    ],
    invalid: [
      {
        manifest: `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: api, image: api }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: worker, namespace: shop }
spec:
  template:
    metadata: { labels: { app: worker } }
    spec: { containers: [{ name: worker, image: worker }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-egress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  egress:
    - to: [{ ipBlock: { cidr: 169.254.0.0/16, except: [169.254.170.2/32] } }]
      ports: [{ port: 1, endPort: 1024 }]`,
        paths: ['spec.egress[0].to[0].ipBlock', 'metadata.name'],
      },
    ],
  },
});
