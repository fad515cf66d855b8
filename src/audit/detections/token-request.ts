import { defineDetection } from '../detection.js';
import { asObject } from '../event.js';
import { auditEvent, KUBELET } from './examples.js';
import { actorOf, routineOrRefused } from './common.js';

const token = (fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'create',
  requestURI: '/api/v1/namespaces/shop/serviceaccounts/deployer/token',
  objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: 'shop', name: 'deployer', apiVersion: 'v1' },
  responseStatus: { code: 201 },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.token-request',
  title: 'Service account token requested by a person or created as a Secret',
  severity: 'medium',
  rationale: 'Kubelets request service account tokens for pods all the time; anyone else requesting one, or creating a long-lived token Secret, walks away with the service account\'s rights.',
  remediation: 'Confirm who needed the token and for how long; prefer short-lived tokens bound to a pod; delete long-lived token Secrets.',
  controls: { iso27001: ['A.5.17', 'A.8.2', 'A.8.5', 'A.8.16'] },
  equivalents: ['Panther: Kubernetes.ServiceAccount.TokenCreated'],
  detect(event) {
    const ref = event.objectRef;
    if (event.verb !== 'create' || routineOrRefused(event)) return undefined;
    if (ref?.resource === 'serviceaccounts' && ref.subresource === 'token') {
      return { message: `${actorOf(event)} requested a token for service account ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? ''}` };
    }
    if (ref?.resource === 'secrets' && !ref.subresource && asObject(event.requestObject)?.type === 'kubernetes.io/service-account-token') {
      return { message: `${actorOf(event)} created a long-lived service account token Secret ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? ''}`.trimEnd(), severity: 'high' };
    }
    return undefined;
  },
  examples: {
    fire: [
      token(),
      token({ level: 'Request', requestURI: '/api/v1/namespaces/shop/secrets', objectRef: { resource: 'secrets', namespace: 'shop', name: 'deployer-token', apiVersion: 'v1' }, requestObject: { type: 'kubernetes.io/service-account-token', metadata: { annotations: { 'kubernetes.io/service-account.name': 'deployer' } } } }),
    ],
    quiet: [token({ user: KUBELET }), token({ responseStatus: { code: 403 } }), token({ verb: 'get' })],
  },
});
