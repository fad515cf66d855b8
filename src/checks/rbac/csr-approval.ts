import { defineCheck } from '../../engine/check.js';
import { capabilityGrants, NSA_RBAC, permissionViolations, RBAC_INPUT_KINDS, RBAC_SEVERITY_ADJUSTMENTS, type Capability } from './common.js';

const GROUP = 'certificates.k8s.io';
const APPROVE: Capability[] = [
  { verbs: ['update', 'patch'], group: GROUP, resources: ['certificatesigningrequests/approval'] },
  { verbs: ['approve'], group: GROUP, resources: ['signers'] },
];

const SEVERITY = 'high';

export default defineCheck({
  id: 'rbac.csr-approval',
  title: 'Approving certificate signing requests must be restricted',
  severity: SEVERITY,
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'Approving a CertificateSigningRequest (update on certificatesigningrequests/approval plus approve on a signer) mints client '
    + 'certificates the API server trusts: a certificate for a node or for system:masters is a durable credential outside RBAC.',
  remediation: 'Leave CSR approval to the controller manager and node bootstrap; grant approve on signers only for specific signerNames to a dedicated identity.',
  severityAdjustments: RBAC_SEVERITY_ADJUSTMENTS,
  controls: { iso27001: ['A.8.2', 'A.5.3'], cis: ['5.1.11'], nsa: [NSA_RBAC] },
  *check(inventory) {
    yield* permissionViolations(inventory, SEVERITY, {
      reach: 'cluster',
      match: (rule) => APPROVE.flatMap((capability) => capabilityGrants(rule, capability)),
    });
  },
  examples: {
    valid: [
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: csr-creator }
rules:
  - { apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [create, get] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: csr-creator }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: csr-creator }
subjects:
  - { kind: ServiceAccount, name: issuer, namespace: pki }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: csr-approver }
rules:
  - { apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update] }
  - { apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve], resourceNames: [kubernetes.io/kube-apiserver-client] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: csr-approver }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: csr-approver }
subjects:
  - { kind: ServiceAccount, name: issuer, namespace: pki }`,
        paths: ['rules[0]', 'rules[1]'],
      },
    ],
  },
});
