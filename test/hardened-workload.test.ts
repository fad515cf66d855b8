/**
 * A Deployment hardened the way the checks ask (restricted security context, digest-pinned image,
 * requests and limits, probes, dedicated service account without token automount) raises nothing
 * at high or above across every built-in check, and nothing at all from the workload, secrets and
 * image checks. Loosening one field at a time brings the matching finding back, so the test
 * cannot pass by checking nothing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinChecks } from '../src/checks/index.js';
import { severityRank, type Finding } from '../src/resources/types.js';
import { runChecks } from './support/run-checks.js';
import { runScan } from '../src/engine/scan.js';
import { assessScan } from '../src/posture/outcome.js';
import type { ControlStatus } from '../src/posture/posture.js';
import { makeConfig } from '../src/isms/config.js';

const DIGEST = 'sha256:4b7f0f3e1c2d5a6b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b';

const NAMESPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/audit: restricted`;

const SERVICE_ACCOUNT = `apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: shop }
automountServiceAccountToken: false`;

const NETWORK_POLICIES = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-ingress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress:
    - ports: [{ port: 8080, protocol: TCP }]`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: { app: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false
      hostUsers: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile: { type: RuntimeDefault }
        appArmorProfile: { type: RuntimeDefault }
      containers:
        - name: web
          image: registry.example.com/shop/web:1.4.2@${DIGEST}
          imagePullPolicy: IfNotPresent
          ports: [{ containerPort: 8080, protocol: TCP }]
          env:
            - { name: LOG_LEVEL, value: info }
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            runAsUser: 10001
            runAsGroup: 10001
            privileged: false
            capabilities: { drop: [ALL] }
            seccompProfile: { type: RuntimeDefault }
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 500m, memory: 256Mi }
          livenessProbe: { httpGet: { path: /healthz, port: 8080 } }
          readinessProbe: { httpGet: { path: /ready, port: 8080 } }
          volumeMounts: [{ name: tmp, mountPath: /tmp }]
      volumes:
        - { name: tmp, emptyDir: { medium: Memory, sizeLimit: 64Mi } }`;

function estate(deployment: string): string {
  return [NAMESPACE, SERVICE_ACCOUNT, NETWORK_POLICIES, deployment].join('\n---\n');
}

const OWN_DOMAINS = /^(workload|images|secrets)\./;

function describeFindings(findings: Finding[]): string[] {
  return findings.map((f) => `${f.severity} ${f.checkId} ${f.resource.kind}/${f.resource.name} ${f.path}: ${f.message}`);
}

describe('hardened Deployment', () => {
  const findings = runChecks(builtinChecks, estate(DEPLOYMENT));

  it('raises no finding at high or above across all built-in checks', () => {
    const serious = findings.filter((f) => severityRank(f.severity) >= severityRank('high'));
    assert.deepEqual(describeFindings(serious), []);
  });

  it('raises no finding at all from the workload, secrets and image checks', () => {
    assert.deepEqual(describeFindings(findings.filter((f) => OWN_DOMAINS.test(f.checkId))), []);
  });

  const loosened: Array<[string, string, string]> = [
    ['privileged: false', 'privileged: true', 'workload.privileged-container'],
    ['allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true', 'workload.allow-privilege-escalation'],
    ['capabilities: { drop: [ALL] }', 'capabilities: { drop: [ALL], add: [SYS_ADMIN] }', 'workload.dangerous-capabilities'],
    ['hostUsers: false', 'hostUsers: false\n      hostPID: true', 'workload.host-pid'],
    [`1.4.2@${DIGEST}`, 'latest', 'images.latest-tag'],
    ['automountServiceAccountToken: false\n      hostUsers', 'automountServiceAccountToken: true\n      hostUsers', 'workload.automount-token-enabled'],
    ['{ name: LOG_LEVEL, value: info }', '{ name: API_TOKEN, value: not-a-real-token-123 }', 'secrets.credential-in-env'],
    ['limits: { cpu: 500m, memory: 256Mi }', 'limits: { cpu: 500m }', 'workload.memory-limits'],
  ];
  for (const [from, to, checkId] of loosened) {
    it(`flags ${checkId} once "${to.split('\n').pop()!.trim()}" is set`, () => {
      assert.ok(DEPLOYMENT.includes(from), `fixture does not contain ${from}`);
      const ids = runChecks(builtinChecks, estate(DEPLOYMENT.replace(from, to))).map((f) => f.checkId);
      assert.ok(ids.includes(checkId), `${checkId} not raised; got ${[...new Set(ids)].join(', ')}`);
    });
  }
});

describe('hardened Deployment: control posture does not overclaim', () => {
  async function posture(manifest: string): Promise<Map<string, ControlStatus>> {
    const config = makeConfig({ checks: { allowedRegistries: ['registry.example.com/'] } });
    const result = await runScan([{ source: 'stdin', file: 'estate.yaml', text: manifest }], { config, checks: builtinChecks, workers: 0 }, { resource() {} });
    return new Map(assessScan(result, config, builtinChecks).controls.map((c) => [c.id, c]));
  }

  for (const [name, manifest] of [['alone', DEPLOYMENT], ['with its namespace, service account and deny-all NetworkPolicies', estate(DEPLOYMENT)]] as const) {
    it(`gives no pass to A.5.15, A.8.14, A.8.15, A.8.16 or A.8.5 (${name})`, async () => {
      const controls = await posture(manifest);
      for (const id of ['A.5.15', 'A.8.14', 'A.8.15', 'A.8.16', 'A.8.5']) assert.notEqual(controls.get(id)?.status, 'pass', id);
      assert.deepEqual([...controls.values()].filter((c) => c.status === 'pass').map((c) => c.id), [], 'no control is fully evidenced by one workload');
      const accessControl = controls.get('A.5.15')!;
      assert.ok(accessControl.coverage.notEvaluated.some((n) => n.check === 'rbac.cluster-admin-binding' && n.reason === 'no-input-of-kinds'), 'no RBAC object was scanned');
      assert.equal(controls.get('A.8.5')?.status, 'not-assessed');
      assert.equal(controls.get('A.8.15')?.status, 'manual', 'no check evidences logging');
    });
  }

  it('an info finding is an observation, never a failure', async () => {
    const controls = await posture(DEPLOYMENT.replace('hostUsers: false', 'hostUsers: true'));
    const config = controls.get('A.8.9')!;
    assert.notEqual(config.status, 'fail');
    assert.ok(config.observations.some((o) => o.check === 'workload.host-users' && o.severity === 'info'), JSON.stringify(config.observations));
  });
});
