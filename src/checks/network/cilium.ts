/**
 * Cilium's own policies (CiliumNetworkPolicy, namespaced; CiliumClusterwideNetworkPolicy) select pods by
 * `endpointSelector`, a label selector whose keys may carry a source prefix (`k8s:app`, `any:app`). Annexa does
 * not model their rules, but a pod they select is under a policy: the NetworkPolicy checks must never claim
 * otherwise.
 */
import type { Inventory } from '../../inventory/inventory.js';
import type { NetpolPod } from '../../inventory/netpol/pods.js';
import type { JsonObject, JsonValue, Resource } from '../../resources/types.js';
import { asArray, asObject, isObject } from '../../resources/workloads.js';
import { compileSelector, type LabelSelector } from '../../inventory/label-selector.js';

export const CILIUM_KINDS = ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'] as const;
const NAMESPACE_KEY = 'io.kubernetes.pod.namespace';

function stripPrefix(key: string): string {
  return key.replace(/^(k8s|any|container|reserved):/, '');
}

/** The selector with source prefixes removed from its keys, so that it matches Kubernetes pod labels. */
function unprefixed(selector: JsonObject): JsonObject {
  const out: JsonObject = {};
  if (isObject(selector.matchLabels)) out.matchLabels = Object.fromEntries(Object.entries(selector.matchLabels).map(([k, v]) => [stripPrefix(k), v]));
  if (Array.isArray(selector.matchExpressions)) {
    out.matchExpressions = selector.matchExpressions.map((e: JsonValue) => (isObject(e) && typeof e.key === 'string' ? { ...e, key: stripPrefix(e.key) } : e));
  }
  return out;
}

interface CiliumSelector {
  policy: Resource;
  /** undefined: cluster-wide. */
  namespace?: string;
  selector: LabelSelector;
}

function selectorsOf(policy: Resource): CiliumSelector[] {
  const spec = asObject(policy.object.spec);
  const specs = [spec, ...asArray(policy.object.specs).map(asObject)];
  const out: CiliumSelector[] = [];
  for (const s of specs) {
    if (!isObject(s.endpointSelector)) continue;
    const selector = compileSelector(unprefixed(s.endpointSelector));
    if (selector.problem !== undefined) continue;
    const entry: CiliumSelector = { policy, selector };
    if (policy.kind === 'CiliumNetworkPolicy') entry.namespace = policy.namespace ?? 'default';
    out.push(entry);
  }
  return out;
}

function ciliumSelectors(inventory: Inventory): CiliumSelector[] {
  return inventory.derived('cilium-selectors', () => inventory.ofKind(...CILIUM_KINDS).flatMap(selectorsOf));
}

/** The Cilium policy selecting the pod, if any (its namespace is matched as Cilium's namespace label). */
export function ciliumPolicySelecting(inventory: Inventory, pod: NetpolPod): Resource | undefined {
  const selectors = ciliumSelectors(inventory);
  if (selectors.length === 0) return undefined;
  const labels = { ...pod.labels, [NAMESPACE_KEY]: pod.namespace };
  return selectors.find((s) => (s.namespace === undefined || s.namespace === pod.namespace) && s.selector.matches(labels))?.policy;
}
