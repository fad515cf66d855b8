import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import type { Resource } from '../../resources/types.js';
import { asObject } from '../../resources/workloads.js';
import { isUnsupported, MAX_KUBELET_SKEW, OLDEST_SUPPORTED_MINOR, parseKubeVersion, runtimeProblem, serverVersionOf, type KubeVersion } from './versions.js';

const NODE_INFO = 'status.nodeInfo';

function kubeletViolation(node: Resource, kubelet: KubeVersion, server: KubeVersion | undefined): InventoryViolation | undefined {
  const path = `${NODE_INFO}.kubeletVersion`;
  if (isUnsupported(kubelet)) {
    return { resource: node, path, severity: 'high', message: `node "${node.name}" runs kubelet ${kubelet.text}, a Kubernetes minor release without security fixes (oldest supported: 1.${OLDEST_SUPPORTED_MINOR})` };
  }
  if (server && server.major === kubelet.major && server.minor - kubelet.minor > MAX_KUBELET_SKEW) {
    return { resource: node, path, severity: 'high', message: `node "${node.name}" runs kubelet ${kubelet.text}, more than ${MAX_KUBELET_SKEW} minors behind the API server ${server.text} (unsupported skew)` };
  }
  if (server && server.major === kubelet.major && kubelet.minor < server.minor) {
    return { resource: node, path, message: `node "${node.name}" runs kubelet ${kubelet.text}, older than the API server ${server.text}: the upgrade is not finished` };
  }
  return undefined;
}

function* nodeViolations(inventory: Inventory): Generator<InventoryViolation> {
  const info = inventory.ofKind('ClusterInfo')[0];
  const server = info ? serverVersionOf(info.object) : undefined;
  for (const node of inventory.ofKind('Node')) {
    const nodeInfo = asObject(asObject(node.object.status).nodeInfo);
    const kubelet = parseKubeVersion(nodeInfo.kubeletVersion);
    const kubeletProblem = kubelet && kubeletViolation(node, kubelet, server);
    if (kubeletProblem) yield kubeletProblem;
    const runtime = typeof nodeInfo.containerRuntimeVersion === 'string' ? nodeInfo.containerRuntimeVersion : undefined;
    const problem = runtime && runtimeProblem(runtime);
    if (problem) yield { resource: node, path: `${NODE_INFO}.containerRuntimeVersion`, severity: 'high', message: `node "${node.name}" runs ${runtime}: ${problem}`, details: { osImage: typeof nodeInfo.osImage === 'string' ? nodeInfo.osImage : null } };
  }
}

export default defineCheck({
  id: 'cluster.node-versions',
  title: 'Nodes must run supported kubelet and container runtime versions',
  severity: 'medium',
  domain: 'cluster',
  scope: 'inventory',
  inputKinds: ['Node'],
  rationale:
    'Nodes report their kubelet, container runtime and OS versions (status.nodeInfo), which manifests never show. A kubelet of a minor '
    + 'release without upstream patches, a kubelet further behind the API server than the skew policy allows, or a runtime past its end '
    + 'of life leaves known vulnerabilities unpatched on the machines that run every workload; a kubelet older than the API server '
    + 'shows an upgrade that stopped half way.',
  remediation:
    'Upgrade the node pools (drain, replace or upgrade the kubelet) to the API server\'s minor release, and the container runtime to a '
    + 'supported release (containerd 1.7 or 2.x, a CRI-O matching the Kubernetes minor). Track node versions in the vulnerability process.',
  controls: { iso27001: ['A.8.8', 'A.8.9'], nsa: ['upgrading'] },
  references: ['https://kubernetes.io/releases/version-skew-policy/', 'https://kubernetes.io/releases/'],
  check: nodeViolations,
  examples: {
    valid: [
      `apiVersion: v1
kind: Node
metadata: { name: worker-1 }
status:
  nodeInfo: { kubeletVersion: v1.36.2, containerRuntimeVersion: "containerd://2.0.4", osImage: Ubuntu 24.04.1 LTS }
---
apiVersion: annexa.dev/v1
kind: ClusterInfo
metadata: { name: prod }
serverVersion: { gitVersion: v1.36.2 }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Node
metadata: { name: old }
status:
  nodeInfo: { kubeletVersion: v1.29.8, containerRuntimeVersion: "docker://24.0.7" }`,
        paths: ['status.nodeInfo.kubeletVersion', 'status.nodeInfo.containerRuntimeVersion'],
      },
      {
        manifest: `apiVersion: v1
kind: Node
metadata: { name: lagging }
status:
  nodeInfo: { kubeletVersion: v1.35.1, containerRuntimeVersion: "containerd://1.6.33" }
---
apiVersion: annexa.dev/v1
kind: ClusterInfo
metadata: { name: prod }
serverVersion: { gitVersion: v1.36.0 }`,
        paths: ['status.nodeInfo.kubeletVersion', 'status.nodeInfo.containerRuntimeVersion'],
      },
    ],
  },
});
