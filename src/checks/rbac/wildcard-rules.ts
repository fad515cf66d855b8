import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import { asArray } from '../../resources/workloads.js';
import { isFullWildcard, parseRule, roleLabel, type RoleNode } from '../../inventory/rbac/index.js';
import { rbacContext, NSA_RBAC, RBAC_INPUT_KINDS, shift } from './common.js';

function* roleViolations(role: RoleNode, boundClusterWide: boolean): Iterable<InventoryViolation> {
  const base = role.kind === 'ClusterRole' ? 'medium' : 'low';
  const reach = role.kind === 'Role' ? `namespace ${role.namespace}` : boundClusterWide ? 'the whole cluster' : 'the namespaces it is bound in';
  for (const [i, value] of asArray(role.resource!.object.rules).entries()) {
    const rule = parseRule(value);
    if (!rule) continue;
    const severity = shift(base, isFullWildcard(rule) ? 1 : 0);
    const details = { role: roleLabel(role), reach: role.kind === 'Role' ? 'namespace' : boundClusterWide ? 'cluster' : 'namespace' };
    if (rule.verbs.includes('*')) {
      yield { resource: role.resource!, path: `rules[${i}].verbs`, severity, details,
        message: `${roleLabel(role)} allows every verb ("*") on ${rule.resources.join(', ') || rule.nonResourceURLs.join(', ')} in ${reach}` };
    }
    if (rule.resources.includes('*')) {
      yield { resource: role.resource!, path: `rules[${i}].resources`, severity, details,
        message: `${roleLabel(role)} allows ${rule.verbs.join(', ')} on every resource ("*") of ${rule.apiGroups.map((g) => g || 'core').join(', ')} in ${reach}` };
    }
  }
}

function* violations(inventory: Inventory): Iterable<InventoryViolation> {
  const { model } = rbacContext(inventory);
  for (const role of model.roles) {
    if (!role.resource || role.systemDefault || role.aggregated) continue;
    const clusterWide = model.bindingsOf(role).some((b) => b.kind === 'ClusterRoleBinding');
    yield* roleViolations(role, clusterWide);
  }
}

export default defineCheck({
  id: 'rbac.wildcard-rules',
  title: 'Roles and ClusterRoles should not use wildcard verbs or resources',
  severity: 'medium',
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'A `*` verb or resource grants everything that exists now and everything added later (new subresources, CRDs): the role\'s real '
    + 'reach cannot be reviewed, and it silently grows with the cluster.',
  remediation: 'List the verbs and resources explicitly; split broad roles by task.',
  controls: { iso27001: ['A.5.15', 'A.5.18', 'A.8.2'], cis: ['5.1.3'], nsa: [NSA_RBAC] },
  check: (inventory) => violations(inventory),
  examples: {
    valid: [
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: deploy-manager }
rules:
  - { apiGroups: [apps], resources: [deployments], verbs: [get, list, update, patch] }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: crd-admin }
rules:
  - { apiGroups: [example.com], resources: ['*'], verbs: ['*'] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pods-any, namespace: shop }
rules:
  - { apiGroups: [''], resources: [pods], verbs: ['*'] }`,
        paths: ['rules[0].verbs', 'rules[0].resources', 'rules[0].verbs'],
      },
    ],
  },
});
