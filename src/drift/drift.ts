/**
 * Drift between a git baseline (manifests) and the live cluster:
 *
 * - missing: declared, readable kind, not in the cluster;
 * - unmanaged: in the cluster, in scope, not declared, not made by a controller, not built in;
 * - modified: declared and live, and a declared field differs (compare.ts);
 * - unverified: declared, but its kind could not be read (403, 404, …): never "missing".
 *
 * Scope of "unmanaged": the kinds and namespaces the baseline covers, plus the cluster-scoped RBAC
 * and admission kinds (where hand-made changes matter most), configurable. Secrets are compared by
 * salted digest (redact.ts: digestSecretValues); no value or digest is kept in the report.
 */
import type { JsonObject, Resource } from '../resources/types.js';
import type { ApiResource, WantedKind } from '../sources/cluster/discovery.js';
import { WANTED_KINDS } from '../sources/cluster/discovery.js';
import type { KindCoverage } from '../sources/cluster/source.js';
import { controllerUid } from '../sources/cluster/owners.js';
import { declaredChanges, type Change } from './compare.js';

export interface DriftRef {
  kind: string;
  namespace?: string;
  name: string;
}

export interface DriftReport {
  missing: DriftRef[];
  unmanaged: DriftRef[];
  modified: Array<{ resource: DriftRef; changes: Change[] }>;
  unverified: Array<DriftRef & { reason: string }>;
}

/** Cluster-scoped kinds checked for unmanaged objects even when the baseline has none. */
export const DEFAULT_UNMANAGED_KINDS = ['ClusterRole', 'ClusterRoleBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'] as const;

const BUILTIN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

function metadataOf(object: JsonObject): JsonObject {
  const metadata = object.metadata;
  return metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? metadata : {};
}

/** Objects every cluster has or makes by itself, which no baseline declares. */
export function isBuiltIn(resource: Resource): boolean {
  const metadata = metadataOf(resource.object);
  const labels = metadata.labels && typeof metadata.labels === 'object' && !Array.isArray(metadata.labels) ? metadata.labels : {};
  if (resource.name.startsWith('system:') || labels['kubernetes.io/bootstrapping'] === 'rbac-defaults') return true;
  switch (resource.kind) {
    case 'Namespace':
      return BUILTIN_NAMESPACES.has(resource.name);
    case 'ServiceAccount':
      return resource.name === 'default';
    case 'ConfigMap':
      return resource.name === 'kube-root-ca.crt';
    case 'Service':
      return resource.name === 'kubernetes' && resource.namespace === 'default';
    case 'Secret':
      return resource.object.type === 'kubernetes.io/service-account-token';
    default:
      return false;
  }
}

/** Made by a controller or another object (ownerReferences): managed through its owner. */
function isOwned(object: JsonObject): boolean {
  const references = metadataOf(object).ownerReferences;
  return controllerUid(object) !== undefined || (Array.isArray(references) && references.length > 0);
}

const keyOf = (kind: string, namespace: string | undefined, name: string) => `${kind}\u0000${namespace ?? ''}\u0000${name}`;

function refOf(kind: string, namespace: string | undefined, name: string): DriftRef {
  return namespace !== undefined ? { kind, namespace, name } : { kind, name };
}

export interface DriftScope {
  /** Kinds to read: those of the baseline and the unmanaged kinds, with their API group. */
  kinds: WantedKind[];
  unmanagedKinds: Set<string>;
  namespaces: Set<string>;
}

/** What to read from the cluster for a baseline. */
export function driftScope(baseline: readonly Resource[], unmanagedKinds: readonly string[]): DriftScope {
  const known = new Map(WANTED_KINDS.map((w) => [w.kind, w.group]));
  const kinds = new Map<string, string>();
  for (const resource of baseline) {
    const slash = resource.apiVersion.indexOf('/');
    kinds.set(resource.kind, slash >= 0 ? resource.apiVersion.slice(0, slash) : '');
  }
  for (const kind of unmanagedKinds) if (!kinds.has(kind)) kinds.set(kind, known.get(kind) ?? '');
  const namespaces = new Set<string>();
  for (const resource of baseline) {
    if (resource.namespace !== undefined) namespaces.add(resource.namespace);
    if (resource.kind === 'Namespace') namespaces.add(resource.name);
  }
  return { kinds: [...kinds].map(([kind, group]) => ({ kind, group })), unmanagedKinds: new Set([...unmanagedKinds, ...kinds.keys()]), namespaces };
}

/**
 * Collects the live side as it is read: the live objects the baseline declares are kept whole, the
 * others only as references when they are candidates for "unmanaged" (in scope, not owned, not built in).
 */
export class DriftCollector {
  private readonly desired = new Map<string, Resource>();
  private readonly live = new Map<string, Resource>();
  private readonly candidates: DriftRef[] = [];

  constructor(
    baseline: readonly Resource[],
    private readonly scope: DriftScope,
    private readonly namespaced: (kind: string) => boolean | undefined,
  ) {
    for (const resource of baseline) {
      // A namespaced object without a namespace is applied to "default" (kubectl apply without -n).
      const namespace = this.namespaced(resource.kind) === false ? undefined : (resource.namespace ?? (this.namespaced(resource.kind) ? 'default' : undefined));
      this.desired.set(keyOf(resource.kind, namespace, resource.name), namespace === resource.namespace ? resource : { ...resource, namespace } as Resource);
    }
  }

  add(resource: Resource): void {
    if (resource.provenance.source === 'cluster' && resource.apiVersion === 'annexa.dev/v1') return;
    const key = keyOf(resource.kind, resource.namespace, resource.name);
    if (this.desired.has(key)) {
      this.live.set(key, resource);
      return;
    }
    if (!this.scope.unmanagedKinds.has(resource.kind)) return;
    if (resource.namespace !== undefined && !this.scope.namespaces.has(resource.namespace)) return;
    if (isOwned(resource.object) || isBuiltIn(resource)) return;
    this.candidates.push(refOf(resource.kind, resource.namespace, resource.name));
  }

  report(coverage: readonly KindCoverage[]): DriftReport {
    const state = new Map(coverage.map((c) => [c.kind, c]));
    const report: DriftReport = { missing: [], unmanaged: [], modified: [], unverified: [] };
    for (const [key, desired] of this.desired) {
      const ref = refOf(desired.kind, desired.namespace, desired.name);
      const kind = state.get(desired.kind);
      const live = this.live.get(key);
      if (live) {
        const changes = declaredChanges(desired.kind, desired.object, live.object);
        if (changes.length > 0) report.modified.push({ resource: ref, changes });
      } else if (!kind || kind.state !== 'read') {
        report.unverified.push({ ...ref, reason: kind?.state ?? 'unavailable' });
      } else {
        report.missing.push(ref);
      }
    }
    report.unmanaged = [...this.candidates];
    const order = (a: DriftRef, b: DriftRef) => keyOf(a.kind, a.namespace, a.name).localeCompare(keyOf(b.kind, b.namespace, b.name));
    report.missing.sort(order);
    report.unmanaged.sort(order);
    report.unverified.sort(order);
    report.modified.sort((a, b) => order(a.resource, b.resource));
    return report;
  }
}

/** Whether a kind is namespaced, from discovery. */
export function namespacedFrom(resources: ReadonlyMap<string, ApiResource>): (kind: string) => boolean | undefined {
  return (kind) => resources.get(kind)?.namespaced;
}
