import { defineDetection } from '../detection.js';
import { asObject, type AuditEvent } from '../event.js';
import { auditEvent, KUBELET } from './examples.js';
import { actorOf, routineOrRefused } from './common.js';
import { strings } from './rbac.js';

const CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';

/** A CSR for a server certificate (usages without `client auth`, another signer) is no API credential. */
function requestsClientCertificate(event: AuditEvent): boolean {
  const spec = asObject(asObject(event.requestObject)?.spec);
  if (!spec) return true;
  const usages = strings(spec.usages);
  const signer = typeof spec.signerName === 'string' ? spec.signerName : undefined;
  if (signer !== undefined) return signer === CLIENT_SIGNER;
  return usages.length === 0 || usages.includes('client auth');
}

const csr = (fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'create',
  requestURI: '/apis/certificates.k8s.io/v1/certificatesigningrequests',
  objectRef: { resource: 'certificatesigningrequests', name: 'alice-admin', apiGroup: 'certificates.k8s.io', apiVersion: 'v1' },
  responseStatus: { code: 201 },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.certificate-request',
  title: 'Client certificate requested or approved',
  severity: 'medium',
  rationale: 'A client certificate signed by the cluster is a credential that cannot be revoked before it expires: requesting and approving one outside the node bootstrap is how access persists.',
  remediation: 'Confirm the certificate was approved through access management; prefer OIDC or short-lived tokens; deny the CSR if it was not expected.',
  controls: { iso27001: ['A.5.17', 'A.5.16', 'A.8.5', 'A.8.16'] },
  equivalents: ['Panther: Kubernetes.ClientCertificate.Created'],
  detect(event) {
    const ref = event.objectRef;
    if (ref?.resource !== 'certificatesigningrequests' || routineOrRefused(event)) return undefined;
    if (ref.subresource === 'approval' && (event.verb === 'update' || event.verb === 'patch')) {
      return { message: `${actorOf(event)} approved certificate signing request ${ref.name ?? ''}`.trimEnd(), severity: 'high' };
    }
    if (ref.subresource || event.verb !== 'create' || !requestsClientCertificate(event)) return undefined;
    return { message: `${actorOf(event)} requested a client certificate (certificate signing request ${ref.name ?? '(unnamed)'})` };
  },
  examples: {
    fire: [csr(), csr({ verb: 'update', objectRef: { resource: 'certificatesigningrequests', subresource: 'approval', name: 'alice-admin', apiGroup: 'certificates.k8s.io' } })],
    quiet: [
      csr({ user: KUBELET }),
      csr({ level: 'Request', requestObject: { spec: { signerName: 'kubernetes.io/kubelet-serving', usages: ['server auth'] } } }),
      csr({ verb: 'get' }),
      csr({ responseStatus: { code: 403 } }),
    ],
  },
});
