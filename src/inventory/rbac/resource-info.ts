/**
 * What a scanner without API discovery knows about well-known resources: their API group (so that
 * `who-can list deployments` asks about apps/deployments) and whether they are cluster-scoped (a
 * RoleBinding never grants access to a cluster-scoped resource).
 */
interface ResourceInfo {
  group: string;
  clusterScoped?: boolean;
}

const CORE: Record<string, ResourceInfo> = Object.fromEntries([
  'pods', 'services', 'endpoints', 'configmaps', 'secrets', 'serviceaccounts', 'persistentvolumeclaims',
  'replicationcontrollers', 'events', 'limitranges', 'resourcequotas', 'podtemplates', 'bindings',
].map((r) => [r, { group: '' }]));

const CLUSTER_CORE = Object.fromEntries(['nodes', 'namespaces', 'persistentvolumes', 'componentstatuses']
  .map((r) => [r, { group: '', clusterScoped: true }]));

function inGroup(group: string, resources: string[], clusterScoped = false): Record<string, ResourceInfo> {
  return Object.fromEntries(resources.map((r) => [r, clusterScoped ? { group, clusterScoped } : { group }]));
}

const KNOWN: Record<string, ResourceInfo> = {
  ...CORE,
  ...CLUSTER_CORE,
  ...inGroup('apps', ['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'controllerrevisions']),
  ...inGroup('batch', ['jobs', 'cronjobs']),
  ...inGroup('autoscaling', ['horizontalpodautoscalers']),
  ...inGroup('policy', ['poddisruptionbudgets']),
  ...inGroup('networking.k8s.io', ['ingresses', 'networkpolicies']),
  ...inGroup('networking.k8s.io', ['ingressclasses'], true),
  ...inGroup('coordination.k8s.io', ['leases']),
  ...inGroup('discovery.k8s.io', ['endpointslices']),
  ...inGroup('rbac.authorization.k8s.io', ['roles', 'rolebindings']),
  ...inGroup('rbac.authorization.k8s.io', ['clusterroles', 'clusterrolebindings'], true),
  ...inGroup('certificates.k8s.io', ['certificatesigningrequests', 'signers', 'clustertrustbundles'], true),
  ...inGroup('admissionregistration.k8s.io', [
    'mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'validatingadmissionpolicies',
    'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings',
  ], true),
  ...inGroup('apiextensions.k8s.io', ['customresourcedefinitions'], true),
  ...inGroup('apiregistration.k8s.io', ['apiservices'], true),
  ...inGroup('storage.k8s.io', ['storageclasses', 'csidrivers', 'csinodes', 'volumeattachments'], true),
  ...inGroup('scheduling.k8s.io', ['priorityclasses'], true),
  ...inGroup('node.k8s.io', ['runtimeclasses'], true),
  ...inGroup('authentication.k8s.io', ['tokenreviews'], true),
  ...inGroup('authorization.k8s.io', ['subjectaccessreviews', 'selfsubjectaccessreviews', 'selfsubjectrulesreviews'], true),
  ...inGroup('authorization.k8s.io', ['localsubjectaccessreviews']),
};

/** The API group of a well-known resource; the core group ("") when unknown. */
export function defaultApiGroup(resource: string): string {
  return knownResource(resource)?.group ?? '';
}

/** Rules name resources freely: `resources: [constructor]` must not find Object's. */
function knownResource(resource: string): ResourceInfo | undefined {
  return Object.hasOwn(KNOWN, resource) ? KNOWN[resource] : undefined;
}

/** True for well-known cluster-scoped resources of the given group. */
export function isClusterScoped(resource: string, group: string): boolean {
  const info = knownResource(resource);
  return info !== undefined && info.group === group && info.clusterScoped === true;
}
