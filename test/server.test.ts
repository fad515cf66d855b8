import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createLogger, createMetrics, generateCa, generateServingCert, serviceDnsNames, HttpError, readJsonBody, REDACTED, sendJson, startServer, type RunningServer } from '../src/server/index.js';
import { httpsRequest, localhostCert, makeTestTls } from './support/tls.js';

function echoServer(tls: { certFile: string; keyFile: string; clientCaFile?: string }, extra: Partial<Parameters<typeof startServer>[0]> = {}): Promise<RunningServer> {
  return startServer({
    host: '127.0.0.1',
    port: 0,
    tls,
    limits: { maxBodyBytes: 1024 },
    handler: async (req, res, context) => {
      if (context.path === '/boom') throw new Error('secret detail that must not reach the client');
      if (context.path === '/forbidden') throw new HttpError(403, 'no');
      const body = await readJsonBody(req, context.limits.maxBodyBytes);
      sendJson(res, 200, { echoed: body });
    },
    ...extra,
  });
}

test('serves over TLS with a certificate the CA verifies; /healthz and /readyz answer', async () => {
  const tls = await makeTestTls();
  const server = await echoServer(tls);
  try {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await httpsRequest(`${server.url}/healthz`, { ca: tls.ca.certPem });
    assert.equal(health.status, 200);
    const ready = await httpsRequest(`${server.url}/readyz`, { ca: tls.ca.certPem });
    assert.equal(ready.status, 200);
    const echoed = await httpsRequest(`${server.url}/echo`, { method: 'POST', body: '{"a":1}', ca: tls.ca.certPem });
    assert.deepEqual(JSON.parse(echoed.body), { echoed: { a: 1 } });
    const other = await generateServingCert((await makeTestTls()).ca, { commonName: 'x', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    await assert.rejects(httpsRequest(`${server.url}/healthz`, { ca: other.certPem }), /self.signed|unable to verify|certificate/i);
  } finally {
    await server.close();
  }
});

test('readiness follows the ready() condition', async () => {
  const tls = await makeTestTls();
  let ready = false;
  const server = await echoServer(tls, { ready: () => ready });
  try {
    assert.equal((await httpsRequest(`${server.url}/readyz`, { ca: tls.ca.certPem })).status, 503);
    ready = true;
    assert.equal((await httpsRequest(`${server.url}/readyz`, { ca: tls.ca.certPem })).status, 200);
  } finally {
    await server.close();
  }
});

test('bodies over the limit get 413, declared or chunked; bad JSON gets 400; handler errors 500 without detail', async () => {
  const tls = await makeTestTls();
  const server = await echoServer(tls);
  try {
    const big = JSON.stringify({ pad: 'x'.repeat(2000) });
    const declared = await httpsRequest(`${server.url}/echo`, { method: 'POST', body: big, ca: tls.ca.certPem });
    assert.equal(declared.status, 413);
    assert.match(JSON.parse(declared.body).error, /larger than 1024 bytes/);
    const chunked = await httpsRequest(`${server.url}/echo`, { method: 'POST', body: JSON.stringify({ pad: 'y'.repeat(300_000) }), chunked: true, ca: tls.ca.certPem });
    assert.equal(chunked.status, 413);
    const bad = await httpsRequest(`${server.url}/echo`, { method: 'POST', body: '{not json', ca: tls.ca.certPem });
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).error, /not valid JSON/);
    const boom = await httpsRequest(`${server.url}/boom`, { ca: tls.ca.certPem });
    assert.equal(boom.status, 500);
    assert.doesNotMatch(boom.body, /secret detail/);
    assert.equal((await httpsRequest(`${server.url}/forbidden`, { ca: tls.ca.certPem })).status, 403);
  } finally {
    await server.close();
  }
});

