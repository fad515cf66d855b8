import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import type { Resource } from '../../resources/types.js';
import {
  bindingLabel, isWellKnownClusterRole, normaliseSubject, subjectLabel, type BindingNode, type ServiceAccountUsage,
} from '../../inventory/rbac/index.js';
import { rbacContext, NSA_RBAC, RBAC_INPUT_KINDS } from './common.js';

function missingRole(binding: BindingNode, resource: Resource): InventoryViolation | undefined {
  if (binding.role) return undefined;
  const { kind, name } = binding.roleRef;
  if (kind === 'ClusterRole' && isWellKnownClusterRole(name)) return undefined;
  const where = kind === 'Role' ? ` in namespace ${binding.namespace}` : '';
  return {
    resource,
    path: 'roleRef.name',
    severity: 'low',
    message: `${bindingLabel(binding)} references ${kind} "${name}"${where}, which is not in the input: whoever creates it later grants it to the binding's subjects`,
    details: { binding: bindingLabel(binding), missing: `${kind}/${name}` },
  };
}

function* missingAccounts(binding: BindingNode, resource: Resource, usage: ServiceAccountUsage): Iterable<InventoryViolation> {
  for (const { subject, index } of binding.subjects) {
    const s = normaliseSubject(subject);
    if (s.kind !== 'ServiceAccount' || s.name === 'default') continue;
    const namespace = s.namespace ?? 'default';
    if (!usage.declaresAccountsIn(namespace) || usage.isDeclared(namespace, s.name)) continue;
    yield {
      resource,
      path: `subjects[${index}].name`,
      message: `${bindingLabel(binding)} grants to ${subjectLabel(s)}, which the input does not declare although it declares ServiceAccounts of namespace ${namespace}: `
        + 'anyone able to create a ServiceAccount there with that name inherits the grant',
      details: { binding: bindingLabel(binding), missing: subjectLabel(s) },
    };
  }
}

function* violations(inventory: Inventory): Iterable<InventoryViolation> {
  const { model, usage } = rbacContext(inventory);
  for (const binding of model.bindings) {
    if (!binding.resource || binding.systemDefault) continue;
    const role = missingRole(binding, binding.resource);
    if (role) yield role;
    yield* missingAccounts(binding, binding.resource, usage);
  }
}

export default defineCheck({
  id: 'rbac.dangling-binding',
  title: 'Bindings must reference existing roles and service accounts',
  severity: 'medium',
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'A binding to a ServiceAccount or role that does not exist is a standing grant waiting for a claimant: whoever later creates an '
    + 'object with that name receives the permissions, outside any review. It is also a sign that access rights are not maintained.',
  remediation: 'Delete bindings whose subjects or roles were removed, or declare the missing object in the same change set.',
  controls: { iso27001: ['A.5.18', 'A.5.15'], nsa: [NSA_RBAC] },
  check: (inventory) => violations(inventory),
  examples: {
    valid: [
      `apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: shop }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: web-view, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects:
  - { kind: ServiceAccount, name: web, namespace: shop }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: shop }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: old-worker, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: worker }
subjects:
  - { kind: ServiceAccount, name: web, namespace: shop }
  - { kind: ServiceAccount, name: worker, namespace: shop }`,
        paths: ['roleRef.name', 'subjects[1].name'],
      },
    ],
  },
});
