/**
 * Typed fields of every kind, from the generated table (scripts/gen-api-field-types.ts): YAML 1.1
 * scalars resolved as kubectl sends them, wrong types rejected as the API server rejects them,
 * int-or-string fields taking both. One case per kind family.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_PATH, renderApiFieldTypes } from '../scripts/gen-api-field-types.js';
import { apiFieldRoot } from '../src/sources/api-field-types.js';
import { API_FIELD_NODES, API_KIND_ROOTS } from '../src/sources/api-field-types.generated.js';
import { parseManifestText } from '../src/sources/yaml-documents.js';
import type { JsonValue } from '../src/resources/types.js';
import { runCli, tempTree } from './support/scan-output.js';

interface Case {
  family: string;
  text: string;
  /** Field path (dotted, as errors name it) → the value the checks see in the first object that has it. */
  resolved: Record<string, JsonValue>;
  /** Fields that are input errors, with the line each error points at. */
  errors: Record<string, number>;
}

const podSpec = (indent: string, extra = '') => [
  'containers:',
  '  - name: app',
  '    image: x',
  '    ports: [{ containerPort: 0x50 }]',
  ...extra.split('\n').filter(Boolean),
].map((line) => `${indent}${line}`).join('\n');

const CASES: Case[] = [
  {
    family: 'Deployment (apps workloads)',
    text: `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec:\n  replicas: 0x10\n  minReadySeconds: 0_5\n  revisionHistoryLimit: "3"\n  paused: on\n  selector: { matchLabels: { app: d } }\n  template:\n    spec:\n${podSpec('      ')}\n`,
    resolved: { 'spec.replicas': 16, 'spec.minReadySeconds': 5, 'spec.paused': true, 'spec.template.spec.containers[0].ports[0].containerPort': 80 },
    errors: { 'spec.revisionHistoryLimit': 7 },
  },
  {
    family: 'StatefulSet and DaemonSet',
    text: `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: s }\nspec:\n  replicas: 1_000\n  persistentVolumeClaimRetentionPolicy: {}\n  ordinals: { start: yes }\n  template:\n    spec:\n${podSpec('      ')}\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: { name: ds }\nspec:\n  updateStrategy: { rollingUpdate: { maxUnavailable: 10%, maxSurge: 0b1 } }\n  template:\n    spec:\n${podSpec('      ', 'hostNetwork: yes')}\n`,
    resolved: { 'spec.replicas': 1000, 'spec.updateStrategy.rollingUpdate.maxUnavailable': '10%', 'spec.updateStrategy.rollingUpdate.maxSurge': 1, 'spec.template.spec.hostNetwork': true },
    errors: { 'spec.ordinals.start': 7 },
  },
  {
    family: 'Pod: probes, security context, volumes',
    text: 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  terminationGracePeriodSeconds: 030\n  securityContext: { runAsUser: 0o0, fsGroup: "1000" }\n  volumes: [{ name: v, secret: { secretName: s, defaultMode: 0644 } }]\n  containers:\n    - name: app\n      image: x\n      livenessProbe: { httpGet: { port: http }, periodSeconds: 1_0, failureThreshold: off }\n      readinessProbe: { tcpSocket: { port: 0x1F90 } }\n      volumeMounts: [{ name: v, mountPath: /v, readOnly: Y }]\n',
    resolved: {
      'spec.terminationGracePeriodSeconds': 24, 'spec.securityContext.runAsUser': 0, 'spec.volumes[0].secret.defaultMode': 420,
      'spec.containers[0].livenessProbe.httpGet.port': 'http', 'spec.containers[0].livenessProbe.periodSeconds': 10,
      'spec.containers[0].readinessProbe.tcpSocket.port': 8080, 'spec.containers[0].volumeMounts[0].readOnly': true,
    },
    errors: { 'spec.securityContext.fsGroup': 6, 'spec.containers[0].livenessProbe.failureThreshold': 11 },
  },
  {
    family: 'Job and CronJob (batch)',
    text: `apiVersion: batch/v1\nkind: Job\nmetadata: { name: j }\nspec:\n  parallelism: "3"\n  backoffLimit: 0o7\n  suspend: on\n  template:\n    spec:\n${podSpec('      ')}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: { name: c }\nspec:\n  schedule: "0 * * * *"\n  startingDeadlineSeconds: 0_60\n  successfulJobsHistoryLimit: [1]\n  jobTemplate:\n    spec:\n      completions: 0x2\n      template:\n        spec:\n${podSpec('          ')}\n`,
    resolved: { 'spec.backoffLimit': 7, 'spec.suspend': true, 'spec.startingDeadlineSeconds': 48, 'spec.jobTemplate.spec.completions': 2 },
    errors: { 'spec.parallelism': 5, 'spec.successfulJobsHistoryLimit': 21 },
  },
  {
    family: 'Service',
    text: 'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec:\n  publishNotReadyAddresses: on\n  ports:\n    - port: [1]\n      targetPort: http\n    - port: 0x50\n      targetPort: 0_8080\n      nodePort: "30000"\n    - port: 3000000000\n',
    resolved: { 'spec.publishNotReadyAddresses': true, 'spec.ports[0].targetPort': 'http', 'spec.ports[1].port': 80, 'spec.ports[1].targetPort': 8080 },
    errors: { 'spec.ports[0].port': 7, 'spec.ports[1].nodePort': 11, 'spec.ports[2].port': 12 },
  },
  {
    family: 'Ingress and NetworkPolicy (networking)',
    text: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: i }\nspec:\n  defaultBackend: { service: { name: web, port: { number: 0b1010000 } } }\n  rules:\n    - http:\n        paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: "80" } } } }]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: n }\nspec:\n  podSelector: {}\n  ingress:\n    - ports: [{ port: https, endPort: 0_9 }, { port: 1_000 }, { port: no }]\n',
    resolved: { 'spec.defaultBackend.service.port.number': 80, 'spec.ingress[0].ports[0].port': 'https', 'spec.ingress[0].ports[0].endPort': 9, 'spec.ingress[0].ports[1].port': 1000 },
    errors: { 'spec.rules[0].http.paths[0].backend.service.port.number': 8, 'spec.ingress[0].ports[2].port': 16 },
  },
  {
    family: 'RBAC, ServiceAccount, Namespace (metadata)',
    text: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\n  ownerReferences: [{ apiVersion: v1, kind: Namespace, name: n, uid: u, controller: on, blockOwnerDeletion: "true" }]\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: sa, namespace: shop }\nautomountServiceAccountToken: no\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: shop, generation: 0x1, deletionGracePeriodSeconds: "30" }\n',
    resolved: { 'metadata.ownerReferences[0].controller': true, automountServiceAccountToken: false, 'metadata.generation': 1 },
    errors: { 'metadata.ownerReferences[0].blockOwnerDeletion': 5, 'metadata.deletionGracePeriodSeconds': 15 },
  },
  {
    family: 'ValidatingWebhookConfiguration (admissionregistration)',
    text: 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: { name: w }\nwebhooks:\n  - name: w.example.com\n    timeoutSeconds: 0x1e\n    clientConfig: { service: { name: s, namespace: n, port: "443" } }\n    sideEffects: None\n    admissionReviewVersions: [v1]\n',
    resolved: { 'webhooks[0].timeoutSeconds': 30 },
    errors: { 'webhooks[0].clientConfig.service.port': 7 },
  },
  {
    family: 'PodDisruptionBudget and HorizontalPodAutoscaler',
    text: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: p }\nspec: { minAvailable: 50%, maxUnavailable: 0b1 }\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: h }\nspec:\n  minReplicas: "1"\n  maxReplicas: 1_0\n  behavior: { scaleUp: { stabilizationWindowSeconds: 0x3c } }\n  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: on } } }]\n',
    resolved: { 'spec.minAvailable': '50%', 'spec.maxUnavailable': 1, 'spec.maxReplicas': 10, 'spec.behavior.scaleUp.stabilizationWindowSeconds': 60 },
    errors: { 'spec.minReplicas': 10, 'spec.metrics[0].resource.target.averageUtilization': 13 },
  },
  {
    family: 'ConfigMap and Secret',
    text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\nimmutable: on\ndata: { replicas: "3" }\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\nimmutable: "false"\n',
    resolved: { immutable: true, 'data.replicas': '3' },
    errors: { immutable: 10 },
  },
];

