import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCheckIds, builtinChecks } from '../src/checks/index.js';
import { defineCheck, type Check } from '../src/engine/check.js';
import { makeConfig, parseConfigText, type AnnexaConfig } from '../src/isms/config.js';
import { admissionSettings } from '../src/admission/settings.js';
import { createWebhookHandler } from '../src/admission/webhook.js';
import { createAdmissionRecorder } from '../src/admission/record.js';
import type { RecordDraft } from '../src/evidence/types.js';
import { createLogger, createMetrics, startServer, type RunningServer } from '../src/server/index.js';
import { httpsRequest, makeTestTls, type TestTls } from './support/tls.js';
import { admissionReview, HARDENED_POD, podWith, privilegedPod } from './support/admission.js';

interface Harness {
  server: RunningServer;
  tls: TestTls;
  drafts: RecordDraft[];
  logs: string[];
  flush(): Promise<void>;
  post(body: unknown): Promise<{ status: number; body: Record<string, any> }>;
  close(): Promise<void>;
}

async function harness(configInput: Partial<AnnexaConfig> | Record<string, unknown> = {}, checks: readonly Check[] = builtinChecks): Promise<Harness> {
  const tls = await makeTestTls();
  const config = makeConfig(configInput);
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  const drafts: RecordDraft[] = [];
  const recorder = createAdmissionRecorder({ store: { append: async (batch) => { drafts.push(...batch); return []; } }, config, logger, flushMs: 10_000 });
  const metrics = createMetrics();
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    tls,
    logger,
    metrics,
    handler: createWebhookHandler({ checks, config, settings: admissionSettings(config), logger, metrics, recorder }),
  });
  const post = async (body: unknown) => {
    const response = await httpsRequest(`${server.url}/validate`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), ca: tls.ca.certPem, headers: { 'Content-Type': 'application/json' } });
    return { status: response.status, body: JSON.parse(response.body) as Record<string, any> };
  };
  return { server, tls, drafts, logs, flush: () => recorder.flush(), post, close: async () => void (await server.close()) };
}

test('a hardened Pod is allowed with no warnings; the uid is echoed in an admission.k8s.io/v1 AdmissionReview', async () => {
  const h = await harness();
  try {
    const review = admissionReview(HARDENED_POD, { uid: 'c0ffee00-1111-2222-3333-444455556666' });
    const { status, body } = await h.post(review);
    assert.equal(status, 200);
    assert.equal(body.apiVersion, 'admission.k8s.io/v1');
    assert.equal(body.kind, 'AdmissionReview');
    assert.equal(body.response.uid, 'c0ffee00-1111-2222-3333-444455556666');
    assert.equal(body.response.allowed, true);
    assert.equal(body.response.warnings, undefined);
    assert.equal(body.response.status, undefined);
  } finally {
    await h.close();
  }
});

test('enforce: a privileged Pod is denied with 403 naming every violated check and its fix; lower findings become warnings', async () => {
  const h = await harness();
  try {
    const pod = privilegedPod();
    (pod as any).spec.containers[0].image = 'registry.example.com/shop/web:1.2';
    const { body } = await h.post(admissionReview(pod));
    assert.equal(body.response.allowed, false);
    assert.equal(body.response.status.code, 403);
    assert.equal(body.response.status.reason, 'Forbidden');
    const message: string = body.response.status.message;
    assert.match(message, /^annexa denied Pod\/shop\/web-7d4b9c-x2v8q: 1 violation at or above high\. /);
    assert.match(message, /\[workload\.privileged-container\] \(critical\) spec\.containers\[0\]\.securityContext\.privileged: container "app" runs privileged\. Fix: Remove securityContext\.privileged/);
    assert.ok(body.response.warnings.some((w: string) => /allowPrivilegeEscalation/.test(w)), body.response.warnings.join('\n'));
    assert.ok(body.response.warnings.some((w: string) => w.startsWith('[images.digest-pinning] (low)')), body.response.warnings.join('\n'));
    assert.ok(body.response.warnings.every((w: string) => !/\((critical|high)\)/.test(w)));
  } finally {
    await h.close();
  }
});

