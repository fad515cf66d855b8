import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import { asObject } from '../../resources/workloads.js';
import { ingressBackends, selectedBy, servicesByName, workloadNames } from './exposure.js';

const EXTERNAL_TYPES = new Set(['LoadBalancer', 'NodePort']);

function* violations(inventory: Inventory): Iterable<InventoryViolation> {
  for (const service of inventory.ofKind('Service')) {
    const type = asObject(service.object.spec).type;
    if (typeof type !== 'string' || !EXTERNAL_TYPES.has(type)) continue;
    const pods = selectedBy(inventory, service);
    if (pods.length === 0) continue;
    yield {
      resource: service, path: 'spec.type', details: { workloads: [...new Set(pods.map((p) => `${p.kind}/${p.namespace}/${p.name}`))] },
      message: `Service "${service.name}" (${type}) makes ${workloadNames(pods)} reachable from outside the cluster`,
    };
  }
  const services = servicesByName(inventory);
  for (const ingress of inventory.ofKind('Ingress')) {
    for (const backend of ingressBackends(ingress)) {
      const service = services.get(`${ingress.namespace ?? 'default'}/${backend.service}`);
      const pods = service ? selectedBy(inventory, service) : [];
      if (pods.length === 0) continue;
      yield {
        resource: ingress, path: backend.path, details: { service: backend.service, workloads: [...new Set(pods.map((p) => `${p.kind}/${p.namespace}/${p.name}`))] },
        message: `Ingress "${ingress.name}" routes outside traffic through Service "${backend.service}" to ${workloadNames(pods)}`,
      };
    }
  }
}

export default defineCheck({
  id: 'network.workload-exposed',
  title: 'Workloads reachable from outside the cluster should be known and reviewed',
  severity: 'info',
  domain: 'network',
  scope: 'inventory',
  inputKinds: ['Service', 'Ingress'],
  rationale:
    'Every LoadBalancer or NodePort Service and every Ingress path is an entry point from outside: the attack surface an ISMS must '
    + 'know, own and review. The finding is on the Service or Ingress that opens the path, naming the workloads behind it.',
  remediation: 'Confirm the exposure is intended and owned; restrict it (loadBalancerSourceRanges, Ingress authentication, TLS) or make the Service ClusterIP.',
  controls: { iso27001: ['A.8.20', 'A.8.22'], nsa: ['Network separation and hardening'] },
  equivalents: ['C-0256'],
  check: (inventory) => violations(inventory),
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
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx }] }`],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { type: LoadBalancer, selector: { app: web }, ports: [{ port: 80 }] }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ port: 80 }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: api, namespace: shop }
spec:
  rules: [{ http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }] } }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: api, image: nginx }] }`,
        paths: ['spec.type', 'spec.rules[0].http.paths[0].backend'],
      },
    ],
  },
});
