/**
 * The pods a NetworkPolicy can select: Pod objects and the pod templates of workloads (template
 * labels, namespace of the workload). Objects owned by a controller that is itself in the input
 * (a ReplicaSet of a Deployment, the Pods of a ReplicaSet, a Job of a CronJob) are folded into
 * their owner so that a cluster export does not count one workload three times.
 */
import type { Resource } from '../../resources/types.js';
import type { PodTemplate } from '../../resources/workloads.js';
import { asArray, asObject, isObject } from '../../resources/workloads.js';
import { labelsOf, type Labels, type LabelSelector } from '../label-selector.js';
import { namespaceOf } from './policy.js';

export interface ContainerPort {
  port: number;
  protocol: string;
}

export interface NetpolPod {
  resource: Resource;
  template: PodTemplate;
  namespace: string;
  kind: string;
  name: string;
  labels: Labels;
  /** hostNetwork pods share the node's address: policies neither select them nor match them as peers. */
  hostNetwork: boolean;
  /** Named container ports, for resolving named ports of policies. */
  namedPorts: ReadonlyMap<string, readonly ContainerPort[]>;
}

/** Kinds whose pod template is a running workload (PodTemplate objects are not). */
const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);

function namedPortsOf(template: PodTemplate): Map<string, ContainerPort[]> {
  const ports = new Map<string, ContainerPort[]>();
  for (const ref of template.containers) {
    if (ref.type === 'ephemeralContainers') continue;
    for (const value of asArray(ref.container.ports)) {
      const entry = asObject(value);
      if (typeof entry.name !== 'string' || typeof entry.containerPort !== 'number') continue;
      const protocol = typeof entry.protocol === 'string' ? entry.protocol.toUpperCase() : 'TCP';
      const list = ports.get(entry.name) ?? [];
      list.push({ port: entry.containerPort, protocol });
      ports.set(entry.name, list);
    }
  }
  return ports;
}

function key(namespace: string, kind: string, name: string): string {
  return `${namespace}\u0000${kind}\u0000${name}`;
}

function controllerKey(resource: Resource): string | undefined {
  const metadata = asObject(resource.object.metadata);
  for (const ref of asArray(metadata.ownerReferences)) {
    if (isObject(ref) && ref.controller === true && typeof ref.kind === 'string' && typeof ref.name === 'string') {
      return key(namespaceOf(resource), ref.kind, ref.name);
    }
  }
  return undefined;
}

/** Workload pods of the inventory's pod templates, in input order, without controller-owned duplicates. */
export function netpolPodsOf(templates: readonly PodTemplate[]): NetpolPod[] {
  const workloads = templates.filter((t) => WORKLOAD_KINDS.has(t.resource.kind));
  const present = new Set(workloads.map((t) => key(namespaceOf(t.resource), t.resource.kind, t.resource.name)));
  const pods: NetpolPod[] = [];
  for (const template of workloads) {
    const owner = controllerKey(template.resource);
    if (owner !== undefined && present.has(owner)) continue;
    pods.push({
      resource: template.resource,
      template,
      namespace: namespaceOf(template.resource),
      kind: template.resource.kind,
      name: template.resource.name,
      labels: labelsOf(template.metadata.labels),
      hostNetwork: template.spec.hostNetwork === true,
      namedPorts: namedPortsOf(template),
    });
  }
  return pods;
}

/**
 * Pods of one namespace indexed by label, so that a selector is answered from its most selective
 * requirement instead of scanning the namespace. hostNetwork pods are not indexed: no selector
 * reaches them.
 */
export class PodIndex {
  private readonly selectable: NetpolPod[] = [];
  private readonly byLabel = new Map<string, NetpolPod[]>();
  private readonly byKey = new Map<string, NetpolPod[]>();

  add(pod: NetpolPod): void {
    if (pod.hostNetwork) return;
    this.selectable.push(pod);
    for (const [labelKey, value] of Object.entries(pod.labels)) {
      push(this.byLabel, `${labelKey}=${value}`, pod);
      push(this.byKey, labelKey, pod);
    }
  }

  get size(): number {
    return this.selectable.length;
  }

  select(selector: LabelSelector): NetpolPod[] {
    if (selector.problem !== undefined) return [];
    if (selector.matchesAll) return this.selectable;
    const candidates = this.candidates(selector);
    return candidates.filter((pod) => selector.matches(pod.labels));
  }

  /** The smallest candidate list any single requirement allows. */
  private candidates(selector: LabelSelector): NetpolPod[] {
    let best: NetpolPod[] = this.selectable;
    for (const requirement of selector.requirements) {
      let list: NetpolPod[] | undefined;
      if (requirement.op === 'Exists') list = this.byKey.get(requirement.key) ?? [];
      else if (requirement.op === 'In') {
        list = requirement.values.size === 1
          ? this.byLabel.get(`${requirement.key}=${[...requirement.values][0]!}`) ?? []
          : [...requirement.values].flatMap((value) => this.byLabel.get(`${requirement.key}=${value}`) ?? []);
      }
      if (list && list.length < best.length) best = list;
      if (best.length === 0) break;
    }
    return best;
  }
}

function push<V>(map: Map<string, V[]>, k: string, value: V): void {
  const list = map.get(k);
  if (list) list.push(value);
  else map.set(k, [value]);
}
