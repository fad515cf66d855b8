import { defineDetection } from '../detection.js';
import { auditEvent, CONTROLLER } from './examples.js';
import { actorOf, objectName, routineOrRefused } from './common.js';
import { rbacWrite, rulesOf } from './rbac.js';
import type { JsonValue } from '../../resources/types.js';

const ESCALATING_VERBS = ['escalate', 'bind', 'impersonate'];

const role = (rules: JsonValue[], fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'create',
  level: 'Request',
  requestURI: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  objectRef: { resource: 'clusterroles', name: 'ops', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' },
  responseStatus: { code: 201 },
  requestObject: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'ops' }, rules },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.powerful-role',
  title: 'Role granting wildcards, escalate, bind or impersonate',
  severity: 'high',
  rationale: 'A wildcard rule grants every present and future resource or verb; escalate, bind and impersonate let the holder give itself more than it has. Such grants are privileged access rights.',
  remediation: 'List the resources and verbs the role needs; keep escalate, bind and impersonate to reviewed administrator roles.',
  controls: { iso27001: ['A.8.2', 'A.5.15', 'A.5.18', 'A.8.32'] },
  equivalents: ['Falco: ClusterRole With Wildcard Created', 'Panther: Kubernetes.Role.Wildcard'],
  detect(event) {
    if (!rbacWrite(event, ['clusterroles', 'roles']) || routineOrRefused(event)) return undefined;
    const rules = rulesOf(event);
    if (!rules) return { undetermined: `audit level ${event.level ?? 'unknown'} recorded no requestObject: the rules cannot be seen (log RBAC at level Request)` };
    const reasons = new Set<string>();
    for (const rule of rules) {
      if (rule.verbs.includes('*')) reasons.add('every verb (*)');
      if (rule.resources.includes('*')) reasons.add('every resource (*)');
      for (const verb of ESCALATING_VERBS) if (rule.verbs.includes(verb)) reasons.add(verb);
    }
    if (reasons.size === 0) return undefined;
    const kind = event.objectRef?.resource === 'roles' ? 'role' : 'clusterrole';
    return { message: `${actorOf(event)} wrote ${objectName(event, kind)} granting ${[...reasons].join(', ')}`, details: { grants: [...reasons] } };
  },
  examples: {
    fire: [role([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }]), role([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate'] }])],
    quiet: [role([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]), role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], { user: CONTROLLER })],
    undetermined: [role([], { level: 'Metadata', requestObject: undefined })],
  },
});
