/**
 * Kubernetes' bootstrap RBAC policy: the ClusterRoles, Roles and bindings kube-apiserver creates and
 * reconciles at start. They carry the label `kubernetes.io/bootstrapping: rbac-defaults` and the annotation
 * `rbac.authorization.kubernetes.io/autoupdate: "true"`; their names mostly start with `system:`.
 */
import type { JsonObject } from '../../resources/types.js';
import { asObject } from '../../resources/workloads.js';
import { isBaselineClusterRole } from './builtin/baseline.js';

export const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

/** True for an object of the bootstrap policy (or one named like it, with the reserved `system:` prefix). */
export function isSystemDefault(object: JsonObject, name: string): boolean {
  const metadata = asObject(object.metadata);
  if (asObject(metadata.labels)[BOOTSTRAP_LABEL] === 'rbac-defaults') return true;
  if (asObject(metadata.annotations)[AUTOUPDATE_ANNOTATION] === 'true') return true;
  return name.startsWith('system:');
}

/** ClusterRoles every cluster has (the built-in baseline, and any reserved `system:` name), so a binding to them is never dangling. */
export function isWellKnownClusterRole(name: string): boolean {
  return isBaselineClusterRole(name) || name.startsWith('system:');
}
