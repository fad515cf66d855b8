/**
 * Findings at the top-level owner. A Deployment's ReplicaSet and its Pods carry the Deployment's
 * pod template: each would repeat the Deployment's findings. Objects owned by a controller (the
 * `ownerReferences` entry with `controller: true`) whose owner was read are reported through their
 * top-level owner: a finding the owner already has (same check, same path relative to the pod
 * template) is dropped; a finding only the owned object has (a sidecar injected at admission, a
 * field changed by hand) stays, on the owned object. Owned objects are not given to the
 * cross-resource checks either: their owner stands for them, as in the manifests.
 *
 * The cluster source lists owners before what they own (discovery.ts: WANTED_KINDS), so an owner's
 * findings are known when its objects arrive. Memory: one entry per owner and per finding key.
 */
import type { ScannedResource, ResourceHook } from '../../engine/scan.js';
import type { JsonObject, Resource } from '../../resources/types.js';

/** Where the pod template sits in each kind that has one (paths of findings are made relative to it). */
const TEMPLATE_PREFIX = new Map<string, string>([
  ['Pod', ''],
  ['Deployment', 'spec.template.'],
  ['StatefulSet', 'spec.template.'],
  ['DaemonSet', 'spec.template.'],
  ['ReplicaSet', 'spec.template.'],
  ['ReplicationController', 'spec.template.'],
  ['Job', 'spec.template.'],
  ['CronJob', 'spec.jobTemplate.spec.template.'],
]);

interface Owner {
  /** uid of the top-level owner (itself for a top-level object). */
  top: string;
  /** Finding keys of the top-level owner, collected from it (shared by reference down the chain). */
  findings: Set<string>;
}

function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function uidOf(resource: Resource): string | undefined {
  const uid = asObject(resource.object.metadata)?.uid;
  return typeof uid === 'string' ? uid : undefined;
}

/** uid of the controller that owns the object (ownerReferences entry with controller: true). */
export function controllerUid(object: JsonObject): string | undefined {
  const references = asObject(object.metadata)?.ownerReferences;
  if (!Array.isArray(references)) return undefined;
  for (const reference of references) {
    const ref = asObject(reference);
    if (ref?.controller === true && typeof ref.uid === 'string') return ref.uid;
  }
  return undefined;
}

/** True for kinds whose objects stand for the objects they own (workloads with a pod template; not Pods). */
export function ownsPods(kind: string): boolean {
  return kind !== 'Pod' && TEMPLATE_PREFIX.has(kind);
}

/** A finding's key for comparison across an owner chain: check and path relative to the pod template. */
export function findingKey(kind: string, checkId: string, path: string): string {
  const prefix = TEMPLATE_PREFIX.get(kind);
  const relative = prefix !== undefined && prefix !== '' && path.startsWith(prefix) ? path.slice(prefix.length) : path;
  return `${checkId}\u0000${relative}`;
}

export class OwnerRollUp implements ResourceHook {
  private readonly owners = new Map<string, Owner>();
  /** Findings dropped because the top-level owner has them. */
  collapsed = 0;

  /** The owner entry of an owned object whose controller was read, or undefined. */
  private ownerOf(resource: Resource): Owner | undefined {
    const uid = controllerUid(resource.object);
    return uid !== undefined ? this.owners.get(uid) : undefined;
  }

  retain(resource: Resource): boolean {
    return this.ownerOf(resource) === undefined;
  }

  adjust(resource: Resource, scanned: ScannedResource): ScannedResource {
    const uid = uidOf(resource);
    const owner = this.ownerOf(resource);
    if (!owner) {
      if (uid !== undefined && resource.kind !== 'Pod' && TEMPLATE_PREFIX.has(resource.kind)) {
        const findings = new Set(scanned.findings.map((f) => findingKey(resource.kind, f.checkId, f.path)));
        this.owners.set(uid, { top: uid, findings });
      }
      return scanned;
    }
    // An owned object: it stands for its top-level owner, for its own objects too (a ReplicaSet's Pods, a Job's).
    if (uid !== undefined && resource.kind !== 'Pod') this.owners.set(uid, owner);
    const kept = scanned.findings.filter((f) => !owner.findings.has(findingKey(resource.kind, f.checkId, f.path)));
    this.collapsed += scanned.findings.length - kept.length;
    return kept.length === scanned.findings.length ? scanned : { ...scanned, findings: kept };
  }
}
