import { defineDetection } from '../detection.js';
import { auditEvent, CONTROLLER } from './examples.js';
import { podSession } from './pod-access.js';

const exec = (fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'create',
  requestURI: '/api/v1/namespaces/shop/pods/web-1/exec?command=sh&container=web&stdin=true&tty=true',
  objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-1', apiVersion: 'v1' },
  responseStatus: { code: 101 },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.pod-exec',
  title: 'Command executed in a pod',
  severity: 'medium',
  rationale: 'kubectl exec gives a person the pod\'s identity, files and network position outside any change process: each use is privileged access to be accounted for.',
  remediation: 'Confirm the session was authorised (ticket, break-glass record); restrict pods/exec to an on-call group and prefer read-only debugging (ephemeral containers, logs).',
  controls: { iso27001: ['A.8.2', 'A.8.16', 'A.8.15'] },
  equivalents: ['Falco: Attach/Exec Pod', 'Panther: Kubernetes.Pod.Exec'],
  detect: (event) => podSession(event, 'exec', 'executed a command in'),
  examples: {
    fire: [exec(), exec({ verb: 'get', stage: 'ResponseStarted', level: 'Request' })],
    quiet: [
      exec({ responseStatus: { code: 403 } }),
      exec({ user: CONTROLLER }),
      auditEvent({ verb: 'get', objectRef: { resource: 'pods', namespace: 'shop', name: 'web-1' } }),
    ],
  },
});
