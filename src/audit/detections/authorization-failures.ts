import { defineDetection } from '../detection.js';
import { authorizationDenied, isControlPlane } from '../event.js';
import { auditEvent, KUBELET } from './examples.js';

const denied = (second: number, fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'list',
  requestURI: '/api/v1/secrets',
  objectRef: { resource: 'secrets', apiVersion: 'v1' },
  responseStatus: { code: 403, reason: 'Forbidden' },
  stageTimestamp: `2026-03-02T10:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}.000000Z`,
  ...fields,
});

const times = (count: number, every: number, fields: Parameters<typeof auditEvent>[0] = {}) => Array.from({ length: count }, (_, i) => denied(i * every, fields));

export default defineDetection({
  kind: 'burst',
  id: 'audit.authorization-failures',
  title: 'Burst of authorization failures by one identity or address',
  severity: 'medium',
  rationale: 'Many refused requests in a short time from one identity or address is how discovery with stolen credentials looks (and how a broken deployment looks): either needs someone to look.',
  remediation: 'Find what the identity was trying to do; revoke the credential if it was not its owner; fix the role if a workload lacks a permission it needs.',
  controls: { iso27001: ['A.8.16', 'A.5.15', 'A.8.5'] },
  equivalents: ['Panther: Kubernetes.API.Multiple403.PublicIP', 'Panther: Amazon.EKS.Audit.Multiple403', 'Panther: Kubernetes.Secret.AccessDenied'],
  keys(event) {
    if (!authorizationDenied(event) || isControlPlane(event.user)) return [];
    const keys: string[] = [];
    if (event.user?.username) keys.push(`user:${event.user.username}`);
    const ip = event.sourceIPs?.[0];
    if (ip) keys.push(`ip:${ip}`);
    return keys;
  },
  describe(key, count, settings) {
    const [kind, ...rest] = key.split(':');
    const who = kind === 'ip' ? `source address ${rest.join(':')}` : `user ${rest.join(':')}`;
    return `${count} authorization failures by ${who} within ${settings.windowSeconds} s (threshold ${settings.threshold})`;
  },
  examples: {
    sequences: [
      // Same user and same address: one detection for each key.
      { name: '12 denials in 12 s', events: times(12, 1), detections: 2 },
      { name: '9 denials in 9 s', events: times(9, 1), detections: 0 },
      { name: '12 denials spread over 12 minutes', events: times(12, 60), detections: 0 },
      { name: '30 denials in 30 s stay one window per key', events: times(30, 1), detections: 2 },
      { name: 'kubelet denials are routine', events: times(12, 1, { user: KUBELET, sourceIPs: ['10.0.0.5'] }), detections: 0 },
    ],
  },
});
