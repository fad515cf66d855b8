/**
 * API versions that Kubernetes no longer serves, per kind, with the release that stopped serving
 * them and the version to migrate to (Kubernetes "Deprecated API Migration Guide", and the 1.22
 * release notes for the v1alpha1 RBAC and scheduling versions).
 */
export interface RemovedApi {
  apiVersion: string;
  kinds: readonly string[];
  /** The Kubernetes minor release that stopped serving the version. */
  removedIn: string;
  /** The served apiVersion to migrate to; undefined when the kind itself is gone. */
  replacement?: string;
  /** What to use instead when there is no replacement apiVersion. */
  instead?: string;
}

const APPS_V1 = 'apps/v1';
const RBAC_KINDS = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'] as const;
const FLOWCONTROL_KINDS = ['FlowSchema', 'PriorityLevelConfiguration'] as const;
const FLOWCONTROL_V1 = 'flowcontrol.apiserver.k8s.io/v1';
const PSA = 'Pod Security Admission (pod-security.kubernetes.io/enforce labels on namespaces) or a policy engine';

export const REMOVED_APIS: readonly RemovedApi[] = [
  { apiVersion: 'extensions/v1beta1', kinds: ['DaemonSet', 'Deployment', 'ReplicaSet'], removedIn: '1.16', replacement: APPS_V1 },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], removedIn: '1.16', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: '1.16', instead: PSA },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'apps/v1beta1', kinds: ['Deployment', 'StatefulSet', 'ReplicaSet', 'ControllerRevision'], removedIn: '1.16', replacement: APPS_V1 },
  { apiVersion: 'apps/v1beta2', kinds: ['DaemonSet', 'Deployment', 'StatefulSet', 'ReplicaSet', 'ControllerRevision'], removedIn: '1.16', replacement: APPS_V1 },
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], removedIn: '1.22', replacement: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: ['CustomResourceDefinition'], removedIn: '1.22', replacement: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], removedIn: '1.22', replacement: 'apiregistration.k8s.io/v1' },
  { apiVersion: 'authentication.k8s.io/v1beta1', kinds: ['TokenReview'], removedIn: '1.22', replacement: 'authentication.k8s.io/v1' },
  { apiVersion: 'authorization.k8s.io/v1beta1', kinds: ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview'], removedIn: '1.22', replacement: 'authorization.k8s.io/v1' },
  { apiVersion: 'certificates.k8s.io/v1beta1', kinds: ['CertificateSigningRequest'], removedIn: '1.22', replacement: 'certificates.k8s.io/v1' },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], removedIn: '1.22', replacement: 'coordination.k8s.io/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1alpha1', kinds: RBAC_KINDS, removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: RBAC_KINDS, removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1alpha1', kinds: ['PriorityClass'], removedIn: '1.22', replacement: 'scheduling.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], removedIn: '1.22', replacement: 'scheduling.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], removedIn: '1.22', replacement: 'storage.k8s.io/v1' },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: '1.25', replacement: 'batch/v1' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], removedIn: '1.25', replacement: 'discovery.k8s.io/v1' },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], removedIn: '1.25', replacement: 'events.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.25', replacement: 'autoscaling/v2' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], removedIn: '1.25', replacement: 'policy/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: '1.25', instead: PSA },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], removedIn: '1.25', replacement: 'node.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.26', replacement: 'autoscaling/v2' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kinds: FLOWCONTROL_KINDS, removedIn: '1.26', replacement: FLOWCONTROL_V1 },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: '1.27', replacement: 'storage.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kinds: FLOWCONTROL_KINDS, removedIn: '1.29', replacement: FLOWCONTROL_V1 },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kinds: FLOWCONTROL_KINDS, removedIn: '1.32', replacement: FLOWCONTROL_V1 },
];

function key(apiVersion: string, kind: string): string {
  return `${apiVersion.trim()} ${kind}`;
}

const BY_KEY: ReadonlyMap<string, RemovedApi> = new Map(
  REMOVED_APIS.flatMap((api) => api.kinds.map((kind) => [key(api.apiVersion, kind), api] as const)),
);

/** Every kind that has at least one removed apiVersion. */
export const KINDS_WITH_REMOVED_APIS: readonly string[] = [...new Set(REMOVED_APIS.flatMap((api) => api.kinds))].sort();

export function removedApi(apiVersion: string, kind: string): RemovedApi | undefined {
  return BY_KEY.get(key(apiVersion, kind));
}
