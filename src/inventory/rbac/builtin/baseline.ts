/**
 * Kubernetes' built-in RBAC baseline: the default ClusterRoles (admin/edit/view with their aggregation
 * sources, cluster-admin, the system: roles and the controllers' roles), the default Roles of kube-system and
 * kube-public, and the default bindings of the special groups (system:masters → cluster-admin, discovery for
 * system:authenticated and system:unauthenticated). The RBAC model adds each of them when the input does not
 * declare an object of the same kind, namespace and name: the input wins.
 */
import type { JsonObject } from '../../../resources/types.js';
import { CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES, ROLES } from './baseline-data.js';

/**
 * The Kubernetes release the baseline comes from. The upstream files are golden test outputs of the bootstrap
 * policy at commit 01899a7c (ClusterRoles, rendered with every feature gate on) and 008b3652 (controller and
 * namespace roles): they have `devicetaintrules` (added in v1.33) and not `podcertificaterequests` (v1.34),
 * hence v1.33. The special groups' bindings come from an older commit (c60df899): they have not changed since.
 */
export const BASELINE_KUBERNETES_VERSION = 'v1.33';

export interface BaselineObject {
  kind: 'ClusterRole' | 'Role' | 'ClusterRoleBinding';
  name: string;
  namespace?: string;
  object: JsonObject;
}

function nameOf(object: JsonObject): { name: string; namespace?: string } {
  const metadata = object.metadata as { name?: unknown; namespace?: unknown } | undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '';
  return typeof metadata?.namespace === 'string' ? { name, namespace: metadata.namespace } : { name };
}

function objectsOf(kind: BaselineObject['kind'], list: readonly JsonObject[]): BaselineObject[] {
  return list.map((object) => ({ kind, ...nameOf(object), object }));
}

export const BASELINE_ROLES: readonly BaselineObject[] = [...objectsOf('ClusterRole', CLUSTER_ROLES), ...objectsOf('Role', ROLES)];
export const BASELINE_BINDINGS: readonly BaselineObject[] = objectsOf('ClusterRoleBinding', CLUSTER_ROLE_BINDINGS);

const CLUSTER_ROLE_NAMES = new Set(BASELINE_ROLES.filter((r) => r.kind === 'ClusterRole').map((r) => r.name));

export function isBaselineClusterRole(name: string): boolean {
  return CLUSTER_ROLE_NAMES.has(name);
}
