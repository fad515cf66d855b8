import { defineDetection } from '../detection.js';
import { isAnonymous, type AuditEvent } from '../event.js';
import { ANONYMOUS, auditEvent, HUMAN } from './examples.js';
import { routineOrRefused } from './common.js';

/** Endpoints every cluster serves to anonymous probes (load balancers, kubelet probes). */
const HEALTH_PATHS: ReadonlySet<string> = new Set(['/healthz', '/livez', '/readyz', '/version']);

function pathOf(requestURI: string | undefined): string {
  if (!requestURI) return '';
  const q = requestURI.indexOf('?');
  return q < 0 ? requestURI : requestURI.slice(0, q);
}

/** The API server's own loopback probes. */
function fromLoopbackOnly(event: AuditEvent): boolean {
  const ips = event.sourceIPs ?? [];
  return ips.length > 0 && ips.every((ip) => ip === '127.0.0.1' || ip === '::1');
}

const anonymous = (fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  user: ANONYMOUS,
  verb: 'list',
  requestURI: '/api/v1/namespaces/default/pods',
  objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
  annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "oops"' },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.anonymous-request',
  title: 'Anonymous request allowed',
  severity: 'high',
  rationale: 'An unauthenticated request that the API server allowed means some binding grants system:anonymous or system:unauthenticated more than the health endpoints: anyone who reaches the API can use it.',
  remediation: 'Find and remove the binding that allowed it (the authorization reason annotation names it); consider --anonymous-auth=false with health endpoints kept for probes.',
  controls: { iso27001: ['A.8.5', 'A.5.15', 'A.8.16'] },
  equivalents: ['Falco: Anonymous Request Allowed', 'Panther: Kubernetes.API.AnonymousAccess', 'Panther: Amazon.EKS.AnonymousAPIAccess'],
  detect(event) {
    if (!isAnonymous(event.user) || routineOrRefused(event)) return undefined;
    const path = pathOf(event.requestURI);
    if (HEALTH_PATHS.has(path) || fromLoopbackOnly(event)) return undefined;
    const what = `${event.verb ?? 'request'} ${path || '(no request URI)'}`;
    return { message: `anonymous request allowed: ${what} from ${(event.sourceIPs ?? []).join(', ') || 'an unknown address'}` };
  },
  examples: {
    fire: [anonymous(), anonymous({ annotations: {}, responseStatus: { code: 200 } })],
    quiet: [
      anonymous({ requestURI: '/healthz', objectRef: undefined }),
      anonymous({ responseStatus: { code: 403 }, annotations: { 'authorization.k8s.io/decision': 'forbid' } }),
      anonymous({ user: HUMAN }),
      anonymous({ sourceIPs: ['127.0.0.1'] }),
    ],
  },
});