test('enforce: findings below failOn only warn; failOn: low denies them', async () => {
  const tagged = podWith({ image: 'registry.example.com/shop/web:1.2' });
  const lenient = await harness();
  try {
    const { body } = await lenient.post(admissionReview(tagged));
    assert.equal(body.response.allowed, true);
    assert.ok(body.response.warnings.some((w: string) => w.includes('images.digest-pinning')));
  } finally {
    await lenient.close();
  }
  const strict = await harness({ admission: { failOn: 'low' } });
  try {
    const { body } = await strict.post(admissionReview(tagged));
    assert.equal(body.response.allowed, false);
    assert.match(body.response.status.message, /images\.digest-pinning/);
  } finally {
    await strict.close();
  }
});

test('a Deployment is judged by its pod template; a Service by the Service checks', async () => {
  const h = await harness();
  try {
    const template = privilegedPod() as any;
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: template.spec } } };
    const { body } = await h.post(admissionReview(deployment));
    assert.equal(body.response.allowed, false);
    assert.match(body.response.status.message, /Deployment\/shop\/web/);
    assert.match(body.response.status.message, /spec\.template\.spec\.containers\[0\]\.securityContext\.privileged/);
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }], externalIPs: ['203.0.113.10'] } };
    const serviceAnswer = await h.post(admissionReview(service));
    assert.equal(serviceAnswer.body.response.allowed, true);
    assert.ok(serviceAnswer.body.response.warnings.some((w: string) => w.startsWith('[network.service-external-ips] (medium) spec.externalIPs')), serviceAnswer.body.response.warnings.join('\n'));
  } finally {
    await h.close();
  }
});

test('warn mode allows with warnings; audit mode allows silently with audit annotations and records', async () => {
  const warn = await harness({ admission: { mode: 'warn' } });
  try {
    const { body } = await warn.post(admissionReview(privilegedPod()));
    assert.equal(body.response.allowed, true);
    assert.ok(body.response.warnings.some((w: string) => w.startsWith('[workload.privileged-container] (critical)')));
  } finally {
    await warn.close();
  }
  const audit = await harness({ admission: { mode: 'audit' } });
  try {
    const { body } = await audit.post(admissionReview(privilegedPod(), { uid: 'audit-1' }));
    assert.equal(body.response.allowed, true);
    assert.equal(body.response.warnings, undefined);
    assert.ok(Number(body.response.auditAnnotations['annexa.dev/findings']) > 0);
    assert.match(body.response.auditAnnotations['annexa.dev/checks'], /workload\.privileged-container/);
    await audit.flush();
    assert.equal(audit.drafts.length, 1);
    const payload = audit.drafts[0]!.payload as any;
    assert.equal(audit.drafts[0]!.type, 'admission');
    assert.equal(payload.uid, 'audit-1');
    assert.equal(payload.decision, 'allowed');
    assert.equal(payload.mode, 'audit');
    assert.ok(payload.findings.some((f: any) => f.checkId === 'workload.privileged-container' && f.blocking === true));
  } finally {
    await audit.close();
  }
});

test('exempt namespaces and users, DELETE, CONNECT and status updates are allowed without evaluation and not recorded', async () => {
  const h = await harness({ admission: { exemptNamespaces: ['kube-*'], exemptUsers: ['system:serviceaccount:kube-system:replicaset-controller'] } });
  try {
    const pod = privilegedPod();
    const answers = await Promise.all([
      h.post(admissionReview(pod, { namespace: 'kube-system' })),
      h.post(admissionReview(pod, { username: 'system:serviceaccount:kube-system:replicaset-controller' })),
      h.post(admissionReview(undefined, { operation: 'DELETE', kind: 'Pod', oldObject: pod })),
      h.post(admissionReview(undefined, { operation: 'CONNECT', kind: 'Pod' })),
      h.post(admissionReview(pod, { operation: 'UPDATE', subResource: 'status', oldObject: pod })),
    ]);
    for (const { status, body } of answers) {
      assert.equal(status, 200);
      assert.equal(body.response.allowed, true);
      assert.equal(body.response.warnings, undefined);
    }
    const ephemeral = await h.post(admissionReview(pod, { operation: 'UPDATE', subResource: 'ephemeralcontainers', oldObject: pod }));
    assert.equal(ephemeral.body.response.allowed, false);
    await h.flush();
    assert.equal(h.drafts.length, 1, 'only the evaluated ephemeral-container update is recorded');
  } finally {
    await h.close();
  }
});

