/**
 * Shared logic of the namespace resource-policy checks (LimitRange, ResourceQuota): one finding per
 * namespace that runs workloads in the input but has no object of the kind that bounds them.
 *
 * Workloads without `metadata.namespace` count for `default`, where `kubectl apply` puts them
 * unless told otherwise. System namespaces are left out: their components are sized by the
 * platform, and a quota there can stop the control plane's own pods from starting.
 */
import type { InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import type { Resource } from '../../resources/types.js';
import { asArray, asObject, isObject } from '../../resources/workloads.js';
import { nameList, SYSTEM_NAMESPACES } from '../network/common.js';

/** Kinds that run pods, controllers first so that a namespace's anchor is its Deployment rather than one of its Pods. */
export const WORKLOAD_KINDS: readonly string[] = [
  'Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'ReplicaSet', 'ReplicationController', 'Pod',
];

export const DEFAULT_NAMESPACE = 'default';

export function namespaceOf(resource: Resource): string {
  return resource.namespace ?? DEFAULT_NAMESPACE;
}

function workloadKey(namespace: string, kind: string, name: string): string {
  return `${namespace}/${kind}/${name}`;
}

/** Key of the resource's controller (a Deployment for its ReplicaSet, a ReplicaSet for its Pods), if any. */
function controllerKey(resource: Resource): string | undefined {
  for (const owner of asArray(asObject(resource.object.metadata).ownerReferences)) {
    if (isObject(owner) && owner.controller === true && typeof owner.kind === 'string' && typeof owner.name === 'string') {
      return workloadKey(namespaceOf(resource), owner.kind, owner.name);
    }
  }
  return undefined;
}

/**
 * Workloads per namespace (system namespaces left out), controllers first. Objects whose controller
 * is also in the input (the ReplicaSets and Pods of a Deployment in a cluster export) are folded
 * into it, so that one application counts once.
 */
export function workloadsByNamespace(inventory: Inventory): Map<string, Resource[]> {
  const workloads = inventory.ofKind(...WORKLOAD_KINDS);
  const present = new Set(workloads.map((r) => workloadKey(namespaceOf(r), r.kind, r.name)));
  const byNamespace = new Map<string, Resource[]>();
  for (const resource of workloads) {
    const namespace = namespaceOf(resource);
    const owner = controllerKey(resource);
    if (SYSTEM_NAMESPACES.has(namespace) || (owner !== undefined && present.has(owner))) continue;
    const list = byNamespace.get(namespace);
    if (list) list.push(resource);
    else byNamespace.set(namespace, [resource]);
  }
  return byNamespace;
}

export interface FindingTarget {
  resource: Resource;
  path: string;
}

/** The Namespace object when the input declares it, else the namespace's first workload. */
export function findingTarget(inventory: Inventory, namespace: string, workloads: readonly Resource[]): FindingTarget {
  const declared = inventory.namespace(namespace);
  if (declared) return { resource: declared, path: 'metadata.name' };
  const anchor = workloads[0]!;
  return { resource: anchor, path: anchor.namespace === undefined ? 'metadata' : 'metadata.namespace' };
}

/** What makes an object of a namespace-policy kind count. */
export interface NamespacePolicy {
  kind: 'LimitRange' | 'ResourceQuota';
  /** Why the object bounds no compute resource of the namespace's pods, or undefined when it does. */
  ineffective(resource: Resource): string | undefined;
}

function policiesIn(inventory: Inventory, policy: NamespacePolicy, namespace: string): Resource[] {
  return inventory.ofKind(policy.kind).filter((resource) => namespaceOf(resource) === namespace);
}

function workloadLabel(resource: Resource): string {
  return `${resource.kind}/${resource.name}`;
}

function stateOf(policy: NamespacePolicy, present: readonly Resource[]): string {
  if (present.length === 0) return `has no ${policy.kind}`;
  const reasons = present.map((resource) => `${policy.kind} "${resource.name}" ${policy.ineffective(resource) ?? ''}`);
  return `has no effective ${policy.kind} (${reasons.join('; ')})`;
}

/** One violation per namespace with workloads and no effective object of the policy's kind. */
export function* namespacesWithoutPolicy(inventory: Inventory, policy: NamespacePolicy): Iterable<InventoryViolation> {
  for (const [namespace, workloads] of workloadsByNamespace(inventory)) {
    const present = policiesIn(inventory, policy, namespace);
    if (present.some((resource) => policy.ineffective(resource) === undefined)) continue;
    const labels = workloads.map(workloadLabel);
    yield {
      ...findingTarget(inventory, namespace, workloads),
      message: `namespace "${namespace}" runs ${workloads.length} workload${workloads.length === 1 ? '' : 's'} (${nameList(labels)}) but ${stateOf(policy, present)}`,
      details: { namespace, workloads: labels, [`${policy.kind}s`]: present.map((resource) => resource.name) },
    };
  }
}

/** The compute resources a pod-level policy can bound. */
export function isComputeResource(name: string): boolean {
  return /^(?:requests\.|limits\.)?(?:cpu|memory|ephemeral-storage)$/.test(name);
}
