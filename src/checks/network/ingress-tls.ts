import { defineCheck, type Violation } from '../../engine/check.js';
import { asArray, asObject } from '../../resources/workloads.js';
import { stringItems } from '../../resources/values.js';
import { NSA_ENCRYPTION } from './common.js';

/** TLS host patterns: exact names, or `*.example.com` matching exactly one more label. */
function hostCovered(host: string, patterns: readonly string[]): boolean {
  const lower = host.toLowerCase();
  return patterns.some((pattern) => {
    const p = pattern.toLowerCase();
    if (!p.startsWith('*.')) return p === lower;
    const suffix = p.slice(1);
    return lower.endsWith(suffix) && !lower.slice(0, -suffix.length).includes('.') && lower.length > suffix.length;
  });
}

function* uncoveredHosts(spec: ReturnType<typeof asObject>): Iterable<Violation> {
  const tls = asArray(spec.tls).map(asObject);
  // Only string hosts cover anything (the API server rejects any other value).
  const patterns = tls.flatMap((entry) => stringItems(entry.hosts));
  const catchAllCovered = tls.some((entry) => asArray(entry.hosts).length === 0);
  for (const [i, value] of asArray(spec.rules).entries()) {
    const host = asObject(value).host;
    if (typeof host !== 'string' || host === '') {
      if (!catchAllCovered) yield { path: `spec.rules[${i}]`, message: `rule ${i} has no host and no tls entry without hosts covers it` };
    } else if (host.startsWith('*.') ? !patterns.some((p) => p.toLowerCase() === host.toLowerCase()) : !hostCovered(host, patterns)) {
      yield { path: `spec.rules[${i}].host`, message: `host "${host}" is not listed in any spec.tls[].hosts: it is served without TLS` };
    }
  }
}

export default defineCheck({
  id: 'network.ingress-tls',
  title: 'Ingresses must terminate TLS for every host they serve',
  severity: 'medium',
  domain: 'network',
  scope: 'resource',
  kinds: ['Ingress'],
  rationale:
    'An Ingress without TLS, or with hosts missing from its tls section, serves them over plain HTTP: credentials, session cookies '
    + 'and data cross the network readable and modifiable by anyone on the path.',
  remediation:
    'Add a spec.tls entry whose hosts list every rule host (a wildcard covers one label) with a certificate Secret, '
    + 'e.g. issued by cert-manager; redirect HTTP to HTTPS at the controller.',
  controls: { iso27001: ['A.8.24', 'A.8.21', 'A.5.14', 'A.8.20'], nsa: [NSA_ENCRYPTION] },
  *check(resource) {
    const spec = asObject(resource.object.spec);
    if (asArray(spec.tls).length === 0) {
      yield { path: 'spec', message: `Ingress "${resource.name}" has no tls section: every host is served over plain HTTP` };
      return;
    }
    yield* uncoveredHosts(spec);
  },
  examples: {
    valid: [
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop, namespace: shop }
spec:
  tls:
    - hosts: [shop.example.com, "*.api.example.com"]
      secretName: shop-tls
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
    - host: v1.api.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }] }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop }
spec:
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }`,
        paths: ['spec'],
      },
      {
        manifest: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop }
spec:
  tls: [{ hosts: ["*.example.com"], secretName: wildcard }]
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
    - host: a.b.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
    - http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }`,
        paths: ['spec.rules[1].host', 'spec.rules[2]'],
      },
      {
        // A host that is not a string covers nothing.
        manifest: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop }
spec:
  tls: [{ hosts: [{ toString: 1 }], secretName: shop-tls }]
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }`,
        paths: ['spec.rules[0].host'],
      },
    ],
  },
});
