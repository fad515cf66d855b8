/**
 * A deterministic synthetic audit log for the audit benchmark: mostly routine control-plane traffic,
 * people reading and writing, pod creations at level Request (checked by the workload checks),
 * some execs, denials and two-stage requests, in the proportions of a busy cluster.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { seededRandom } from './random.js';

const KUBELET = { username: 'system:node:worker-7', groups: ['system:nodes', 'system:authenticated'] };
const CONTROLLER = { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
const PEOPLE = ['alice@example.com', 'bob@example.com', 'carol@example.com'].map((username) => ({ username, groups: ['system:authenticated'] }));
const APP = { username: 'system:serviceaccount:shop:api', groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'] };

function pod(privileged: boolean, index: number) {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${index}`, namespace: 'shop', labels: { app: 'web', tier: 'frontend' } },
    spec: {
      serviceAccountName: 'web',
      containers: [{ name: 'web', image: 'registry.example.com/shop/web:1.4.2', ports: [{ containerPort: 8080 }], resources: { limits: { cpu: '500m', memory: '256Mi' } }, securityContext: privileged ? { privileged: true } : { runAsNonRoot: true, allowPrivilegeEscalation: false } }],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

/** One event line (or two for two-stage requests). */
function eventLines(i: number, random: () => number): string[] {
  const roll = random();
  const second = i % 86_400;
  const time = `2026-03-02T${String(Math.floor(second / 3600)).padStart(2, '0')}:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}.${String(i % 1_000_000).padStart(6, '0')}Z`;
  const base = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: `a-${i}`, stage: 'ResponseComplete', sourceIPs: ['10.0.3.17'], userAgent: 'kubelet/v1.31.0', requestReceivedTimestamp: time, stageTimestamp: time, annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' } };
  let event: Record<string, unknown>;
  if (roll < 0.55) {
    event = { ...base, verb: 'get', user: KUBELET, requestURI: '/api/v1/nodes/worker-7', objectRef: { resource: 'nodes', name: 'worker-7', apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 200 } };
  } else if (roll < 0.75) {
    event = { ...base, verb: 'update', user: CONTROLLER, requestURI: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager', objectRef: { resource: 'leases', namespace: 'kube-system', name: 'kube-controller-manager', apiGroup: 'coordination.k8s.io', apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 200 } };
  } else if (roll < 0.85) {
    event = { ...base, verb: 'list', user: APP, userAgent: 'shop-api/2.1', requestURI: '/api/v1/namespaces/shop/configmaps', objectRef: { resource: 'configmaps', namespace: 'shop', apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 200 } };
  } else if (roll < 0.93) {
    const person = PEOPLE[i % PEOPLE.length]!;
    event = { ...base, verb: 'get', user: person, userAgent: 'kubectl/v1.31.0', sourceIPs: ['203.0.113.9'], requestURI: '/apis/apps/v1/namespaces/shop/deployments/web', objectRef: { resource: 'deployments', namespace: 'shop', name: 'web', apiGroup: 'apps', apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 200 } };
  } else if (roll < 0.97) {
    event = { ...base, level: 'Request', verb: 'create', user: PEOPLE[i % PEOPLE.length], userAgent: 'kubectl/v1.31.0', requestURI: '/api/v1/namespaces/shop/pods', objectRef: { resource: 'pods', namespace: 'shop', name: `web-${i}`, apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 201 }, requestObject: pod(i % 50 === 0, i) };
  } else if (roll < 0.985) {
    event = { ...base, verb: 'get', user: PEOPLE[i % PEOPLE.length], sourceIPs: ['198.51.100.4'], requestURI: '/api/v1/namespaces/payments/secrets/db', objectRef: { resource: 'secrets', namespace: 'payments', name: 'db', apiVersion: 'v1' }, responseStatus: { metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403 }, annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' } };
  } else {
    event = { ...base, verb: 'create', user: PEOPLE[i % PEOPLE.length], userAgent: 'kubectl/v1.31.0', requestURI: `/api/v1/namespaces/shop/pods/web-${i}/exec?command=sh&container=web&stdin=true&tty=true`, objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: `web-${i}`, apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 101 } };
  }
  const line = JSON.stringify(event);
  // One request in five is logged at RequestReceived too (a policy without omitStages).
  if (i % 5 === 0) return [JSON.stringify({ ...event, stage: 'RequestReceived', responseStatus: undefined }), line];
  return [line];
}

/** Writes about `lines` event lines; returns the line count and bytes. */
export async function writeAuditLog(path: string, lines: number, seed = 7): Promise<{ lines: number; bytes: number }> {
  const random = seededRandom(seed);
  const out = createWriteStream(path);
  let written = 0;
  let bytes = 0;
  for (let i = 0; written < lines; i++) {
    const chunk = `${eventLines(i, random).join('\n')}\n`;
    written += chunk.split('\n').length - 1;
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { lines: written, bytes };
}