test('a rotated certificate is served without a restart; an invalid pair keeps the previous one', async () => {
  const tls = await makeTestTls();
  const reloads: Array<true | Error> = [];
  let notify: (() => void) | undefined;
  const nextReload = () => new Promise<void>((resolve) => (notify = resolve));
  const server = await echoServer(tls, {
    tlsReloadDebounceMs: 20,
    onTlsReload: (result) => {
      reloads.push(result);
      notify?.();
    },
  });
  try {
    const before = await httpsRequest(`${server.url}/healthz`, { ca: tls.ca.certPem });
    assert.equal(before.peerCertificate.subject.CN, 'localhost');

    const rotated = await localhostCert(tls.ca, 'rotated.localhost');
    let reloaded = nextReload();
    writeFileSync(tls.keyFile, rotated.keyPem);
    writeFileSync(tls.certFile, rotated.certPem);
    await reloaded;
    // Both files are written before the debounced read in most runs; a read between the two writes
    // fails (key mismatch) and the second write triggers another reload.
    while (reloads.at(-1) !== true) {
      reloaded = nextReload();
      await reloaded;
    }
    const after = await httpsRequest(`${server.url}/healthz`, { ca: tls.ca.certPem });
    assert.equal(after.peerCertificate.subject.CN, 'rotated.localhost');
    assert.ok(server.tlsGeneration >= 1);

    // A key that does not match the certificate: rejected, the rotated pair stays in use.
    const generation = server.tlsGeneration;
    const stray = await localhostCert(tls.ca, 'stray');
    reloaded = nextReload();
    writeFileSync(tls.keyFile, stray.keyPem);
    await reloaded;
    assert.ok(reloads.at(-1) instanceof Error);
    assert.match(String(reloads.at(-1)), /not a usable certificate and key pair/);
    assert.equal(server.tlsGeneration, generation);
    const still = await httpsRequest(`${server.url}/healthz`, { ca: tls.ca.certPem });
    assert.equal(still.peerCertificate.subject.CN, 'rotated.localhost');
  } finally {
    await server.close();
  }
});

test('graceful shutdown lets an in-flight request finish and refuses new connections', async () => {
  const tls = await makeTestTls();
  let release: (() => void) | undefined;
  let entered: (() => void) | undefined;
  const inHandler = new Promise<void>((resolve) => (entered = resolve));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    tls,
    handler: async (_req, res) => {
      entered?.();
      await new Promise<void>((resolve) => (release = resolve));
      sendJson(res, 200, { done: true });
    },
  });
  const slow = httpsRequest(`${server.url}/slow`, { ca: tls.ca.certPem });
  await inHandler;
  const closing = server.close(10_000);
  assert.equal(server.ready, false);
  await assert.rejects(httpsRequest(`${server.url}/healthz`, { ca: tls.ca.certPem }), /ECONNREFUSED/);
  release?.();
  const response = await slow;
  assert.equal(response.status, 200);
  assert.deepEqual(JSON.parse(response.body), { done: true });
  assert.equal(await closing, 0);
});

test('shutdown cuts requests still running at the deadline and says how many', async () => {
  const tls = await makeTestTls();
  let entered: (() => void) | undefined;
  const inHandler = new Promise<void>((resolve) => (entered = resolve));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    tls,
    handler: () => {
      entered?.();
      return new Promise<void>(() => undefined);
    },
  });
  const hanging = httpsRequest(`${server.url}/hang`, { ca: tls.ca.certPem }).then(() => 'answered', () => 'cut');
  await inHandler;
  assert.equal(await server.close(50), 1);
  assert.equal(await hanging, 'cut');
});

test('mutual TLS: a client without a certificate from the client CA is refused', async () => {
  const tls = await makeTestTls();
  const server = await echoServer({ ...tls, clientCaFile: tls.caFile });
  try {
    const client = await generateServingCert(tls.ca, { commonName: 'kube-apiserver', dnsNames: [], usages: ['client'] });
    const ok = await httpsRequest(`${server.url}/healthz`, { ca: tls.ca.certPem, cert: client.certPem, key: client.keyPem });
    assert.equal(ok.status, 200);
    await assert.rejects(httpsRequest(`${server.url}/healthz`, { ca: tls.ca.certPem }), /certificate|socket hang up|ECONNRESET/i);
  } finally {
    await server.close();
  }
});

