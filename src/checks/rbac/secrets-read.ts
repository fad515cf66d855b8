import { defineCheck } from '../../engine/check.js';
import { capabilityGrants, NSA_RBAC, permissionViolations, RBAC_INPUT_KINDS, RBAC_SEVERITY_ADJUSTMENTS } from './common.js';

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
  severityAdjustments: RBAC_SEVERITY_ADJUSTMENTS,
  // get, list or watch on secrets, as Kubescape's rule-can-list-get-secrets; Trivy's KSV-0041/KSV-0113 also count create/update/delete, so they are not claimed.
  equivalents: ['C-0015', 'C-0186'],
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
        paths: ['rules[0]'],
      },
      {
        // The built-in edit ClusterRole reads Secrets: the binding is what to change.
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: shop-editors, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects:
  - { kind: Group, name: shop-devs }`,
        paths: ['subjects[0]'],
      },
      {
        // Bound nowhere in the input, still reported (one level lower): bindings may live in another repository.
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: secret-reader, namespace: shop }
rules:
  - { apiGroups: [''], resources: [configmaps], verbs: [get] }
  - { apiGroups: [''], resources: [secrets], verbs: [list] }`,
        paths: ['rules[1]'],
      },
    ],
  },
});
