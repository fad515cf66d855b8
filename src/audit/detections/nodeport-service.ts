import { defineDetection } from '../detection.js';
import { asObject } from '../event.js';
import { auditEvent, CONTROLLER } from './examples.js';
import { actorOf, objectName, routineOrRefused } from './common.js';

const service = (type: string | undefined, fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'create',
  level: 'Request',
  requestURI: '/api/v1/namespaces/shop/services',
  objectRef: { resource: 'services', namespace: 'shop', name: 'web', apiVersion: 'v1' },
  responseStatus: { code: 201 },
  requestObject: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ...(type ? { type } : {}), ports: [{ port: 80 }] } },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.nodeport-service',
  title: 'NodePort Service created',
  severity: 'medium',
  rationale: 'A NodePort opens the same port on every node, past ingress controllers and often past the network perimeter the cluster relies on.',
  remediation: 'Expose the service through an ingress or a LoadBalancer with reviewed firewall rules; allow NodePort only where it is designed in.',
  controls: { iso27001: ['A.8.20', 'A.8.22', 'A.8.32'] },
  equivalents: ['Falco: Create NodePort Service', 'Panther: Kubernetes.Service.NodePort.Deployed'],
  detect(event) {
    const ref = event.objectRef;
    if (ref?.resource !== 'services' || ref.subresource || (event.verb !== 'create' && event.verb !== 'update' && event.verb !== 'patch')) return undefined;
    if (routineOrRefused(event)) return undefined;
    const object = asObject(event.requestObject);
    if (!object) return { undetermined: `audit level ${event.level ?? 'unknown'} recorded no requestObject: the Service type cannot be seen (log Services at level Request)` };
    if (asObject(object.spec)?.type !== 'NodePort') return undefined;
    return { message: `${actorOf(event)} ${event.verb === 'create' ? 'created' : 'changed'} ${objectName(event, 'service')} of type NodePort` };
  },
  examples: {
    fire: [service('NodePort'), service('NodePort', { verb: 'patch' })],
    quiet: [service(undefined), service('ClusterIP'), service('NodePort', { user: CONTROLLER })],
    undetermined: [service('NodePort', { level: 'Metadata', requestObject: undefined })],
  },
});
