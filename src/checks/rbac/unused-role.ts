import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import { roleLabel, type RoleNode } from '../../inventory/rbac/index.js';
import { rbacContext, NSA_RBAC, RBAC_INPUT_KINDS } from './common.js';

const AGGREGATE_LABEL = 'rbac.authorization.k8s.io/aggregate-to-';

/** A ClusterRole labelled to aggregate into a role (admin/edit/view, or one outside the input) is in use. */
function feedsAggregation(role: RoleNode): boolean {
  return (role.aggregatedInto?.length ?? 0) > 0 || Object.keys(role.labels).some((key) => key.startsWith(AGGREGATE_LABEL));
}

function* violations(inventory: Inventory): Iterable<InventoryViolation> {
  const { model } = rbacContext(inventory);
  for (const role of model.roles) {
    if (!role.resource || role.systemDefault || model.bindingsOf(role).length > 0) continue;
    if (role.kind === 'ClusterRole' && feedsAggregation(role)) continue;
    yield {
      resource: role.resource,
      path: 'metadata.name',
      message: `${roleLabel(role)} is not bound by any RoleBinding or ClusterRoleBinding in the input, nor aggregated into another role`,
      details: { role: roleLabel(role) },
    };
  }
}

export default defineCheck({
  id: 'rbac.unused-role',
  title: 'Roles that nothing binds should be removed',
  severity: 'low',
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'Unbound roles are permissions nobody reviews: they drift, and a later binding (or a dangling one) silently activates them. '
    + 'Reviewing access rights includes removing what is no longer used.',
  remediation: 'Delete the role, or bind it in the same change set that needs it.',
  controls: { iso27001: ['A.5.18'], nsa: [NSA_RBAC] },
  check: (inventory) => violations(inventory),
  examples: {
    valid: [
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: reader, namespace: shop }
rules:
  - { apiGroups: [''], resources: [pods], verbs: [get] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: reader, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader }
subjects:
  - { kind: User, name: carol }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: widgets-view
  labels: { rbac.authorization.k8s.io/aggregate-to-view: "true" }
rules:
  - { apiGroups: [example.com], resources: [widgets], verbs: [get, list] }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: legacy, namespace: shop }
rules:
  - { apiGroups: [''], resources: [pods], verbs: [get] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: legacy, namespace: other }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: legacy }
subjects:
  - { kind: User, name: carol }`,
        paths: ['metadata.name'],
      },
    ],
  },
});
