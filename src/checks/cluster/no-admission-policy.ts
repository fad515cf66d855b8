import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import type { Resource } from '../../resources/types.js';
import { asObject } from '../../resources/workloads.js';

/** Kinds that put an admission or policy engine in front of the API server. */
const ADMISSION_KINDS = [
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy', 'ClusterPolicy', 'Policy', 'ConstraintTemplate', 'ClusterPolicyReport',
];
/** Cluster-scoped kinds that show the input describes a cluster, not one application. */
const CLUSTER_KINDS = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass', 'PriorityClass'];
const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

function enforcesPodSecurity(namespace: Resource): boolean {
  return typeof asObject(asObject(namespace.object.metadata).labels)[ENFORCE_LABEL] === 'string';
}

function* violations(inventory: Inventory): Iterable<InventoryViolation> {
  const clusterWide = CLUSTER_KINDS.flatMap((kind) => inventory.ofKind(kind));
  if (clusterWide.length === 0) return;
  if (inventory.ofKind(...ADMISSION_KINDS).length > 0) return;
  if (inventory.ofKind('Namespace').some(enforcesPodSecurity)) return;
  const anchor = clusterWide[0]!;
  const kinds = [...new Set(clusterWide.map((r) => r.kind))].join(', ');
  yield {
    resource: anchor, path: 'metadata.name',
    message: `the input defines cluster-wide resources (${kinds}) but no admission control: no webhook configuration, ValidatingAdmissionPolicy, `
      + 'Kyverno or Gatekeeper policy, and no namespace enforcing a Pod Security level',
  };
}

export default defineCheck({
  id: 'cluster.no-admission-policy',
  title: 'A cluster should have an admission or policy mechanism',
  severity: 'medium',
  domain: 'cluster',
  scope: 'inventory',
  inputKinds: CLUSTER_KINDS,
  rationale:
    'Without admission control (Pod Security enforcement, ValidatingAdmissionPolicy, a policy engine such as Kyverno or Gatekeeper) '
    + 'nothing stops a manifest that breaks the rules at deploy time: checks in CI are advice, admission is enforcement.',
  remediation: 'Label namespaces with pod-security.kubernetes.io/enforce, and add ValidatingAdmissionPolicies or a policy engine for the rest.',
  controls: { iso27001: ['A.8.9', 'A.8.32'], cis: ['5.2.1'], nsa: ['pod-security.enforcement'] },
  equivalents: ['C-0192'],
  check: (inventory) => violations(inventory),
  examples: {
    valid: [`apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { pod-security.kubernetes.io/enforce: restricted } }`,
    `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: no-privileged }
spec: { validations: [{ expression: "true" }] }`],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
rules: []`,
        paths: ['metadata.name'],
      },
    ],
  },
});
