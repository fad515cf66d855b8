import { defineCheck } from '../../engine/check.js';
import { capabilityGrants, NSA_RBAC, permissionViolations, RBAC_INPUT_KINDS, RBAC_SEVERITY_ADJUSTMENTS, type Capability } from './common.js';

const CREATE_WORKLOADS: Capability[] = [
  { verbs: ['create'], group: '', resources: ['pods', 'replicationcontrollers'] },
  { verbs: ['create'], group: 'apps', resources: ['deployments', 'daemonsets', 'statefulsets', 'replicasets'] },
  { verbs: ['create'], group: 'batch', resources: ['jobs', 'cronjobs'] },
];

const SEVERITY = 'high';

export default defineCheck({
  id: 'rbac.kube-system-workloads',
  title: 'Creating pods or workloads in kube-system must be restricted',
  severity: SEVERITY,
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'A pod created in kube-system can run as any of its highly privileged service accounts (controllers, DNS, CNI) and is usually exempt '
    + 'from admission policies: creating workloads there, or cluster-wide, amounts to control-plane access.',
  remediation:
    'Deploy system components through the cluster lifecycle tooling; do not grant create on pods or workload controllers in kube-system or through a ClusterRoleBinding.',
  severityAdjustments: RBAC_SEVERITY_ADJUSTMENTS,
  controls: { iso27001: ['A.8.2', 'A.5.15'], cis: ['5.1.4'], nsa: [NSA_RBAC] },
  *check(inventory) {
    yield* permissionViolations(inventory, SEVERITY, {
      reach: { namespaces: ['kube-system'] },
      reachShift: false,
      match: (rule) => CREATE_WORKLOADS.flatMap((capability) => capabilityGrants(rule, capability)),
    });
  },
  examples: {
    valid: [
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: deployer, namespace: shop }
rules:
  - { apiGroups: [apps], resources: [deployments], verbs: [create, update] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: deployer, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer }
subjects:
  - { kind: ServiceAccount, name: ci, namespace: shop }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: deployer, namespace: kube-system }
rules:
  - { apiGroups: [apps], resources: [daemonsets], verbs: [create] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: deployer, namespace: kube-system }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer }
subjects:
  - { kind: ServiceAccount, name: ci, namespace: tools }`,
        paths: ['rules[0]'],
      },
    ],
  },
});
