import { defineDetection } from '../detection.js';
import { auditEvent, KUBELET } from './examples.js';
import { podSession } from './pod-access.js';

const attach = (fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'create',
  requestURI: '/api/v1/namespaces/shop/pods/web-1/attach?container=web&stdin=true&stdout=true&tty=true',
  objectRef: { resource: 'pods', subresource: 'attach', namespace: 'shop', name: 'web-1', apiVersion: 'v1' },
  responseStatus: { code: 101 },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.pod-attach',
  title: 'Terminal attached to a running container',
  severity: 'medium',
  rationale: 'kubectl attach connects a person to the main process of a running container: its input, output and whatever it has open.',
  remediation: 'Confirm the session was authorised; restrict pods/attach to an on-call group.',
  controls: { iso27001: ['A.8.2', 'A.8.16', 'A.8.15'] },
  equivalents: ['Falco: Attach/Exec Pod'],
  detect: (event) => podSession(event, 'attach', 'attached to'),
  examples: {
    fire: [attach()],
    quiet: [attach({ responseStatus: { code: 404 } }), attach({ user: KUBELET })],
  },
});
