import { defineCheck, type Violation } from '../../engine/check.js';
import type { Resource } from '../../resources/types.js';
import { joinPath } from '../../resources/object-path.js';
import { asObject } from '../../resources/workloads.js';

const PREFIX = 'nginx.ingress.kubernetes.io/';

/** Annotations that ingress-nginx copies into the generated nginx.conf, with the advisory of each. */
const INJECTABLE: Readonly<Record<string, string>> = {
  [`${PREFIX}auth-url`]: 'CVE-2025-24514',
  [`${PREFIX}auth-tls-match-cn`]: 'CVE-2025-1097',
  [`${PREFIX}mirror-target`]: 'CVE-2025-1098',
  [`${PREFIX}mirror-host`]: 'CVE-2025-1098',
};

/** Characters that end or comment out an nginx directive, or start a new one. */
const INJECTION_CHARS = /[|#;\r\n]/;

function describeChar(char: string): string {
  if (char === '\n') return 'a newline';
  if (char === '\r') return 'a carriage return';
  return `"${char}"`;
}

function* injectedAnnotations(resource: Resource): Iterable<Violation> {
  const annotations = asObject(asObject(resource.object.metadata).annotations);
  for (const [key, cve] of Object.entries(INJECTABLE)) {
    const value = annotations[key];
    if (typeof value !== 'string') continue;
    const match = INJECTION_CHARS.exec(value);
    if (!match) continue;
    yield {
      path: joinPath('metadata.annotations', key),
      message: `annotation ${key} contains ${describeChar(match[0])}: ingress-nginx copies it into nginx.conf, where it can inject configuration (${cve})`,
      details: { annotation: key, advisory: cve },
    };
  }
}

export default defineCheck({
  id: 'network.ingress-nginx-annotation-injection',
  title: 'ingress-nginx annotations must not carry configuration injection characters',
  severity: 'critical',
  domain: 'network',
  scope: 'resource',
  kinds: ['Ingress'],
  rationale:
    'ingress-nginx writes the auth-url, auth-tls-match-cn, mirror-target and mirror-host annotations into its nginx configuration '
    + 'without sufficient escaping (CVE-2025-24514, CVE-2025-1097, CVE-2025-1098). A value containing "|", "#", ";" or a line break '
    + 'ends the directive and adds arbitrary configuration, which its admission webhook loads for validation (CVE-2025-1974): code '
    + 'runs in the controller, which by default can read every Secret of the cluster.',
  remediation:
    'Remove the characters from the annotation (URLs and hosts need none of them; write CN patterns without alternation, issuing '
    + 'client certificates from a dedicated CA instead) and reject them at admission for every Ingress; upgrade ingress-nginx to 1.11.5, 1.12.1 or later, and keep its admission webhook reachable only from the API server.',
  controls: { iso27001: ['A.8.8', 'A.8.20', 'A.8.21'] },
  equivalents: ['KCV-0093'],
  references: [
    'https://kubernetes.io/blog/2025/03/24/ingress-nginx-cve-2025-1974/',
    'https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/',
  ],
  *check(resource) {
    yield* injectedAnnotations(resource);
  },
  examples: {
    valid: [
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/auth-url: https://auth.example.com/oauth2/auth?rd=$scheme://$host$request_uri
    nginx.ingress.kubernetes.io/auth-tls-match-cn: CN=client-a.example.com
    nginx.ingress.kubernetes.io/rewrite-target: /$1
spec:
  ingressClassName: nginx
  defaultBackend: { service: { name: web, port: { number: 80 } } }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  annotations:
    nginx.ingress.kubernetes.io/mirror-target: "https://mirror.example.com/; } load_module /tmp/evil.so; #"
    nginx.ingress.kubernetes.io/auth-url: |-
      http://auth.example.com/
      injected_directive
spec:
  ingressClassName: nginx`,
        paths: ['metadata.annotations["nginx.ingress.kubernetes.io/mirror-target"]', 'metadata.annotations["nginx.ingress.kubernetes.io/auth-url"]'],
      },
    ],
  },
});
