import { defineCheck } from '../../engine/check.js';
import { isFullWildcard } from '../../inventory/rbac/index.js';
import { NSA_RBAC, permissionViolations, RBAC_INPUT_KINDS } from './common.js';

const SEVERITY = 'critical';

export default defineCheck({
  id: 'rbac.cluster-admin-binding',
  title: 'cluster-admin (or an equivalent role) must not be bound outside system:masters',
  severity: SEVERITY,
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'A role allowing every verb on every resource (cluster-admin, or any role with a `*`/`*`/`*` rule) gives its holder full control: '
    + 'reading every Secret, changing RBAC, running privileged pods. Cluster-wide it is the whole cluster; in a RoleBinding, the whole namespace.',
  remediation:
    'Bind a role listing only the verbs and resources the subject needs; keep break-glass administration in system:masters credentials held offline.',
  controls: { iso27001: ['A.8.2', 'A.5.3', 'A.5.15', 'A.5.18'], cis: ['5.1.1'], nsa: [NSA_RBAC] },
  *check(inventory) {
    yield* permissionViolations(inventory, SEVERITY, {
      skipAdminEquivalent: false,
      match: (rule) => (isFullWildcard(rule) ? ['do anything (*/*/*)'] : []),
    });
  },
  examples: {
    valid: [
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: masters-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:masters }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ci-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects:
  - { kind: ServiceAccount, name: deployer, namespace: ci }`,
        paths: ['subjects[0]'],
      },
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: everything, namespace: shop }
rules:
  - { apiGroups: ['*'], resources: ['*'], verbs: ['*'] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: shop-owners, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: everything }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: shop-team }`,
        paths: ['subjects[0]'],
      },
    ],
  },
});
