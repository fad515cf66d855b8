import { defineCheck } from '../../engine/check.js';
import { capabilityGrants, NSA_RBAC, permissionViolations, RBAC_INPUT_KINDS, type Capability } from './common.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const CAPABILITIES: Capability[] = [
  { verbs: ['escalate', 'bind'], group: RBAC_GROUP, resources: ['roles', 'clusterroles'] },
  { verbs: ['impersonate'], group: '', resources: ['users', 'groups', 'serviceaccounts'] },
  { verbs: ['impersonate'], group: 'authentication.k8s.io', resources: ['userextras', 'uids'] },
];

const SEVERITY = 'high';

export default defineCheck({
  id: 'rbac.escalation-verbs',
  title: 'escalate, bind and impersonate must not be granted',
  severity: SEVERITY,
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'RBAC stops a subject from granting permissions it does not hold, except with `escalate` (edit roles beyond one\'s own rights), '
    + '`bind` (bind any role) or `impersonate` (act as another user, group or service account): each is a path to cluster-admin.',
  remediation:
    'Remove these verbs; let role and binding changes go through a reviewed pipeline, and give impersonation only to an audited break-glass identity.',
  controls: { iso27001: ['A.8.2', 'A.5.3', 'A.5.18'], cis: ['5.1.8'], nsa: [NSA_RBAC] },
  *check(inventory) {
    yield* permissionViolations(inventory, SEVERITY, {
      match: (rule) => CAPABILITIES.flatMap((capability) => capabilityGrants(rule, capability)),
    });
  },
  examples: {
    valid: [
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: role-viewer }
rules:
  - { apiGroups: [rbac.authorization.k8s.io], resources: [roles, clusterroles], verbs: [get, list] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: role-viewer }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: role-viewer }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: auditors }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: impersonator }
rules:
  - { apiGroups: [''], resources: [users, groups], verbs: [impersonate] }
  - { apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind, escalate] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: impersonator }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonator }
subjects:
  - { kind: ServiceAccount, name: gateway, namespace: edge }`,
        paths: ['subjects[0]'],
      },
    ],
  },
});
