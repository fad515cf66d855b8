import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import { asObject } from '../../resources/workloads.js';

/** Kinds whose objects enforce policy at admission, beyond the built-in Pod Security admission. */
export const POLICY_KINDS = ['ValidatingAdmissionPolicy', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ClusterPolicy', 'Policy', 'ConstraintTemplate'] as const;

function* missingAdmission(inventory: Inventory): Generator<InventoryViolation> {
  for (const info of inventory.ofKind('ClusterInfo')) {
    const states = asObject(info.object.kinds);
    const present = POLICY_KINDS.filter((kind) => inventory.ofKind(kind).length > 0);
    if (present.length > 0) continue;
    // Absence is only known for kinds that could be read (or that the cluster does not serve).
    const unknown = POLICY_KINDS.filter((kind) => states[kind] !== 'read' && states[kind] !== 'unavailable');
    if (unknown.length > 0) continue;
    yield {
      resource: info,
      path: 'kinds',
      message: `cluster "${info.name}" has no admission policy in place (no ValidatingAdmissionPolicy, webhook, Kyverno policy or Gatekeeper template): configuration is enforced only by Pod Security labels, if any`,
    };
  }
}

export default defineCheck({
  id: 'cluster.admission-controls',
  title: 'The cluster should enforce its configuration baseline at admission',
  severity: 'medium',
  domain: 'cluster',
  scope: 'inventory',
  inputKinds: ['ClusterInfo'],
  rationale:
    'A secure baseline that is only checked in CI can be bypassed by anyone who applies objects directly. Admission controls '
    + '(ValidatingAdmissionPolicies, validating or mutating webhooks such as Kyverno or Gatekeeper) enforce it on every change, '
    + 'which is the evidence that configuration management (A.8.9) holds for what runs, not only for what was reviewed. Only a live '
    + 'cluster shows which are installed; absence is reported only when every kind of policy object could be read.',
  remediation:
    'Enforce the baseline at admission: ValidatingAdmissionPolicies for simple rules, or Kyverno / Gatekeeper policies, with the same '
    + 'rules as the CI checks; keep them in the baseline repository.',
  controls: { iso27001: ['A.8.9', 'A.8.32'] },
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/'],
  check: missingAdmission,
  examples: {
    valid: [
      `apiVersion: annexa.dev/v1
kind: ClusterInfo
metadata: { name: prod }
kinds: { ValidatingAdmissionPolicy: read, ValidatingWebhookConfiguration: read, MutatingWebhookConfiguration: read, ClusterPolicy: read, Policy: read, ConstraintTemplate: unavailable }
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: { name: require-labels }
spec: { validationFailureAction: Enforce, rules: [] }`,
      `apiVersion: annexa.dev/v1
kind: ClusterInfo
metadata: { name: locked-down-reader }
kinds: { ValidatingAdmissionPolicy: forbidden, ValidatingWebhookConfiguration: forbidden, MutatingWebhookConfiguration: forbidden, ClusterPolicy: unavailable, Policy: unavailable, ConstraintTemplate: unavailable }`,
    ],
    invalid: [{
      manifest: `apiVersion: annexa.dev/v1
kind: ClusterInfo
metadata: { name: prod }
kinds: { ValidatingAdmissionPolicy: read, ValidatingWebhookConfiguration: read, MutatingWebhookConfiguration: read, ClusterPolicy: unavailable, Policy: unavailable, ConstraintTemplate: unavailable }`,
      paths: ['kinds'],
    }],
  },
});
