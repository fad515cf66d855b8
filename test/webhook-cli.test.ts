/** `annexa webhook certs|manifests|serve` as a user runs them (spawned CLI, real TLS, real evidence store). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { EvidenceStore } from '../src/evidence/store.js';
import { binPath } from './support/paths.js';
import { httpsRequest, localhostCert, makeTestTls } from './support/tls.js';
import { admissionReview, HARDENED_POD, privilegedPod } from './support/admission.js';

function annexa(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [binPath, ...args], { cwd, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('webhook certs writes a CA and a serving certificate for the Service names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annexa-certs-'));
  const run = annexa(['webhook', 'certs', '--service', 'annexa-webhook', '-n', 'annexa-system', '--out-dir', 'out'], dir);
  assert.equal(run.status, 0, run.stderr);
  const ca = new X509Certificate(readFileSync(join(dir, 'out', 'ca.crt')));
  const serving = new X509Certificate(readFileSync(join(dir, 'out', 'tls.crt')));
  assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
  assert.equal(serving.checkHost('annexa-webhook.annexa-system.svc'), 'annexa-webhook.annexa-system.svc');
  assert.match(run.stderr, /kubectl -n annexa-system create secret tls annexa-webhook-tls/);
  assert.equal(annexa(['webhook', 'certs', '-n', 'x', '--days', '0'], dir).status, 2);
});

test('webhook manifests: restricted Deployment, PDB, Service and a ValidatingWebhookConfiguration that passes Annexa\'s own checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annexa-manifests-'));
  assert.equal(annexa(['webhook', 'certs', '-n', 'annexa-system', '--out-dir', '.'], dir).status, 0);
  writeFileSync(join(dir, 'annexa.yaml'), 'admission:\n  exemptNamespaces: [kube-system, "tenant-*"]\n');
  const digest = `ghcr.io/annexa-dev/annexa@sha256:${'a'.repeat(64)}`;
  const run = annexa(['webhook', 'manifests', '-n', 'annexa-system', '--ca-bundle', 'ca.crt', '--image', digest, '--config', 'annexa.yaml', '--failure-policy', 'Ignore', '--timeout-seconds', '3'], dir);
  assert.equal(run.status, 0, run.stderr);
  const objects = parseAllDocuments(run.stdout).map((doc) => doc.toJS() as Record<string, any>);
  const byKind = new Map(objects.map((o) => [o.kind, o]));
  for (const kind of ['Namespace', 'ServiceAccount', 'ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Service', 'NetworkPolicy', 'ValidatingWebhookConfiguration']) assert.ok(byKind.has(kind), kind);
  const deployment = byKind.get('Deployment')!;
  assert.equal(deployment.spec.replicas, 2);
  const container = deployment.spec.template.spec.containers[0];
  assert.equal(container.image, digest);
  assert.deepEqual(container.securityContext.capabilities, { drop: ['ALL'] });
  assert.equal(container.readinessProbe.httpGet.path, '/readyz');
  assert.equal(container.livenessProbe.httpGet.scheme, 'HTTPS');
  assert.ok(container.resources.limits.memory);
  const vwc = byKind.get('ValidatingWebhookConfiguration')!;
  const webhook = vwc.webhooks[0];
  assert.equal(webhook.sideEffects, 'None');
  assert.equal(webhook.failurePolicy, 'Ignore');
  assert.equal(webhook.timeoutSeconds, 3);
  assert.deepEqual(webhook.admissionReviewVersions, ['v1']);
  assert.equal(webhook.clientConfig.caBundle, readFileSync(join(dir, 'ca.crt')).toString('base64'));
  assert.equal(webhook.clientConfig.service.path, '/validate');
  assert.deepEqual(webhook.namespaceSelector.matchExpressions[0], { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['annexa-system', 'kube-system'] });
  const resources = webhook.rules.flatMap((rule: any) => rule.resources);
  for (const resource of ['pods', 'pods/ephemeralcontainers', 'deployments', 'cronjobs', 'services', 'ingresses']) assert.ok(resources.includes(resource), resource);
  assert.ok(webhook.rules.every((rule: any) => rule.operations.join() === 'CREATE,UPDATE'));

  writeFileSync(join(dir, 'webhook.yaml'), run.stdout);
  const scan = annexa(['scan', 'webhook.yaml', '-o', 'json', '--fail-on', 'medium', '--config', 'annexa.yaml'], dir);
  const report = JSON.parse(scan.stdout);
  assert.equal(scan.status, 0, JSON.stringify(report.findings.map((f: any) => [f.checkId, f.severity]), null, 1));
  const ownFindings = report.findings.filter((f: any) => f.checkId.startsWith('pss.') || f.checkId.startsWith('images.') || (f.checkId.startsWith('workload.') && f.severity !== 'info'));
  assert.deepEqual(ownFindings, []);
});

test('webhook manifests without --ca-bundle lets cert-manager issue the certificate and inject the CA', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annexa-manifests-'));
  const run = annexa(['webhook', 'manifests', '-n', 'annexa-system', '-o', 'json'], dir);
  assert.equal(run.status, 0, run.stderr);
  const list = JSON.parse(run.stdout);
  const certificate = list.items.find((o: any) => o.kind === 'Certificate');
  assert.deepEqual(certificate.spec.dnsNames, ['annexa-webhook', 'annexa-webhook.annexa-system', 'annexa-webhook.annexa-system.svc', 'annexa-webhook.annexa-system.svc.cluster.local']);
  const vwc = list.items.find((o: any) => o.kind === 'ValidatingWebhookConfiguration');
  assert.equal(vwc.metadata.annotations['cert-manager.io/inject-ca-from'], 'annexa-system/annexa-webhook');
  assert.equal(vwc.webhooks[0].clientConfig.caBundle, undefined);
});

test('webhook serve: TLS reviews, certificate rotation without restart, decisions recorded, graceful SIGTERM', { timeout: 120_000 }, async () => {
  const tls = await makeTestTls();
  const dir = mkdtempSync(join(tmpdir(), 'annexa-serve-'));
  const store = join(dir, 'evidence.db');
  const child = spawn(process.execPath, [binPath, 'webhook', 'serve', '--port', '0', '--host', '127.0.0.1', '--tls-cert', tls.certFile, '--tls-key', tls.keyFile, '--store', store], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /"msg":"listening".*?"url":"(https:\/\/[^"]+)"/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`webhook exited with ${code}: ${stderr}`)));
  });
  try {
    const post = async (body: unknown) => JSON.parse((await httpsRequest(`${url}/validate`, { method: 'POST', body: JSON.stringify(body), ca: tls.ca.certPem })).body);
    assert.equal((await post(admissionReview(HARDENED_POD))).response.allowed, true);
    const denied = await post(admissionReview(privilegedPod(), { uid: 'denied-1' }));
    assert.equal(denied.response.allowed, false);
    assert.equal((await post(admissionReview(privilegedPod(), { dryRun: true }))).response.allowed, false);

    const rotated = await localhostCert(tls.ca, 'rotated.localhost');
    writeFileSync(tls.keyFile, rotated.keyPem);
    writeFileSync(tls.certFile, rotated.certPem);
    let served = '';
    for (let attempt = 0; attempt < 100 && served !== 'rotated.localhost'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      served = String((await httpsRequest(`${url}/healthz`, { ca: tls.ca.certPem })).peerCertificate.subject.CN);
    }
    assert.equal(served, 'rotated.localhost');
    assert.equal((await post(admissionReview(HARDENED_POD))).response.allowed, true);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, stderr);
  assert.match(stderr, /"msg":"TLS certificate reloaded"/);
  assert.match(stderr, /"msg":"stopped"/);
  const opened = await EvidenceStore.open(store, { tool: { name: 'annexa', version: 'test' } });
  try {
    const records = [];
    for await (const envelope of opened.envelopes({ type: 'admission' })) records.push(envelope);
    assert.equal(records.length, 3, 'two allowed and one denied review; the dry run is not recorded');
    const deniedRecord = records.find((r) => (r.payload as any).uid === 'denied-1');
    assert.equal((deniedRecord!.payload as any).decision, 'denied');
    assert.equal((await opened.verify()).ok, true);
  } finally {
    await opened.close();
  }
});

test('webhook serve refuses to start without TLS files or with a bad port (exit 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annexa-serve-'));
  const noTls = annexa(['webhook', 'serve', '--port', '0'], dir);
  assert.equal(noTls.status, 2);
  assert.match(noTls.stderr, /--tls-cert and --tls-key/);
  const badPort = annexa(['webhook', 'serve', '--port', 'x', '--tls-cert', 'a', '--tls-key', 'b'], dir);
  assert.equal(badPort.status, 2);
  const missing = annexa(['webhook', 'serve', '--port', '0', '--tls-cert', 'nope.crt', '--tls-key', 'nope.key'], dir);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.crt: cannot read the certificate/);
});
