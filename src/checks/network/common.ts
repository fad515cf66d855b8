/**
 * Shared pieces of the network checks.
 *
 * System namespaces (`kube-system`, `kube-public`, `kube-node-lease`) hold the cluster's own
 * components, which are often hostNetwork or managed by the platform provider: findings about
 * them are kept but lowered by one severity level (never below `info`), so that they stay visible
 * without drowning the application namespaces. To drop them altogether, exclude the namespaces in
 * `annexa.yaml` (`scope.namespaces.exclude`, with a justification).
 */
import type { Inventory } from '../../inventory/inventory.js';
import type { Resource, Severity } from '../../resources/types.js';
import { SEVERITIES } from '../../resources/types.js';
import { POD_TEMPLATE_KINDS } from '../../resources/workloads.js';
import { NetpolAnalysis, type NetpolPod } from '../../inventory/netpol/index.js';

export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** Kinds the NetworkPolicy checks reason about. */
export const NETPOL_INPUT_KINDS: readonly string[] = ['NetworkPolicy', ...POD_TEMPLATE_KINDS.filter((k) => k !== 'PodTemplate')];

export const NSA_NETWORK_POLICIES = 'network.network-policies';
export const NSA_CLOUD = 'network.cloud-infrastructure';
export const NSA_ENCRYPTION = 'network.encryption';

/** One level lower for system namespaces, never below info. */
export function severityFor(namespace: string, severity: Severity): Severity {
  if (!SYSTEM_NAMESPACES.has(namespace)) return severity;
  return SEVERITIES[Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(severity) + 1)]!;
}

export function analysisOf(inventory: Inventory): NetpolAnalysis {
  return NetpolAnalysis.cached(inventory);
}

/**
 * The resource a namespace-level finding is about: the Namespace object when the input declares
 * it, else a Namespace stand-in located at the document of the namespace's first workload (file,
 * line and column of that document, no document index: the path is the Namespace's, not the
 * workload's). Without a file, SARIF consumers such as GitHub code scanning reject the whole
 * report ("expected a physical location"), and the table and JSON could not say where to look.
 */
export function namespaceResource(inventory: Inventory, namespace: string, anchor: NetpolPod | undefined): Resource {
  const declared = inventory.namespace(namespace);
  if (declared) return declared;
  const from = anchor?.resource.provenance;
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    name: namespace,
    object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    provenance: {
      source: from?.source ?? 'file',
      ...(from?.file !== undefined ? { file: from.file } : {}),
      ...(from?.line !== undefined ? { line: from.line } : {}),
      ...(from?.column !== undefined ? { column: from.column } : {}),
    },
  };
}

/** Workloads of the namespace that a NetworkPolicy could select (hostNetwork pods cannot be). */
export function selectableWorkloads(analysis: NetpolAnalysis, namespace: string): NetpolPod[] {
  return analysis.podsIn(namespace).filter((pod) => !pod.hostNetwork);
}

/** `a, b, c and 4 more` */
export function nameList(names: readonly string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function workloadLabel(pod: NetpolPod): string {
  return `${pod.kind}/${pod.name}`;
}
