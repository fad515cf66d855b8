/**
 * Where the API server serves the kinds Annexa's checks read: the group and plural resource an
 * admission rule (webhook rules, VAP matchResources) names. Kinds without an entry are not
 * registered for admission (checks on them still run in scans).
 */
export interface KindResource {
  group: string;
  resource: string;
  namespaced: boolean;
}

const TABLE: Array<[string, string, string, boolean]> = [
  ['Pod', '', 'pods', true],
  ['ReplicationController', '', 'replicationcontrollers', true],
  ['PodTemplate', '', 'podtemplates', true],
  ['Service', '', 'services', true],
  ['ServiceAccount', '', 'serviceaccounts', true],
  ['ConfigMap', '', 'configmaps', true],
  ['Secret', '', 'secrets', true],
  ['Namespace', '', 'namespaces', false],
  ['PersistentVolumeClaim', '', 'persistentvolumeclaims', true],
  ['LimitRange', '', 'limitranges', true],
  ['ResourceQuota', '', 'resourcequotas', true],
  ['Deployment', 'apps', 'deployments', true],
  ['StatefulSet', 'apps', 'statefulsets', true],
  ['DaemonSet', 'apps', 'daemonsets', true],
  ['ReplicaSet', 'apps', 'replicasets', true],
  ['Job', 'batch', 'jobs', true],
  ['CronJob', 'batch', 'cronjobs', true],
  ['Role', 'rbac.authorization.k8s.io', 'roles', true],
  ['ClusterRole', 'rbac.authorization.k8s.io', 'clusterroles', false],
  ['RoleBinding', 'rbac.authorization.k8s.io', 'rolebindings', true],
  ['ClusterRoleBinding', 'rbac.authorization.k8s.io', 'clusterrolebindings', false],
  ['NetworkPolicy', 'networking.k8s.io', 'networkpolicies', true],
  ['Ingress', 'networking.k8s.io', 'ingresses', true],
  ['IngressClass', 'networking.k8s.io', 'ingressclasses', false],
  ['PodDisruptionBudget', 'policy', 'poddisruptionbudgets', true],
  ['HorizontalPodAutoscaler', 'autoscaling', 'horizontalpodautoscalers', true],
  ['PriorityClass', 'scheduling.k8s.io', 'priorityclasses', false],
  ['RuntimeClass', 'node.k8s.io', 'runtimeclasses', false],
  ['StorageClass', 'storage.k8s.io', 'storageclasses', false],
  ['ValidatingWebhookConfiguration', 'admissionregistration.k8s.io', 'validatingwebhookconfigurations', false],
  ['MutatingWebhookConfiguration', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations', false],
  ['CustomResourceDefinition', 'apiextensions.k8s.io', 'customresourcedefinitions', false],
];

const BY_KIND = new Map<string, KindResource>(TABLE.map(([kind, group, resource, namespaced]) => [kind, { group, resource, namespaced }]));

export function kindResource(kind: string): KindResource | undefined {
  return BY_KIND.get(kind);
}

/** Kinds that hold a pod template: the targets of pod-scoped checks. */
export const POD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate'] as const;

/** Admission rules grouped by API group: `{ apiGroups: [g], apiVersions: ['*'], resources: [...] }`. */
export function rulesFor(kinds: Iterable<string>, extraResources: Record<string, string[]> = {}): Array<{ apiGroups: string[]; resources: string[] }> {
  const byGroup = new Map<string, Set<string>>();
  for (const kind of kinds) {
    const entry = kindResource(kind);
    if (!entry) continue;
    const set = byGroup.get(entry.group) ?? new Set<string>();
    set.add(entry.resource);
    byGroup.set(entry.group, set);
  }
  for (const [group, resources] of Object.entries(extraResources)) {
    const set = byGroup.get(group) ?? new Set<string>();
    for (const resource of resources) set.add(resource);
    byGroup.set(group, set);
  }
  return [...byGroup.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort() }));
}
