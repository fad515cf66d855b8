/** Building blocks for the detections' own examples: a complete v1 event with overridable fields. */
import type { AuditEvent, AuditUser } from '../event.js';

export const HUMAN: AuditUser = { username: 'alice@example.com', groups: ['system:authenticated'] };
export const KUBELET: AuditUser = { username: 'system:node:worker-1', groups: ['system:nodes', 'system:authenticated'] };
export const CONTROLLER: AuditUser = { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
export const APP_SA: AuditUser = { username: 'system:serviceaccount:shop:api', groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'] };
export const ANONYMOUS: AuditUser = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

let sequence = 0;

/** An audit.k8s.io/v1 Event at ResponseComplete, level Metadata, by a human, answered 200, unless overridden. */
export function auditEvent(fields: Partial<AuditEvent>): AuditEvent {
  sequence += 1;
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: '/',
    verb: 'get',
    user: HUMAN,
    sourceIPs: ['203.0.113.7'],
    userAgent: 'kubectl/v1.31.0',
    responseStatus: { code: 200 },
    requestReceivedTimestamp: '2026-03-02T10:00:00.000000Z',
    stageTimestamp: '2026-03-02T10:00:00.010000Z',
    ...fields,
  };
}
