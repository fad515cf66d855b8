/** AdmissionReview requests for tests, built around a hardened Pod that raises no finding. */
import { randomUUID } from 'node:crypto';

export const HARDENED_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d4b9c-x2v8q',
    namespace: 'shop',
    labels: { app: 'web' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: '6a1e0c47-3b59-4d0e-9a39-0d8f6ad4d1a2', controller: true }],
  },
  spec: {
    serviceAccountName: 'web',
    automountServiceAccountToken: false,
    hostUsers: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'app',
      image: 'registry.example.com/shop/web@sha256:4b7f0f3e1c2d5a6b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b',
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '1Gi' } },
      readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
      livenessProbe: { httpGet: { path: '/live', port: 8080 } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    }],
  },
};

type Json = Record<string, unknown>;

/** A deep copy of the hardened pod with its first container changed. */
export function podWith(container: Json, spec: Json = {}): Json {
  const pod = structuredClone(HARDENED_POD) as unknown as { spec: { containers: Json[] } & Json };
  pod.spec.containers[0] = { ...pod.spec.containers[0], ...container };
  Object.assign(pod.spec, spec);
  return pod as unknown as Json;
}

export function privilegedPod(): Json {
  return podWith({ securityContext: { ...HARDENED_POD.spec.containers[0]!.securityContext, privileged: true, allowPrivilegeEscalation: true } });
}

const GROUPS: Record<string, string> = { Pod: '', Secret: '', ConfigMap: '', Deployment: 'apps', Role: 'rbac.authorization.k8s.io' };

export function admissionReview(object: Json | undefined, options: { operation?: string; namespace?: string; username?: string; dryRun?: boolean; kind?: string; uid?: string; subResource?: string; oldObject?: Json } = {}): Json {
  const kind = options.kind ?? (object?.kind as string | undefined) ?? 'Pod';
  const metadata = (object?.metadata ?? {}) as Json;
  const request: Json = {
    uid: options.uid ?? randomUUID(),
    kind: { group: GROUPS[kind] ?? '', version: 'v1', kind },
    resource: { group: GROUPS[kind] ?? '', version: 'v1', resource: `${kind.toLowerCase()}s` },
    name: metadata.name,
    namespace: options.namespace ?? metadata.namespace ?? 'shop',
    operation: options.operation ?? 'CREATE',
    userInfo: { username: options.username ?? 'jane@example.com', groups: ['system:authenticated'] },
    dryRun: options.dryRun ?? false,
  };
  if (object) request.object = object;
  if (options.oldObject) request.oldObject = options.oldObject;
  if (options.subResource) request.subResource = options.subResource;
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}
