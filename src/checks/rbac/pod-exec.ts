import { defineCheck } from '../../engine/check.js';
import { capabilityGrants, NSA_RBAC, permissionViolations, RBAC_INPUT_KINDS, RBAC_SEVERITY_ADJUSTMENTS } from './common.js';

// Exec, attach and port-forward are opened with create (POST) or get (WebSocket upgrade).
const SHELL = { verbs: ['create', 'get'], group: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward'] } as const;

const SEVERITY = 'high';

export default defineCheck({
  id: 'rbac.pod-exec',
  title: 'exec, attach and port-forward into pods should be restricted',
  severity: SEVERITY,
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'pods/exec, pods/attach and pods/portforward give a shell or a network path into running containers: their files, '
    + 'mounted Secrets and service account tokens, and whatever the pod can reach.',
  remediation:
    'Grant exec and port-forward only for debugging, in one namespace, to people (not workloads), ideally time-bound and audited.',
  severityAdjustments: RBAC_SEVERITY_ADJUSTMENTS,
  // The union: exec (KSV-0053, C-0002), attach (KSV-0054) and port-forward (C-0063), each reported on the rule granting it.
  equivalents: ['KSV-0053', 'KSV-0054', 'C-0002', 'C-0063'],
  controls: { iso27001: ['A.8.2', 'A.8.3'], nsa: [NSA_RBAC] },
  *check(inventory) {
    yield* permissionViolations(inventory, SEVERITY, { match: (rule) => capabilityGrants(rule, SHELL) });
  },
  examples: {
    valid: [
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: log-reader, namespace: shop }
rules:
  - { apiGroups: [''], resources: [pods, pods/log], verbs: [get, list] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: log-reader, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: log-reader }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: shop-devs }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: debugger }
rules:
  - { apiGroups: [''], resources: [pods/exec, pods/portforward], verbs: [create] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: sre-debug, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: debugger }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: sre }`,
        paths: ['rules[0]'],
      },
    ],
  },
});
