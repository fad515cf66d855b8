import { defineCheck } from '../../engine/check.js';
import { asObject } from '../../resources/workloads.js';
import { labelsOf } from '../../inventory/label-selector.js';
import { hasWorkloadsIn, selectedBy } from './exposure.js';

export default defineCheck({
  id: 'network.service-selects-nothing',
  title: 'A Service\'s selector should match a workload',
  severity: 'low',
  domain: 'network',
  scope: 'inventory',
  inputKinds: ['Service'],
  rationale:
    'A Service whose selector matches no pod routes nowhere: usually a label typo or a leftover. A leftover Service, above all one '
    + 'of type LoadBalancer, keeps an address (and firewall openings) that a later workload with matching labels silently takes over.',
  remediation: 'Fix the selector or the pod labels, or delete the Service.',
  controls: { iso27001: ['A.8.9', 'A.8.20'] },
  equivalents: [],
  *check(inventory) {
    for (const service of inventory.ofKind('Service')) {
      const namespace = service.namespace ?? 'default';
      const selector = labelsOf(asObject(service.object.spec).selector);
      // Without a selector the Service has manual endpoints; without workloads in the input the namespace is not covered.
      if (Object.keys(selector).length === 0 || !hasWorkloadsIn(inventory, namespace)) continue;
      if (selectedBy(inventory, service).length > 0) continue;
      const text = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
      yield { resource: service, path: 'spec.selector', message: `Service "${service.name}" selects ${text}, which no workload of namespace "${namespace}" in the input carries` };
    }
  },
  examples: {
    valid: [`apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ port: 80 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx }] }`],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: wbe }, ports: [{ port: 80 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx }] }`,
        paths: ['spec.selector'],
      },
    ],
  },
});
