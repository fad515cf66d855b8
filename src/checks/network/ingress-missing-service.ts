import { defineCheck } from '../../engine/check.js';
import { ingressBackends, servicesByName } from './exposure.js';

export default defineCheck({
  id: 'network.ingress-missing-service',
  title: 'Ingress backends should name an existing Service',
  severity: 'low',
  domain: 'network',
  scope: 'inventory',
  inputKinds: ['Ingress'],
  rationale:
    'An Ingress backend naming a Service that does not exist serves errors today; whoever later creates a Service of that name in the '
    + 'namespace receives the public traffic of that host and path, outside any review of the exposure.',
  remediation: 'Point the backend at the right Service, or remove the rule.',
  controls: { iso27001: ['A.8.9', 'A.8.20'] },
  equivalents: [],
  *check(inventory) {
    const services = servicesByName(inventory);
    const namespacesWithServices = new Set([...services.values()].map((s) => s.namespace ?? 'default'));
    for (const ingress of inventory.ofKind('Ingress')) {
      const namespace = ingress.namespace ?? 'default';
      // Only where the input declares Services of the namespace: otherwise they may simply live elsewhere.
      if (!namespacesWithServices.has(namespace)) continue;
      for (const backend of ingressBackends(ingress)) {
        if (services.has(`${namespace}/${backend.service}`)) continue;
        yield {
          resource: ingress, path: backend.path,
          message: `Ingress "${ingress.name}" routes to Service "${backend.service}", which namespace "${namespace}" does not declare in the input`,
        };
      }
    }
  },
  examples: {
    valid: [`apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ port: 80 }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }`],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ port: 80 }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  defaultBackend: { service: { name: web, port: { number: 80 } } }
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /api, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }] }`,
        paths: ['spec.rules[0].http.paths[0].backend'],
      },
    ],
  },
});