function valueAt(object: unknown, path: string): unknown {
  let value = object;
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[match[1] ?? Number(match[2])];
  }
  return value;
}

describe('typed fields of every kind, as kubectl sends them and the API server judges them', () => {
  for (const c of CASES) {
    it(c.family, () => {
      const parsed = parseManifestText(c.text, { file: 'case.yaml', source: 'file' });
      parsed.release();
      for (const [path, expected] of Object.entries(c.resolved)) {
        const seen = parsed.resources.map((r) => valueAt(r.object, path)).find((v) => v !== undefined);
        assert.deepEqual(seen, expected, `${path} resolves to ${JSON.stringify(expected)}`);
      }
      const errors = Object.fromEntries(parsed.errors.map((e) => [e.field, e.line]));
      assert.deepEqual(errors, c.errors, JSON.stringify(parsed.errors, null, 1));
      for (const error of parsed.errors) assert.match(error.message, /the API server rejects this object$/);
    });
  }

  it('names file, line and field path on stderr and exits 2 (replicas: "3" quoted; port: [1])', () => {
    const dir = tempTree({ 'x.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d, namespace: shop }\nspec:\n  replicas: "3"\n  template:\n    spec:\n      containers: [{ name: a, image: x }]\n---\napiVersion: v1\nkind: Service\nmetadata: { name: s, namespace: shop }\nspec:\n  ports:\n    - port: [1]\n' });
    const run = runCli(['scan', join(dir, 'x.yaml'), '-o', 'json', '-q', '--fail-on', 'never']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^annexa: \S+x\.yaml:5:3: Deployment shop\/d: spec\.replicas: must be an integer, not a string \(quoted or tagged: kubectl sends it as text\); the API server rejects this object$/m);
    assert.match(run.stderr, /^annexa: \S+x\.yaml:15:7: Service shop\/s: spec\.ports\[0\]\.port: must be an integer, not a list; the API server rejects this object$/m);
  });

  it('another version of a known group, and an old workload apiVersion, use the table; custom resources do not', () => {
    const deployment = apiFieldRoot('apps/v1', 'Deployment');
    assert.notEqual(deployment, undefined);
    assert.equal(apiFieldRoot('apps/v1beta2', 'Deployment'), deployment);
    assert.equal(apiFieldRoot('extensions/v1beta1', 'DaemonSet'), apiFieldRoot('apps/v1', 'DaemonSet'));
    assert.equal(apiFieldRoot('serving.knative.dev/v1', 'Service'), undefined);
    assert.equal(apiFieldRoot('v1', 'constructor'), undefined);
    const parsed = parseManifestText('apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: { replicas: "3", enabled: on }\n', { file: 'cr.yaml', source: 'file' });
    parsed.release();
    assert.deepEqual(parsed.errors, []);
  });
});

