/** Audit logs for tests: routine control-plane traffic and a mixed log with one exec in two stages and a truncated line. */
import type { AuditEvent } from '../../src/audit/event.js';
import { auditEvent, CONTROLLER, HUMAN, KUBELET } from '../../src/audit/detections/examples.js';

const SCHEDULER = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };
const KUBE_PROXY = { username: 'system:kube-proxy', groups: ['system:authenticated'] };

/** Routine control-plane traffic: none of it may raise a detection. */
export function routineTraffic(): AuditEvent[] {
  return [
    auditEvent({ user: KUBELET, verb: 'get', requestURI: '/api/v1/nodes/worker-1', objectRef: { resource: 'nodes', name: 'worker-1', apiVersion: 'v1' } }),
    auditEvent({ user: KUBELET, verb: 'patch', requestURI: '/api/v1/nodes/worker-1/status', objectRef: { resource: 'nodes', subresource: 'status', name: 'worker-1', apiVersion: 'v1' } }),
    auditEvent({ user: KUBELET, verb: 'get', requestURI: '/api/v1/namespaces/shop/secrets/db', objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' } }),
    auditEvent({ user: KUBELET, verb: 'create', requestURI: '/api/v1/namespaces/shop/serviceaccounts/api/token', objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: 'shop', name: 'api', apiVersion: 'v1' }, responseStatus: { code: 201 } }),
    auditEvent({ user: KUBELET, verb: 'create', requestURI: '/api/v1/namespaces/kube-system/pods', objectRef: { resource: 'pods', namespace: 'kube-system', name: 'kube-apiserver-cp-1', apiVersion: 'v1' }, responseStatus: { code: 201 } }),
    auditEvent({ user: CONTROLLER, verb: 'create', level: 'Request', requestURI: '/api/v1/namespaces/shop/pods', objectRef: { resource: 'pods', namespace: 'shop', apiVersion: 'v1' }, responseStatus: { code: 201 }, requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { generateName: 'agent-' }, spec: { hostNetwork: true, containers: [{ name: 'a', image: 'agent', securityContext: { privileged: true } }] } } }),
    auditEvent({ user: { username: 'system:serviceaccount:kube-system:namespace-controller', groups: ['system:serviceaccounts:kube-system'] }, verb: 'list', requestURI: '/api/v1/secrets', objectRef: { resource: 'secrets', apiVersion: 'v1' } }),
    auditEvent({ user: { username: 'system:kube-controller-manager', groups: ['system:authenticated'] }, verb: 'update', requestURI: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager', objectRef: { resource: 'leases', namespace: 'kube-system', name: 'kube-controller-manager', apiGroup: 'coordination.k8s.io', apiVersion: 'v1' } }),
    auditEvent({ user: SCHEDULER, verb: 'create', requestURI: '/api/v1/namespaces/shop/pods/web-1/binding', objectRef: { resource: 'pods', subresource: 'binding', namespace: 'shop', name: 'web-1', apiVersion: 'v1' }, responseStatus: { code: 201 } }),
    auditEvent({ user: KUBE_PROXY, verb: 'watch', requestURI: '/apis/discovery.k8s.io/v1/endpointslices?watch=true', objectRef: { resource: 'endpointslices', apiGroup: 'discovery.k8s.io', apiVersion: 'v1' } }),
    auditEvent({ user: { username: 'system:anonymous', groups: ['system:unauthenticated'] }, verb: 'get', requestURI: '/healthz', objectRef: undefined }),
    auditEvent({ user: { username: 'system:apiserver', groups: ['system:masters'] }, verb: 'get', requestURI: '/api/v1/namespaces/default', objectRef: { resource: 'namespaces', name: 'default', apiVersion: 'v1' } }),
    // Many denials by a kubelet (a node not yet authorized): routine, no burst.
    ...Array.from({ length: 15 }, () => auditEvent({ user: KUBELET, verb: 'get', requestURI: '/api/v1/namespaces/shop/configmaps/x', objectRef: { resource: 'configmaps', namespace: 'shop', name: 'x', apiVersion: 'v1' }, responseStatus: { code: 403 } })),
  ];
}

/** Routine traffic, one exec in two stages (ResponseStarted, then ResponseComplete), a truncated line. */
export function mixedLog(): { text: string; truncatedLine: number; execLine: number } {
  const started = auditEvent({
    auditID: '11111111-2222-4333-8444-555555555555', stage: 'ResponseStarted', verb: 'create', user: HUMAN,
    requestURI: '/api/v1/namespaces/shop/pods/web-1/exec?command=sh&container=web&stdin=true&tty=true',
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-1', apiVersion: 'v1' }, responseStatus: { code: 101 },
    stageTimestamp: '2026-03-02T10:00:01.000000Z',
  });
  const complete: AuditEvent = { ...started, stage: 'ResponseComplete', stageTimestamp: '2026-03-02T10:05:00.000000Z' };
  const routine = routineTraffic();
  const parts = [...routine.slice(0, 5).map((e) => JSON.stringify(e)), JSON.stringify(started), ...routine.slice(5, 10).map((e) => JSON.stringify(e))];
  const full = JSON.stringify(routine[10]);
  parts.push(full.slice(0, Math.floor(full.length / 2)));
  const truncatedLine = parts.length;
  parts.push(...routine.slice(11).map((e) => JSON.stringify(e)), JSON.stringify(complete));
  return { text: `${parts.join('\n')}\n`, truncatedLine, execLine: parts.length };
}