test('dry-run requests are evaluated but not recorded; other decisions are recorded without the object', async () => {
  const h = await harness();
  try {
    const dry = await h.post(admissionReview(privilegedPod(), { dryRun: true }));
    assert.equal(dry.body.response.allowed, false);
    await h.flush();
    assert.equal(h.drafts.length, 0);
    await h.post(admissionReview(privilegedPod(), { uid: 'real-1' }));
    await h.flush();
    assert.equal(h.drafts.length, 1);
    const payload = h.drafts[0]!.payload as any;
    assert.equal(payload.uid, 'real-1');
    assert.equal(payload.decision, 'denied');
    assert.equal(payload.user, 'jane@example.com');
    assert.deepEqual(payload.resource, { group: '', version: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-7d4b9c-x2v8q' });
    assert.doesNotMatch(JSON.stringify(payload), /registry\.example\.com/, 'the object itself is not stored');
  } finally {
    await h.close();
  }
});

test('exceptions from annexa.yaml apply at admission', async () => {
  const exception = { check: 'workload.privileged-container', resource: { kind: 'Pod', namespace: 'shop', name: 'web-7d4b9c-x2v8q' }, justification: 'vendor CNI agent needs it', approvedBy: 'ciso@example.com', expires: '2999-01-01' };
  const only = { admission: { checks: { include: ['workload.privileged-container'] } } };
  const h = await harness({ ...only, exceptions: [exception] });
  try {
    const { body } = await h.post(admissionReview(privilegedPod()));
    assert.equal(body.response.allowed, true);
  } finally {
    await h.close();
  }
  const without = await harness(only);
  try {
    const { body } = await without.post(admissionReview(privilegedPod()));
    assert.equal(body.response.allowed, false);
  } finally {
    await without.close();
  }
});

test('malformed JSON and non-AdmissionReview bodies get 400 with a reason; over 3 MiB gets 413; other routes 404/405', async () => {
  const h = await harness();
  try {
    const bad = await h.post('{"apiVersion": ');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /not valid JSON/);
    const wrongKind = await h.post({ apiVersion: 'v1', kind: 'Pod' });
    assert.equal(wrongKind.status, 400);
    assert.match(wrongKind.body.error, /not an admission\.k8s\.io\/v1 AdmissionReview request: kind is "Pod"/);
    const noUid = await h.post({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { operation: 'CREATE' } });
    assert.equal(noUid.status, 400);
    assert.match(noUid.body.error, /request\.uid/);
    const noObject = await h.post({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'x', operation: 'CREATE', kind: { group: '', version: 'v1', kind: 'Pod' } } });
    assert.equal(noObject.status, 400);
    assert.match(noObject.body.error, /request\.object is required for CREATE/);
    const huge = podWith({}, {});
    (huge as any).metadata.annotations = { padding: 'x'.repeat(3 * 1024 * 1024) };
    const tooBig = await h.post(admissionReview(huge));
    assert.equal(tooBig.status, 413);
    const get = await httpsRequest(`${h.server.url}/validate`, { ca: h.tls.ca.certPem });
    assert.equal(get.status, 405);
    const other = await httpsRequest(`${h.server.url}/mutate`, { method: 'POST', body: '{}', ca: h.tls.ca.certPem });
    assert.equal(other.status, 404);
  } finally {
    await h.close();
  }
});

const throwingCheck = defineCheck({
  id: 'workload.test-throws',
  title: 'throws',
  severity: 'low',
  domain: 'workload',
  rationale: 'test',
  remediation: 'test',
  controls: { iso27001: ['A.8.9'] },
  scope: 'pod',
  check() {
    throw new TypeError('boom with a value: hunter2');
  },
  examples: { valid: [], invalid: [] },
});