describe('the generated table', () => {
  it('is what the generator writes from the OpenAPI documents (run `npx tsx scripts/gen-api-field-types.ts`)', () => {
    assert.equal(readFileSync(GENERATED_PATH, 'utf8'), renderApiFieldTypes(), 'src/sources/api-field-types.generated.ts is stale');
  });

  it('covers every kind Annexa reads, with the typed fields the brief names', () => {
    for (const kind of ['v1 Pod', 'v1 PodTemplate', 'v1 ReplicationController', 'apps/v1 Deployment', 'apps/v1 StatefulSet', 'apps/v1 DaemonSet', 'apps/v1 ReplicaSet',
      'batch/v1 Job', 'batch/v1 CronJob', 'v1 Service', 'v1 ServiceAccount', 'v1 Namespace', 'networking.k8s.io/v1 Ingress', 'networking.k8s.io/v1 NetworkPolicy',
      'rbac.authorization.k8s.io/v1 Role', 'rbac.authorization.k8s.io/v1 ClusterRoleBinding', 'admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration',
      'policy/v1 PodDisruptionBudget', 'autoscaling/v2 HorizontalPodAutoscaler']) {
      assert.ok(Object.hasOwn(API_KIND_ROOTS, kind), kind);
    }
    const fieldAt = (kind: string, path: string[]) => path.reduce<unknown>((spec, segment) => {
      const node = typeof spec === 'number' ? API_FIELD_NODES[spec] : Array.isArray(spec) ? (typeof spec[1] === 'number' ? API_FIELD_NODES[spec[1]] : undefined) : undefined;
      return node?.[segment];
    }, API_KIND_ROOTS[kind]);
    assert.equal(fieldAt('batch/v1 Job', ['spec', 'parallelism']), 'int32');
    assert.equal(fieldAt('batch/v1 Job', ['spec', 'activeDeadlineSeconds']), 'int64');
    assert.equal(fieldAt('batch/v1 CronJob', ['spec', 'suspend']), 'boolean');
    assert.equal(fieldAt('v1 Service', ['spec', 'ports', 'targetPort']), 'int-or-string');
    assert.equal(fieldAt('apps/v1 Deployment', ['spec', 'template', 'spec', 'containers', 'securityContext', 'privileged']), 'boolean');
  });
});
