import { defineDetection } from '../detection.js';
import { asObject } from '../event.js';
import { auditEvent, CONTROLLER } from './examples.js';
import { actorOf, objectName, routineOrRefused } from './common.js';
import { isPrivilegedRole, rbacWrite } from './rbac.js';

const binding = (roleRef: string, fields: Parameters<typeof auditEvent>[0] = {}, subjects = [{ kind: 'User', name: 'mallory' }]) => auditEvent({
  verb: 'create',
  level: 'Request',
  requestURI: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  objectRef: { resource: 'clusterrolebindings', name: 'b', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' },
  responseStatus: { code: 201 },
  requestObject: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleRef }, subjects },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.privileged-binding',
  title: 'Binding to cluster-admin or another privileged role, or to system:masters',
  severity: 'high',
  rationale: 'A binding to cluster-admin, admin or a control-plane role, or one naming the system:masters group, hands over full control: privileged access rights are allocated only through review.',
  remediation: 'Confirm the binding went through access review; bind narrower roles; remove the binding if it was not approved.',
  controls: { iso27001: ['A.8.2', 'A.5.15', 'A.5.18', 'A.8.32'] },
  equivalents: ['Falco: Attach to cluster-admin Role', 'Panther: Kubernetes.ClusterRoleBinding.Privileged'],
  detect(event) {
    if (!rbacWrite(event, ['clusterrolebindings', 'rolebindings']) || routineOrRefused(event)) return undefined;
    const object = asObject(event.requestObject);
    if (!object) return { undetermined: `audit level ${event.level ?? 'unknown'} recorded no requestObject: the role bound cannot be seen (log RBAC at level Request)` };
    const roleRef = asObject(object.roleRef);
    const role = typeof roleRef?.name === 'string' ? roleRef.name : '';
    const subjects = Array.isArray(object.subjects) ? object.subjects.map((s) => asObject(s) ?? {}) : [];
    const masters = subjects.some((s) => s.kind === 'Group' && s.name === 'system:masters');
    if (!isPrivilegedRole(role) && !masters) return undefined;
    const why = masters ? 'the system:masters group' : `${typeof roleRef?.kind === 'string' ? roleRef.kind : 'role'} ${role}`;
    return { message: `${actorOf(event)} bound ${why} in ${objectName(event, event.objectRef?.resource === 'rolebindings' ? 'rolebinding' : 'clusterrolebinding')}`, details: { role, systemMasters: masters } };
  },
  examples: {
    fire: [binding('cluster-admin'), binding('view', {}, [{ kind: 'Group', name: 'system:masters' }])],
    quiet: [binding('view'), binding('cluster-admin', { user: CONTROLLER }), binding('cluster-admin', { responseStatus: { code: 403 } })],
    undetermined: [binding('cluster-admin', { level: 'Metadata', requestObject: undefined })],
  },
});
