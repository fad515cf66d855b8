import { defineCheck } from '../../engine/check.js';
import { capabilityGrants, NSA_RBAC, permissionViolations, RBAC_INPUT_KINDS } from './common.js';

const READ_SECRETS = { verbs: ['get', 'list', 'watch'], group: '', resources: ['secrets'] } as const;

const SEVERITY = 'high';

export default defineCheck({
  id: 'rbac.secrets-read',
  title: 'Reading Secrets should be limited to the namespaces and names that need it',
  severity: SEVERITY,
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'get, list or watch on Secrets discloses credentials (service account tokens, registry and database passwords). '
    + 'Through a ClusterRoleBinding it covers every namespace, kube-system included; list and watch return the values too.',
  remediation:
    'Grant Secret access in a RoleBinding of the namespace that needs it, with resourceNames listing the Secrets; prefer mounting Secrets into pods over API reads.',
  controls: { iso27001: ['A.8.3', 'A.5.15'], cis: ['5.1.2'], nsa: [NSA_RBAC] },
  *check(inventory) {
    yield* permissionViolations(inventory, SEVERITY, { match: (rule) => capabilityGrants(rule, READ_SECRETS) });
  },
  examples: {
    valid: [
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: config-reader }
rules:
  - { apiGroups: [''], resources: [configmaps], verbs: [get, list] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: config-reader }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: config-reader }
subjects:
  - { kind: ServiceAccount, name: app, namespace: shop }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: secret-reader }
rules:
  - { apiGroups: [''], resources: [secrets], verbs: [get, list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: read-all-secrets }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader }
subjects:
  - { kind: ServiceAccount, name: app, namespace: shop }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: read-shop-secrets, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader }
subjects:
  - { kind: User, name: alice }`,
        paths: ['subjects[0]', 'subjects[0]'],
      },
    ],
  },
});
