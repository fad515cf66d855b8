import { defineCheck } from '../../engine/check.js';
import { capabilityGrants, NSA_RBAC, permissionViolations, RBAC_INPUT_KINDS, RBAC_SEVERITY_ADJUSTMENTS } from './common.js';

const MODIFY_ADMISSION = {
  verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'],
  group: 'admissionregistration.k8s.io',
  resources: [
    'mutatingwebhookconfigurations', 'validatingwebhookconfigurations',
    'validatingadmissionpolicies', 'validatingadmissionpolicybindings',
    'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings',
  ],
} as const;

const SEVERITY = 'high';

export default defineCheck({
  id: 'rbac.admission-config',
  title: 'Changing admission webhooks and policies must be restricted',
  severity: SEVERITY,
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'Whoever can change webhook configurations or ValidatingAdmissionPolicies can switch off the cluster\'s admission controls, or send '
    + 'every object (Secrets included) to a webhook of their choosing and rewrite it.',
  remediation: 'Manage admission configuration through the reviewed platform pipeline only; grant read access to others.',
  severityAdjustments: RBAC_SEVERITY_ADJUSTMENTS,
  // Also ValidatingAdmissionPolicies and their bindings, which KSV-0114 (webhook configurations) does not cover.
  equivalents: ['KSV-0114'],
  controls: { iso27001: ['A.8.2', 'A.5.3'], cis: ['5.1.12'], nsa: [NSA_RBAC] },
  *check(inventory) {
    yield* permissionViolations(inventory, SEVERITY, { reach: 'cluster', match: (rule) => capabilityGrants(rule, MODIFY_ADMISSION) });
  },
  examples: {
    valid: [
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: webhook-viewer }
rules:
  - { apiGroups: [admissionregistration.k8s.io], resources: [validatingwebhookconfigurations], verbs: [get, list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: webhook-viewer }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: webhook-viewer }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: auditors }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: policy-admin }
rules:
  - { apiGroups: [admissionregistration.k8s.io], resources: [validatingadmissionpolicies, validatingadmissionpolicybindings], verbs: [create, update, delete] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: policy-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: policy-admin }
subjects:
  - { kind: ServiceAccount, name: operator, namespace: policy }`,
        paths: ['rules[0]'],
      },
    ],
  },
});
