import { defineCheck } from '../../engine/check.js';
import { capabilityGrants, NSA_RBAC, permissionViolations, RBAC_INPUT_KINDS, RBAC_SEVERITY_ADJUSTMENTS } from './common.js';

const NODES_PROXY = { verbs: ['get', 'create', 'update', 'patch', 'delete'], group: '', resources: ['nodes/proxy'] } as const;

const SEVERITY = 'high';

export default defineCheck({
  id: 'rbac.nodes-proxy',
  title: 'Access to the nodes/proxy subresource must be restricted',
  severity: SEVERITY,
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'nodes/proxy reaches the kubelet API of every node: it can run commands in any pod on the node, bypassing pod-level RBAC, '
    + 'audit of exec and admission control.',
  remediation: 'Grant nodes/proxy only to the monitoring or API server identities that need it; use nodes/metrics or nodes/stats for metrics.',
  severityAdjustments: RBAC_SEVERITY_ADJUSTMENTS,
  equivalents: ['KSV-0047'],
  controls: { iso27001: ['A.8.2', 'A.8.3'], cis: ['5.1.10'], nsa: [NSA_RBAC] },
  *check(inventory) {
    yield* permissionViolations(inventory, SEVERITY, { reach: 'cluster', match: (rule) => capabilityGrants(rule, NODES_PROXY) });
  },
  examples: {
    valid: [
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: node-metrics }
rules:
  - { apiGroups: [''], resources: [nodes/metrics, nodes/stats], verbs: [get] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: node-metrics }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-metrics }
subjects:
  - { kind: ServiceAccount, name: prometheus, namespace: monitoring }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: node-proxy }
rules:
  - { apiGroups: [''], resources: [nodes/proxy], verbs: [get] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: node-proxy }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-proxy }
subjects:
  - { kind: ServiceAccount, name: prometheus, namespace: monitoring }`,
        paths: ['rules[0]'],
      },
    ],
  },
});
