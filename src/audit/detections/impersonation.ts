import { defineDetection } from '../detection.js';
import { auditEvent, HUMAN, CONTROLLER } from './examples.js';
import { routineOrRefused } from './common.js';

const impersonating = (fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'list',
  requestURI: '/api/v1/namespaces/shop/pods',
  objectRef: { resource: 'pods', namespace: 'shop', apiVersion: 'v1' },
  impersonatedUser: { username: 'system:serviceaccount:shop:deployer', groups: ['system:serviceaccounts'] },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.impersonation',
  title: 'Request made while impersonating another identity',
  severity: 'medium',
  rationale: 'Impersonation acts with someone else\'s rights; the log records both identities, and every use should be traceable to a reason.',
  remediation: 'Confirm the impersonation was authorised; keep the impersonate verb to a few reviewed administrators.',
  controls: { iso27001: ['A.8.2', 'A.5.16', 'A.8.16'] },
  detect(event) {
    const as = event.impersonatedUser?.username;
    if (!as || routineOrRefused(event)) return undefined;
    const target = `${event.verb ?? 'request'} ${event.objectRef?.resource ?? event.requestURI ?? ''}`.trimEnd();
    return { message: `${event.user?.username ?? '(unknown user)'} impersonated ${as}: ${target}`, details: { impersonated: as } };
  },
  examples: {
    fire: [impersonating()],
    quiet: [impersonating({ impersonatedUser: undefined }), impersonating({ user: CONTROLLER }), impersonating({ responseStatus: { code: 403 } }), auditEvent({ user: HUMAN })],
  },
});