test('a check that throws is reported as errored: denied under failurePolicy Fail, warned under Ignore', async () => {
  const fail = await harness({}, [throwingCheck]);
  try {
    const { body } = await fail.post(admissionReview(HARDENED_POD));
    assert.equal(body.response.allowed, false);
    assert.match(body.response.status.message, /^annexa denied Pod\/shop\/web-7d4b9c-x2v8q: 0 violations at or above high, 1 check errored\. \[workload\.test-throws\] could not be evaluated \(the check failed on this object\); denied because admission\.failurePolicy is Fail$/);
    assert.doesNotMatch(JSON.stringify(body), /hunter2/);
  } finally {
    await fail.close();
  }
  const ignore = await harness({ admission: { failurePolicy: 'Ignore' } }, [throwingCheck]);
  try {
    const { body } = await ignore.post(admissionReview(HARDENED_POD));
    assert.equal(body.response.allowed, true);
    assert.match(body.response.warnings[0], /\[workload\.test-throws\] could not be evaluated/);
  } finally {
    await ignore.close();
  }
});

test('Secret data in a reviewed object never reaches logs, records or the response', async () => {
  const h = await harness();
  try {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"stringData":{"password":"s3cr3t-value"}}' } },
      type: 'Opaque',
      data: { password: Buffer.from('s3cr3t-value').toString('base64') },
      stringData: { token: 's3cr3t-value' },
    };
    const { body } = await h.post(admissionReview(secret));
    assert.equal(typeof body.response.allowed, 'boolean');
    await h.flush();
    const everything = [JSON.stringify(body), ...h.logs, JSON.stringify(h.drafts)].join('\n');
    assert.doesNotMatch(everything, /s3cr3t-value|czNjcjN0LXZhbHVl/);
  } finally {
    await h.close();
  }
});

test('/metrics counts reviews by decision and observes their latency', async () => {
  const h = await harness();
  try {
    await h.post(admissionReview(HARDENED_POD));
    await h.post(admissionReview(privilegedPod()));
    await h.post('not json');
    const metrics = await httpsRequest(`${h.server.url}/metrics`, { ca: h.tls.ca.certPem });
    assert.match(metrics.body, /^annexa_admission_reviews_total\{(?=[^}]*decision="allowed")(?=[^}]*operation="CREATE")(?=[^}]*mode="enforce")[^}]*\} 1$/m);
    assert.match(metrics.body, /^annexa_admission_reviews_total\{(?=[^}]*decision="denied")[^}]*\} 1$/m);
    assert.match(metrics.body, /^annexa_admission_review_duration_seconds_count\{(?=[^}]*decision="denied")[^}]*\} 1$/m);
    assert.match(metrics.body, /^annexa_admission_malformed_requests_total(\{[^}]*\})? 1$/m);
    assert.match(metrics.body, /^annexa_http_requests_total\{(?=[^}]*route="other")(?=[^}]*code="400")[^}]*\} 1$/m);
  } finally {
    await h.close();
  }
});

test('admission: in annexa.yaml is validated, unknown check ids named with their line; command-line overrides win', () => {
  const config = parseConfigText('admission:\n  mode: warn\n  failOn: medium\n  exemptNamespaces: [kube-system]\n', 'annexa.yaml', builtinCheckIds);
  assert.deepEqual(admissionSettings(config), { mode: 'warn', failOn: 'medium', exemptNamespaces: ['kube-system'], exemptUsers: [], exclude: [], failurePolicy: 'Fail' });
  assert.equal(admissionSettings(config, { mode: 'enforce' }).mode, 'enforce');
  assert.equal(admissionSettings(makeConfig()).mode, 'enforce');
  assert.throws(() => parseConfigText('admission:\n  checks:\n    exclude:\n      - workload.readonly-rootfs\n', 'annexa.yaml', builtinCheckIds),
    (error: Error) => /annexa\.yaml:4: admission\.checks\.exclude\[0\]: no built-in check has the id "workload\.readonly-rootfs"/.test(error.message));
  assert.throws(() => parseConfigText('admission:\n  mode: block\n', 'annexa.yaml'), (error: Error) => /annexa\.yaml:2: admission\.mode/.test(error.message));
});
