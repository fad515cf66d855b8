import { defineDetection } from '../detection.js';
import { auditEvent, CONTROLLER } from './examples.js';
import { podSession } from './pod-access.js';

const forward = (fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'create',
  requestURI: '/api/v1/namespaces/shop/pods/db-0/portforward',
  objectRef: { resource: 'pods', subresource: 'portforward', namespace: 'shop', name: 'db-0', apiVersion: 'v1' },
  responseStatus: { code: 101 },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.pod-port-forward',
  title: 'Port forwarded from a pod',
  severity: 'medium',
  rationale: 'kubectl port-forward opens a tunnel from a workstation to a pod, past NetworkPolicies and ingress controls.',
  remediation: 'Confirm the tunnel was authorised; restrict pods/portforward; reach services through their reviewed ingress instead.',
  controls: { iso27001: ['A.8.2', 'A.8.16', 'A.8.20'] },
  detect: (event) => podSession(event, 'portforward', 'forwarded a port from'),
  examples: {
    fire: [forward()],
    quiet: [forward({ responseStatus: { code: 403 } }), forward({ user: CONTROLLER }), forward({ objectRef: { resource: 'pods', subresource: 'log', namespace: 'shop', name: 'db-0' } })],
  },
});
