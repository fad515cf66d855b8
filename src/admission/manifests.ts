/**
 * `annexa webhook manifests`: everything that runs the webhook in a cluster. The Deployment is
 * restricted (Pod Security `restricted`, read-only root, no service-account token, resources,
 * probes, two replicas spread over nodes with a PodDisruptionBudget) and passes Annexa's own checks.
 * The webhook never judges its own namespace (a webhook that must admit its own pods to start can
 * lock itself out), nor the exempt namespaces of annexa.yaml.
 */
import { stringify } from 'yaml';
import { builtinChecks } from '../checks/index.js';
import type { JsonObject } from '../resources/types.js';
import { VERSION } from '../version.js';
import { POD_KINDS, rulesFor } from './kinds.js';
import { VALIDATE_PATH } from './webhook.js';

export const DEFAULT_IMAGE = `ghcr.io/annexa-dev/annexa:${VERSION}`;
const CONTAINER_PORT = 8443;
const CONFIG_FILE = 'annexa.yaml';

export interface ManifestOptions {
  namespace: string;
  name: string;
  image: string;
  failurePolicy: 'Fail' | 'Ignore';
  timeoutSeconds: number;
  exemptNamespaces: string[];
  /** PEM of the CA that signed the serving certificate; without it cert-manager issues the certificate and injects the CA. */
  caBundlePem?: string;
}

/** The webhook's objects in apply order. */
export function webhookObjects(options: ManifestOptions): JsonObject[] {
  const { namespace, name } = options;
  const labels = { 'app.kubernetes.io/name': 'annexa', 'app.kubernetes.io/component': 'admission-webhook', 'app.kubernetes.io/instance': name };
  const secretName = `${name}-tls`;
  const objects: JsonObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' } },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels }, automountServiceAccountToken: false },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-config`, namespace, labels },
      data: { [CONFIG_FILE]: stringify({ admission: { mode: 'enforce', failOn: 'high', exemptNamespaces: exemptList(options), exemptUsers: [], checks: { exclude: [] }, failurePolicy: 'Fail' } }) },
    },
    deployment(options, labels, secretName),
    ...namespaceGuards(options, labels),
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace, labels }, spec: { minAvailable: 1, selector: { matchLabels: labels } } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels },
      spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }] },
    },
  ];
  if (!options.caBundlePem) objects.push(...certManagerObjects(options, labels, secretName));
  objects.push(webhookConfiguration(options, labels));
  return objects;
}

