import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import { serviceAccountOf, ServiceAccountUsage } from '../../inventory/rbac/index.js';

function* violations(inventory: Inventory): Iterable<InventoryViolation> {
  const usage = ServiceAccountUsage.of(inventory);
  for (const template of inventory.podTemplates()) {
    const name = serviceAccountOf(template);
    const namespace = template.resource.namespace ?? 'default';
    // `default` always exists; a namespace whose accounts the input does not declare is not covered by it.
    if (name === 'default' || !usage.declaresAccountsIn(namespace) || usage.isDeclared(namespace, name)) continue;
    const field = template.spec.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount';
    yield {
      resource: template.resource, path: `${template.specPath}.${field}`,
      message: `${template.resource.kind} "${template.resource.name}" runs as ServiceAccount "${name}", which namespace "${namespace}" does not declare in the input `
        + '(it declares others): the pods are refused until it exists, and whoever creates it chooses their permissions',
    };
  }
}

export default defineCheck({
  id: 'rbac.undefined-serviceaccount',
  title: 'Workloads should run as a ServiceAccount that is defined',
  severity: 'low',
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: ['ServiceAccount'],
  rationale:
    'A workload naming a ServiceAccount that its namespace does not define cannot start; the account created later to fix it is made '
    + 'outside review, with whatever bindings happen to name it. It also shows identities are not maintained with the workloads.',
  remediation: 'Declare the ServiceAccount next to the workload (with automountServiceAccountToken: false unless it calls the API), or fix the name.',
  controls: { iso27001: ['A.5.16', 'A.5.18'], nsa: ['Authentication and authorization: least-privilege RBAC'] },
  equivalents: [],
  check: (inventory) => violations(inventory),
  examples: {
    valid: [`apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    metadata: { labels: { app: web } }
    spec: { serviceAccountName: web, containers: [{ name: web, image: nginx }] }`],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: worker, namespace: shop }
spec:
  template:
    metadata: { labels: { app: worker } }
    spec: { serviceAccountName: wroker, containers: [{ name: worker, image: nginx }] }`,
        paths: ['spec.template.spec.serviceAccountName'],
      },
    ],
  },
});
