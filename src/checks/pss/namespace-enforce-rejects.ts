import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import type { PodTemplate } from '../../resources/workloads.js';
import { evaluateTemplate, formatPolicyVersion, namespacePolicy, type PssPolicy } from '../../pss/index.js';
import { POD_TEMPLATE_KINDS } from '../../resources/workloads.js';

/** The enforced policy of the namespace a template lives in, when the inventory holds that Namespace and it enforces a check. */
function enforcedPolicy(inventory: Inventory, template: PodTemplate): { namespace: string; policy: PssPolicy } | undefined {
  const namespace = template.resource.namespace;
  if (namespace === undefined) return undefined;
  const object = inventory.namespace(namespace);
  if (!object) return undefined;
  const { enforce } = namespacePolicy(object.object);
  if (enforce.level === 'privileged') return undefined;
  return { namespace, policy: { level: enforce.level, version: enforce.version } };
}

function rejection(inventory: Inventory, template: PodTemplate): InventoryViolation | undefined {
  const enforced = enforcedPolicy(inventory, template);
  if (!enforced) return undefined;
  const evaluation = evaluateTemplate(template, enforced.policy);
  if (evaluation.allowed) return undefined;
  const checks = evaluation.violations.map((v) => v.check);
  const version = formatPolicyVersion(enforced.policy.version);
  const first = evaluation.violations[0]!;
  return {
    resource: template.resource,
    path: first.fields[0] ?? template.specPath,
    message: `${template.resource.kind} "${template.resource.name}" would be rejected by namespace "${enforced.namespace}" `
      + `enforcing ${evaluation.level}:${version}: ${checks.join(', ')}`,
    details: {
      namespace: enforced.namespace,
      level: evaluation.level,
      version,
      effectiveVersion: evaluation.effectiveVersion,
      checks,
      violations: evaluation.violations.map(({ check, reason, detail }) => ({ check, reason, detail })),
    },
  };
}

export default defineCheck({
  id: 'pss.namespace-enforce-rejects',
  title: 'Workloads must be admissible under their namespace\'s enforced Pod Security level',
  severity: 'high',
  domain: 'pss',
  scope: 'inventory',
  inputKinds: ['Namespace', ...POD_TEMPLATE_KINDS],
  rationale:
    'A namespace labelled pod-security.kubernetes.io/enforce rejects pods that fail its level and version. A Pod is refused '
    + 'outright; a Deployment, StatefulSet, DaemonSet or Job is accepted but its controller can never create its pods, '
    + 'which surfaces as an outage at deploy time rather than as a review comment.',
  remediation:
    'Fix the reported fields (see annexa pss check for the upstream wording) or, if the workload legitimately needs more, move it '
    + 'to a namespace whose enforced level allows it; do not lower the namespace level for one workload.',
  controls: {
    iso27001: ['A.8.9', 'A.8.2', 'A.8.32'],
    cis: ['5.2.1'],
    nsa: ['pod-security.enforcement'],
  },
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/'],
  *check(inventory) {
    for (const template of inventory.podTemplates()) {
      const violation = rejection(inventory, template);
      if (violation) yield violation;
    }
  },
  examples: {
    valid: [
      `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: { pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/enforce-version: v1.30 }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx
---
apiVersion: v1
kind: Pod
metadata: { name: agent, namespace: other }
spec:
  hostNetwork: true
  containers:
    - name: agent
      image: agent`,
    ],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: { pod-security.kubernetes.io/enforce: restricted }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: shop }
spec:
  template:
    spec:
      hostPID: true
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: agent
          image: agent
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }`,
        paths: ['spec.template.spec.hostPID'],
      },
    ],
  },
});