export function webhookManifests(options: ManifestOptions, format: 'yaml' | 'json'): string {
  const objects = webhookObjects(options);
  if (format === 'json') return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`;
  return objects.map((object) => `---\n${stringify(object, { lineWidth: 0 })}`).join('');
}

function exemptList(options: ManifestOptions): string[] {
  return [...new Set([options.namespace, ...options.exemptNamespaces])];
}

/** A label selector cannot express `*` or `?`: patterns stay with the server, which skips them itself. */
function exemptNames(options: ManifestOptions): string[] {
  return exemptList(options).filter((name) => !/[*?]/.test(name));
}

function deployment(options: ManifestOptions, labels: Record<string, string>, secretName: string): JsonObject {
  const probe = (path: string) => ({ httpGet: { path, port: 'https', scheme: 'HTTPS' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: options.name, namespace: options.namespace, labels },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 5,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: options.name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          priorityClassName: 'system-cluster-critical',
          securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } }],
          terminationGracePeriodSeconds: 30,
          containers: [{
            name: 'webhook',
            image: options.image,
            // A tag can be moved: re-resolve it on every start unless the image is pinned by digest.
            imagePullPolicy: options.image.includes('@sha256:') ? 'IfNotPresent' : 'Always',
            args: ['webhook', 'serve', '--port', String(CONTAINER_PORT), '--tls-cert', '/tls/tls.crt', '--tls-key', '/tls/tls.key', '--config', `/config/${CONFIG_FILE}`],
            ports: [{ name: 'https', containerPort: CONTAINER_PORT, protocol: 'TCP' }],
            readinessProbe: probe('/readyz'),
            livenessProbe: probe('/healthz'),
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi', 'ephemeral-storage': '64Mi' } },
            securityContext: {
              allowPrivilegeEscalation: false,
              privileged: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              capabilities: { drop: ['ALL'] },
              seccompProfile: { type: 'RuntimeDefault' },
            },
            volumeMounts: [
              { name: 'tls', mountPath: '/tls', readOnly: true },
              { name: 'config', mountPath: '/config', readOnly: true },
            ],
          }],
          volumes: [
            { name: 'tls', secret: { secretName, defaultMode: 0o440 } },
            { name: 'config', configMap: { name: `${options.name}-config`, defaultMode: 0o440 } },
          ],
        },
      },
    },
  };
}

/**
 * The namespace runs nothing but the webhook: ingress only to its port (the API server's address is
 * not known in advance), no egress at all (it calls nothing), and quota and defaults for resources.
 */
function namespaceGuards(options: ManifestOptions, labels: Record<string, string>): JsonObject[] {
  const { namespace, name } = options;
  return [
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace, labels }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${name}-ingress`, namespace, labels },
      spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: CONTAINER_PORT, protocol: 'TCP' }] }] },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'defaults', namespace, labels },
      spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '50m', memory: '64Mi' } }] },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'quota', namespace, labels },
      spec: { hard: { pods: '10', 'requests.cpu': '2', 'requests.memory': '2Gi', 'limits.cpu': '4', 'limits.memory': '4Gi' } },
    },
  ];
}

function certManagerObjects(options: ManifestOptions, labels: Record<string, string>, secretName: string): JsonObject[] {
  const service = `${options.name}.${options.namespace}`;
  return [
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: `${options.name}-selfsigned`, namespace: options.namespace, labels }, spec: { selfSigned: {} } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: options.name, namespace: options.namespace, labels },
      spec: {
        secretName,
        dnsNames: [options.name, service, `${service}.svc`, `${service}.svc.cluster.local`],
        issuerRef: { kind: 'Issuer', name: `${options.name}-selfsigned` },
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        duration: '2160h',
        renewBefore: '360h',
      },
    },
  ];
}

/** The kinds the webhook is asked about: those the admissible (per-resource) checks read, as far as the API paths are known. */
export function admissionKinds(): string[] {
  const kinds = new Set<string>();
  for (const check of builtinChecks) {
    if (check.scope === 'pod') POD_KINDS.forEach((kind) => kinds.add(kind));
    else if (check.scope === 'resource') check.kinds.forEach((kind) => kinds.add(kind));
  }
  return [...kinds].sort();
}

function webhookConfiguration(options: ManifestOptions, labels: Record<string, string>): JsonObject {
  const metadata: JsonObject = { name: options.name, labels };
  if (!options.caBundlePem) metadata.annotations = { 'cert-manager.io/inject-ca-from': `${options.namespace}/${options.name}` };
  const clientConfig: JsonObject = { service: { namespace: options.namespace, name: options.name, path: VALIDATE_PATH, port: 443 } };
  if (options.caBundlePem) clientConfig.caBundle = Buffer.from(options.caBundlePem).toString('base64');
  const rules = rulesFor(admissionKinds(), { '': ['pods/ephemeralcontainers'] }).map((rule) => ({
    ...rule,
    apiVersions: ['*'],
    operations: ['CREATE', 'UPDATE'],
    scope: '*',
  }));
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata,
    webhooks: [{
      name: 'validate.annexa.dev',
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: options.failurePolicy,
      matchPolicy: 'Equivalent',
      timeoutSeconds: options.timeoutSeconds,
      clientConfig,
      rules,
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: exemptNames(options) }] },
    }],
  };
}