test('/metrics exposes annexa_-prefixed request counters, latency and process metrics', async () => {
  const tls = await makeTestTls();
  const metrics = createMetrics({ defaultLabels: { component: 'test' } });
  const reviews = metrics.counter('reviews_total', 'reviews', ['decision'] as const);
  reviews.inc({ decision: 'allowed' });
  const server = await echoServer(tls, { metrics });
  try {
    await httpsRequest(`${server.url}/healthz`, { ca: tls.ca.certPem });
    const scraped = await httpsRequest(`${server.url}/metrics`, { ca: tls.ca.certPem });
    assert.equal(scraped.status, 200);
    assert.match(String(scraped.headers['content-type']), /text\/plain/);
    assert.match(scraped.body, /^annexa_http_requests_total\{(?=[^}]*route="\/healthz")(?=[^}]*method="GET")(?=[^}]*code="200")[^}]*\} 1$/m);
    assert.match(scraped.body, /^annexa_http_request_duration_seconds_count\{(?=[^}]*route="\/healthz")(?=[^}]*component="test")[^}]*\} 1$/m);
    assert.match(scraped.body, /^annexa_reviews_total\{(?=[^}]*decision="allowed")[^}]*\} 1$/m);
    assert.match(scraped.body, /annexa_process_cpu_user_seconds_total/);
    assert.doesNotMatch(scraped.body, /^(?!#)(?!annexa_)\w+[{ ]/m);
  } finally {
    await server.close();
  }
});

test('the logger writes JSON lines and redacts credential-like fields at any depth', () => {
  const lines: string[] = [];
  const logger = createLogger({ write: (line) => lines.push(line), base: { component: 'test' } });
  logger.info('review', { uid: 'u1', token: 'abc', nested: { password: 'p', stringData: { k: 'v' }, name: 'web' }, error: new Error('boom') });
  logger.debug('dropped below the level');
  assert.equal(lines.length, 1);
  const entry = JSON.parse(lines[0]!);
  assert.equal(entry.level, 'info');
  assert.equal(entry.msg, 'review');
  assert.equal(entry.component, 'test');
  assert.match(entry.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(entry.token, REDACTED);
  assert.deepEqual(entry.nested, { password: REDACTED, stringData: REDACTED, name: 'web' });
  assert.deepEqual(entry.error, { name: 'Error', message: 'boom' });
  assert.doesNotMatch(lines[0]!, /abc|"p"|"v"/);
});

test('generated CA and serving certificates: CA flag, issuer, SANs, usages, validity', async () => {
  const now = new Date('2026-01-10T12:00:00Z');
  const ca = await generateCa({ commonName: 'annexa-webhook-ca', now, days: 10 });
  const caCert = new X509Certificate(ca.certPem);
  assert.equal(caCert.ca, true);
  assert.equal(caCert.subject, 'CN=annexa-webhook-ca');
  assert.ok(caCert.verify(caCert.publicKey));
  const dnsNames = serviceDnsNames('annexa-webhook', 'annexa-system');
  const serving = await generateServingCert(ca, { commonName: 'annexa-webhook.annexa-system.svc', dnsNames, ipAddresses: ['10.0.0.7', '::1'], now, days: 5 });
  const cert = new X509Certificate(serving.certPem);
  assert.equal(cert.ca, false);
  assert.ok(cert.checkIssued(caCert));
  assert.ok(cert.verify(caCert.publicKey));
  assert.ok(cert.checkPrivateKey(createPrivateKey(serving.keyPem)));
  assert.equal(cert.checkHost('annexa-webhook.annexa-system.svc'), 'annexa-webhook.annexa-system.svc');
  assert.equal(cert.checkHost('other.annexa-system.svc'), undefined);
  assert.equal(cert.checkIP('10.0.0.7'), '10.0.0.7');
  assert.equal(cert.checkIP('::1'), '::1');
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.equal(new Date(cert.validFrom).toISOString(), '2026-01-10T11:55:00.000Z');
  assert.equal(new Date(cert.validTo).toISOString(), '2026-01-15T11:55:00.000Z');
  await assert.rejects(generateServingCert({ certPem: ca.certPem, keyPem: serving.keyPem }, { commonName: 'x', dnsNames: ['x'] }), /does not match/);
});
