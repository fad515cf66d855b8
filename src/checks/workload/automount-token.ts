import { defineCheck } from '../../engine/check.js';
import type { InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import type { Resource } from '../../resources/types.js';
import type { PodTemplate } from '../../resources/workloads.js';
import { POD_TEMPLATE_KINDS } from '../../resources/workloads.js';
import { exampleDeployment, examplePod } from './util.js';

/** The service account a pod runs as (`default` when unset). */
export function serviceAccountNameOf(pod: PodTemplate): string {
  const { serviceAccountName, serviceAccount } = pod.spec;
  if (typeof serviceAccountName === 'string' && serviceAccountName !== '') return serviceAccountName;
  if (typeof serviceAccount === 'string' && serviceAccount !== '') return serviceAccount;
  return 'default';
}

/** Service accounts declared in the inventory that opt out of token automounting, keyed `namespace/name`. */
function optedOutAccounts(inventory: Inventory): Set<string> {
  const keys = new Set<string>();
  for (const sa of inventory.ofKind('ServiceAccount')) {
    // A manifest without a namespace lands in the default one (as for the RBAC model): the same key for both.
    if (sa.object.automountServiceAccountToken === false) keys.add(`${sa.namespace ?? 'default'}/${sa.name}`);
  }
  return keys;
}

function violationFor(pod: PodTemplate, account: string): InventoryViolation {
  const resource: Resource = pod.resource;
  return {
    resource,
    path: `${pod.specPath}.automountServiceAccountToken`,
    message: `pod mounts a token of service account "${account}" by default (neither the pod nor the service account sets automountServiceAccountToken: false)`,
  };
}

export default defineCheck({
  id: 'workload.automount-token',
  title: 'Service account tokens should be mounted only where needed',
  severity: 'medium',
  domain: 'workload',
  scope: 'inventory',
  inputKinds: [...POD_TEMPLATE_KINDS, 'ServiceAccount'],
  rationale:
    'By default every pod receives an API token for its service account. Most applications never call the API server, so the token only serves an attacker who gains code execution or file read in the pod.',
  remediation:
    'Set automountServiceAccountToken: false on the pod, or on its ServiceAccount (the pod setting wins); mount a projected token only where the API is actually used.',
  controls: {
    iso27001: ['A.5.17', 'A.8.3'],
    cis: ['5.1.6'],
    nsa: ['Protecting Pod service account tokens'],
    'nist-800-190': ['4.3.2'],
  },
  equivalents: ['C-0034', 'C-0190'],
  *check(inventory) {
    const optedOut = optedOutAccounts(inventory);
    for (const pod of inventory.podTemplates()) {
      if (pod.spec.automountServiceAccountToken !== undefined && pod.spec.automountServiceAccountToken !== null) continue;
      const account = serviceAccountNameOf(pod);
      if (optedOut.has(`${pod.resource.namespace ?? 'default'}/${account}`)) continue;
      yield violationFor(pod, account);
    }
  },
  examples: {
    valid: [
      examplePod(`
        automountServiceAccountToken: false
        containers: [{ name: app, image: nginx }]`),
      `apiVersion: v1
kind: ServiceAccount
metadata: { name: app, namespace: shop }
automountServiceAccountToken: false
---
${exampleDeployment(`
  serviceAccountName: app
  containers: [{ name: app, image: nginx }]`).replace('metadata: { name: example }', 'metadata: { name: example, namespace: shop }')}`,
      // Review regression: no namespace on one side means "default", the same namespace as the other.
      `apiVersion: v1
kind: ServiceAccount
metadata: { name: app, namespace: default }
automountServiceAccountToken: false
---
${exampleDeployment(`
  serviceAccountName: app
  containers: [{ name: app, image: nginx }]`)}`,
      `apiVersion: v1
kind: ServiceAccount
metadata: { name: app }
automountServiceAccountToken: false
---
${exampleDeployment(`
  serviceAccountName: app
  containers: [{ name: app, image: nginx }]`).replace('metadata: { name: example }', 'metadata: { name: example, namespace: default }')}`,
    ],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: ServiceAccount
metadata: { name: app, namespace: shop }
---
${exampleDeployment(`
  serviceAccountName: app
  containers: [{ name: app, image: nginx }]`).replace('metadata: { name: example }', 'metadata: { name: example, namespace: shop }')}`,
        paths: ['spec.template.spec.automountServiceAccountToken'],
      },
    ],
  },
});
