import { defineCheck } from '../../engine/check.js';

/** Namespaced kinds other than workloads (those are workload.default-namespace's). */
const KINDS = [
  'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding', 'Ingress', 'NetworkPolicy', 'PersistentVolumeClaim',
  'ResourceQuota', 'LimitRange', 'HorizontalPodAutoscaler', 'PodDisruptionBudget',
] as const;

/** What Kubernetes itself keeps in the default namespace. */
function isBuiltIn(kind: string, name: string): boolean {
  return (kind === 'Service' && name === 'kubernetes') || (kind === 'ServiceAccount' && name === 'default') || (kind === 'ConfigMap' && name === 'kube-root-ca.crt');
}

export default defineCheck({
  id: 'namespace.default-namespace-objects',
  title: 'Objects should not be placed in the default namespace',
  severity: 'low',
  domain: 'namespace',
  scope: 'resource',
  kinds: KINDS,
  rationale:
    'Services, Secrets, roles and bindings in the default namespace are shared with everything deployed there without thought: '
    + 'ownership, RBAC, quotas and network policies cannot be drawn around them.',
  remediation: 'Move the object into the namespace of the application or team that owns it.',
  controls: { iso27001: ['A.8.9'], cis: ['5.7.4'], nsa: ['Namespaces'] },
  equivalents: ['C-0212'],
  *check(resource) {
    if (resource.namespace !== 'default' || isBuiltIn(resource.kind, resource.name)) return;
    yield { path: 'metadata.namespace', message: `${resource.kind} "${resource.name}" is placed in the default namespace` };
  },
  examples: {
    valid: [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: shop }\ndata: { mode: fast }',
      'apiVersion: v1\nkind: Service\nmetadata: { name: kubernetes, namespace: default }\nspec: { ports: [{ port: 443 }] }',
    ],
    invalid: [
      {
        manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: default }\ndata: { mode: fast }\n---\n'
          + 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: reader, namespace: default }\nrules: []',
        paths: ['metadata.namespace', 'metadata.namespace'],
      },
    ],
  },
});
