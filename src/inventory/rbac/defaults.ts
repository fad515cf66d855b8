/**
 * Kubernetes' bootstrap RBAC policy: the ClusterRoles, Roles and bindings kube-apiserver creates and
 * reconciles at start. They carry the label `kubernetes.io/bootstrapping: rbac-defaults` and the annotation
 * `rbac.authorization.kubernetes.io/autoupdate: "true"`; their names mostly start with `system:`.
 */
import type { JsonObject } from '../../resources/types.js';
import { asObject } from '../../resources/workloads.js';
import type { PolicyRule } from './types.js';

export const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

/** True for an object of the bootstrap policy (or one named like it, with the reserved `system:` prefix). */
export function isSystemDefault(object: JsonObject, name: string): boolean {
  const metadata = asObject(object.metadata);
  if (asObject(metadata.labels)[BOOTSTRAP_LABEL] === 'rbac-defaults') return true;
  if (asObject(metadata.annotations)[AUTOUPDATE_ANNOTATION] === 'true') return true;
  return name.startsWith('system:');
}

/** User-facing ClusterRoles every cluster has, so a binding to them is never dangling. */
const WELL_KNOWN_CLUSTER_ROLES = new Set(['cluster-admin', 'admin', 'edit', 'view']);

export function isWellKnownClusterRole(name: string): boolean {
  return WELL_KNOWN_CLUSTER_ROLES.has(name) || name.startsWith('system:');
}

/**
 * Rules of default ClusterRoles known without the input declaring them. Only cluster-admin is built in
 * (everything on every resource and URL); admin/edit/view depend on aggregation and the cluster's version.
 * A Map: it is looked up by a binding's roleRef.name, which may be `toString` or `__proto__`.
 */
export const BUILTIN_CLUSTER_ROLE_RULES: ReadonlyMap<string, readonly PolicyRule[]> = new Map([
  ['cluster-admin', [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] },
    { verbs: ['*'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: ['*'] },
  ]],
]);
