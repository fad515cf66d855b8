import { defineCheck } from '../../engine/check.js';
import { capabilityGrants, NSA_RBAC, permissionViolations, RBAC_INPUT_KINDS, RBAC_SEVERITY_ADJUSTMENTS } from './common.js';

const CREATE_TOKEN = { verbs: ['create'], group: '', resources: ['serviceaccounts/token'] } as const;

const SEVERITY = 'high';

export default defineCheck({
  id: 'rbac.serviceaccount-token',
  title: 'Creating service account tokens must be restricted',
  severity: SEVERITY,
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'create on serviceaccounts/token issues a token for any service account in scope: its holder acts with every permission '
    + 'of those accounts, including controllers\' accounts in kube-system when granted cluster-wide.',
  remediation: 'Let pods receive projected tokens for their own account; grant token creation only for named accounts (resourceNames) in one namespace.',
  severityAdjustments: RBAC_SEVERITY_ADJUSTMENTS,
  controls: { iso27001: ['A.8.2', 'A.5.15'], cis: ['5.1.13'], nsa: [NSA_RBAC] },
  *check(inventory) {
    yield* permissionViolations(inventory, SEVERITY, { match: (rule) => capabilityGrants(rule, CREATE_TOKEN) });
  },
  examples: {
    valid: [
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: sa-reader, namespace: shop }
rules:
  - { apiGroups: [''], resources: [serviceaccounts], verbs: [get, list] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: sa-reader, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: sa-reader }
subjects:
  - { kind: User, name: bob }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: token-minter }
rules:
  - { apiGroups: [''], resources: [serviceaccounts/token], verbs: [create] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: token-minter }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: token-minter }
subjects:
  - { kind: ServiceAccount, name: vault, namespace: vault }`,
        paths: ['rules[0]'],
      },
    ],
  },
});
