import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import { AddressIndex, type Holder } from '../../inventory/netpol/addresses.js';
import { ipBlockIsEverything } from '../../inventory/netpol/cidr.js';
import { compilePolicy, isNetworkPolicy } from '../../inventory/netpol/policy.js';
import { asArray, asObject } from '../../resources/workloads.js';

/** Pod addresses (from a live cluster's ClusterInfo) and node addresses (from Node status). */
function holders(inventory: Inventory): { pods: Holder[]; nodes: Holder[] } {
  const pods: Holder[] = [];
  for (const info of inventory.ofKind('ClusterInfo')) {
    for (const entry of asArray(info.object.podAddresses)) {
      const { address, name } = asObject(entry);
      if (typeof address === 'string' && typeof name === 'string') pods.push({ address, name });
    }
  }
  const nodes: Holder[] = [];
  for (const node of inventory.ofKind('Node')) {
    for (const entry of asArray(asObject(node.object.status).addresses)) {
      const { type, address } = asObject(entry);
      if ((type === 'InternalIP' || type === 'ExternalIP') && typeof address === 'string') nodes.push({ address, name: node.name });
    }
  }
  return { pods, nodes };
}

function describe(kind: string, admitted: { count: number; examples: Holder[] }): string {
  return `${admitted.count} ${kind} address${admitted.count === 1 ? '' : 'es'} (${admitted.examples.map((h) => `${h.name} ${h.address}`).join(', ')}${admitted.count > admitted.examples.length ? ', …' : ''})`;
}

function* ipBlockViolations(inventory: Inventory): Generator<InventoryViolation> {
  const { pods, nodes } = holders(inventory);
  if (pods.length === 0 && nodes.length === 0) return;
  const podIndex = new AddressIndex(pods);
  const nodeIndex = new AddressIndex(nodes);
  for (const resource of inventory.ofKind('NetworkPolicy')) {
    if (!isNetworkPolicy(resource)) continue;
    const policy = compilePolicy(resource);
    for (const rule of [...policy.rules.ingress, ...policy.rules.egress]) {
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) {
        // 0.0.0.0/0 is "everyone" on purpose; policy-allows-all is about it.
        if (peer.type !== 'ipBlock' || ipBlockIsEverything(peer.block)) continue;
        const podHits = podIndex.admitted(peer.block);
        const nodeHits = nodeIndex.admitted(peer.block);
        if (podHits.count === 0 && nodeHits.count === 0) continue;
        const what = [podHits.count > 0 ? describe('pod', podHits) : '', nodeHits.count > 0 ? describe('node', nodeHits) : ''].filter(Boolean).join(' and ');
        yield {
          resource,
          path: peer.path,
          message: `ipBlock ${peer.block.cidr.text} of NetworkPolicy ${policy.namespace}/${policy.name} matches ${what} of this cluster: in-cluster traffic is selected by address, which changes with every restart`,
          details: { podAddresses: podHits.count, nodeAddresses: nodeHits.count },
        };
      }
    }
  }
}

export default defineCheck({
  id: 'network.ipblock-cluster-addresses',
  title: 'NetworkPolicy ipBlock peers should not match the cluster\'s own pod and node addresses',
  severity: 'medium',
  domain: 'network',
  scope: 'inventory',
  inputKinds: ['NetworkPolicy'],
  rationale:
    '`ipBlock` is meant for traffic from or to outside the cluster. When a block covers pod IPs, which a live cluster reassigns on every '
    + 'restart, the policy admits whichever pods hold those addresses today (and, depending on the network plugin, traffic may be '
    + 'NATed so that the rule does not apply as written); when it covers node addresses it admits host-network pods and the kubelet. '
    + 'Files do not show pod or node addresses: only a cluster scan can tell.',
  remediation:
    'Select in-cluster peers with podSelector and namespaceSelector; keep ipBlock for external ranges, and carve the pod and node CIDRs out '
    + 'with `except` when a wide block is needed.',
  controls: { iso27001: ['A.8.20', 'A.8.22'] },
  references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource'],
  check: ipBlockViolations,
  examples: {
    valid: [
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-office, namespace: shop }
spec:
  podSelector: {}
  ingress: [{ from: [{ ipBlock: { cidr: 10.0.0.0/8, except: [10.244.0.0/16] } }] }]
---
apiVersion: annexa.dev/v1
kind: ClusterInfo
metadata: { name: prod }
podAddresses: [{ address: 10.244.1.17, name: shop/cart-6d4f9-abcde }]`,
    ],
    invalid: [{
      manifest: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-office, namespace: shop }
spec:
  podSelector: {}
  ingress: [{ from: [{ ipBlock: { cidr: 10.0.0.0/8 } }] }]
---
apiVersion: v1
kind: Node
metadata: { name: worker-1 }
status: { addresses: [{ type: InternalIP, address: 10.0.0.12 }] }
---
apiVersion: annexa.dev/v1
kind: ClusterInfo
metadata: { name: prod }
podAddresses: [{ address: 10.244.1.17, name: shop/cart-6d4f9-abcde }]`,
      paths: ['spec.ingress[0].from[0]'],
    }],
  },
});
