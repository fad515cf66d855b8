/**
 * NetworkPolicy selection over an inventory, built once and indexed:
 * - pods and policies grouped by namespace, pods of each namespace indexed by label;
 * - each policy's pod selector evaluated once against its namespace's index (not against every pod);
 * - namespace selectors evaluated once per distinct selector against the namespace labels
 *   (the Namespace object's labels plus the automatic `kubernetes.io/metadata.name`).
 *
 * Allow semantics are additive: a pod is isolated for a direction once any policy selecting it has
 * that policy type; what it may then exchange is the union of those policies' rules.
 * hostNetwork pods are neither selected by policies nor matched by pod/namespace peers (the most
 * common CNI behaviour; Kubernetes leaves it undefined).
 */
import type { Inventory } from '../../inventory/inventory.js';
import { compilePolicy, isNetworkPolicy, type Direction, type Peer, type Policy } from './policy.js';
import { netpolPodsOf, PodIndex, type NetpolPod } from './pods.js';
import { asObject } from '../../resources/workloads.js';
import { labelsOf, type Labels, type LabelSelector } from '../label-selector.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export class NetpolAnalysis {
  private readonly podsByNamespace = new Map<string, NetpolPod[]>();
  private readonly indexByNamespace = new Map<string, PodIndex>();
  private readonly policiesByNamespace = new Map<string, Policy[]>();
  private readonly labelsByNamespace = new Map<string, Labels>();
  private readonly namespaceObjects = new Set<string>();
  private readonly selectedByPolicy = new Map<Policy, NetpolPod[]>();
  private readonly namespaceSelections = new Map<string, string[]>();
  private selecting: Map<NetpolPod, Policy[]> | undefined;
  private namespaceList: string[] | undefined;

  private constructor(readonly pods: readonly NetpolPod[], readonly policies: readonly Policy[], namespaceLabels: Map<string, Labels>) {
    for (const [name, labels] of namespaceLabels) {
      this.namespaceObjects.add(name);
      this.labelsByNamespace.set(name, { ...labels, [NAMESPACE_NAME_LABEL]: name });
    }
    for (const pod of pods) {
      push(this.podsByNamespace, pod.namespace, pod);
      this.indexFor(pod.namespace).add(pod);
    }
    for (const policy of policies) push(this.policiesByNamespace, policy.namespace, policy);
  }

  /** The analysis of an inventory, shared by every check of a run (rebuilt when the inventory grew). */
  static cached(inventory: Inventory): NetpolAnalysis {
    return inventory.derived('netpol-analysis', () => NetpolAnalysis.of(inventory));
  }

  static of(inventory: Inventory): NetpolAnalysis {
    const namespaceLabels = new Map<string, Labels>();
    for (const name of inventory.namespaceNames()) {
      const object = inventory.namespace(name);
      if (object) namespaceLabels.set(name, labelsOf(asObject(object.object.metadata).labels));
    }
    const policies = inventory.ofKind('NetworkPolicy').filter(isNetworkPolicy).map(compilePolicy);
    return new NetpolAnalysis(netpolPodsOf(inventory.podTemplates()), policies, namespaceLabels);
  }

  /** Namespaces that hold workloads or policies, or are declared by a Namespace object; sorted. */
  namespaces(): readonly string[] {
    this.namespaceList ??= [...new Set([...this.namespaceObjects, ...this.podsByNamespace.keys(), ...this.policiesByNamespace.keys()])].sort();
    return this.namespaceList;
  }

  hasNamespaceObject(namespace: string): boolean {
    return this.namespaceObjects.has(namespace);
  }

  /** Labels a namespaceSelector sees: the Namespace object's, or only the automatic name label. */
  namespaceLabels(namespace: string): Labels {
    return this.labelsByNamespace.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
  }

  podsIn(namespace: string): readonly NetpolPod[] {
    return this.podsByNamespace.get(namespace) ?? [];
  }

  policiesIn(namespace: string): readonly Policy[] {
    return this.policiesByNamespace.get(namespace) ?? [];
  }

  /** Pods the policy's podSelector selects (never hostNetwork pods). */
  selectedBy(policy: Policy): readonly NetpolPod[] {
    let selected = this.selectedByPolicy.get(policy);
    if (!selected) {
      selected = this.indexByNamespace.get(policy.namespace)?.select(policy.podSelector) ?? [];
      this.selectedByPolicy.set(policy, selected);
    }
    return selected;
  }

  /** Policies whose podSelector selects the pod, in input order. */
  policiesSelecting(pod: NetpolPod): readonly Policy[] {
    if (!this.selecting) {
      this.selecting = new Map();
      for (const policy of this.policies) {
        for (const selected of this.selectedBy(policy)) push(this.selecting, selected, policy);
      }
    }
    return this.selecting.get(pod) ?? [];
  }

  /** Policies that isolate the pod for the direction; empty = not isolated (everything allowed). */
  isolating(pod: NetpolPod, direction: Direction): Policy[] {
    return this.policiesSelecting(pod).filter((policy) => policy.types[direction]);
  }

  /** Namespaces a namespaceSelector matches (cached per distinct selector). */
  namespacesMatching(selector: LabelSelector): readonly string[] {
    const cacheKey = selector.toString();
    let names = this.namespaceSelections.get(cacheKey);
    if (!names) {
      names = this.namespaces().filter((ns) => selector.matches(this.namespaceLabels(ns)));
      this.namespaceSelections.set(cacheKey, names);
    }
    return names;
  }

  /** Does a pod/namespace peer of the policy match the pod? ipBlock peers never match pods here (pods have no address in manifests). */
  peerMatchesPod(policy: Policy, peer: Peer, pod: NetpolPod): boolean {
    if (peer.type === 'empty') return true;
    if (peer.type === 'ipBlock' || pod.hostNetwork) return false;
    const inNamespace = peer.namespaces.type === 'own'
      ? pod.namespace === policy.namespace
      : peer.namespaces.selector.matches(this.namespaceLabels(pod.namespace));
    return inNamespace && peer.pods.matches(pod.labels);
  }

  /** The workload pods a pod/namespace peer matches across the input. */
  peerPods(policy: Policy, peer: Peer): NetpolPod[] {
    if (peer.type === 'ipBlock') return [];
    if (peer.type === 'empty') return this.pods.filter((pod) => !pod.hostNetwork);
    const namespaces = peer.namespaces.type === 'own' ? [policy.namespace] : this.namespacesMatching(peer.namespaces.selector);
    return namespaces.flatMap((ns) => this.indexByNamespace.get(ns)?.select(peer.pods) ?? []);
  }

  /** How many workload pods a peer matches, without building the list. */
  countPeerPods(policy: Policy, peer: Peer): number {
    if (peer.type === 'ipBlock') return 0;
    if (peer.type === 'empty') return this.pods.filter((pod) => !pod.hostNetwork).length;
    const namespaces = peer.namespaces.type === 'own' ? [policy.namespace] : this.namespacesMatching(peer.namespaces.selector);
    let count = 0;
    for (const ns of namespaces) count += this.indexByNamespace.get(ns)?.select(peer.pods).length ?? 0;
    return count;
  }

  private indexFor(namespace: string): PodIndex {
    let index = this.indexByNamespace.get(namespace);
    if (!index) {
      index = new PodIndex();
      this.indexByNamespace.set(namespace, index);
    }
    return index;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
