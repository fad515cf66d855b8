import { defineDetection } from '../detection.js';
import { isHuman } from '../event.js';
import { APP_SA, auditEvent, CONTROLLER } from './examples.js';
import { actorOf, routineOrRefused } from './common.js';

const secrets = (fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'get',
  requestURI: '/api/v1/namespaces/shop/secrets/db',
  objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.secret-read',
  title: 'Secret read or enumerated by a person',
  severity: 'medium',
  rationale: 'Workloads read their Secrets through their service accounts; a person reading or listing Secrets holds credentials outside the systems that need them.',
  remediation: 'Confirm the access was needed; remove get/list/watch on secrets from human roles and use break-glass access for the exceptions.',
  controls: { iso27001: ['A.5.17', 'A.8.2', 'A.8.3', 'A.8.16'] },
  equivalents: ['Panther: Kubernetes.BulkSecretAccess', 'Falco: K8s Secret Get Successfully'],
  detect(event) {
    const ref = event.objectRef;
    if (ref?.resource !== 'secrets' || ref.subresource) return undefined;
    if (event.verb !== 'get' && event.verb !== 'list' && event.verb !== 'watch') return undefined;
    if (!isHuman(event.user) || routineOrRefused(event)) return undefined;
    if (event.verb === 'get') return { message: `${actorOf(event)} read secret ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? '(unnamed)'}` };
    const where = ref.namespace ? `in namespace ${ref.namespace}` : 'in all namespaces';
    return {
      message: `${actorOf(event)} ${event.verb === 'list' ? 'listed' : 'watched'} secrets ${where}`,
      ...(ref.namespace ? {} : { severity: 'high' as const }),
    };
  },
  examples: {
    fire: [secrets(), secrets({ verb: 'list', requestURI: '/api/v1/secrets', objectRef: { resource: 'secrets', apiVersion: 'v1' } })],
    quiet: [secrets({ user: APP_SA }), secrets({ user: CONTROLLER, verb: 'list' }), secrets({ responseStatus: { code: 403 } }), secrets({ verb: 'create' })],
  },
});
