/**
 * The audit webhook receiver over TLS: EventLists posted with and without the token, with a client
 * certificate, too large, not an EventList; the events and their detections found in the store.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startAuditReceiver, bearerMatches, storedEvent, type AuditReceiver } from '../src/audit/receiver.js';
import { EvidenceStore } from '../src/evidence/store.js';
import type { RecordEnvelope } from '../src/evidence/types.js';
import { generateServingCert } from '../src/server/index.js';
import { auditEvent, HUMAN } from '../src/audit/detections/examples.js';
import { routineTraffic } from './support/audit-logs.js';
import { httpsRequest, makeTestTls, type TestTls } from './support/tls.js';
import { tempTree } from './support/scan-output.js';

const TOKEN = 'test-token-3f9c1a';

async function withReceiver(run: (ctx: { receiver: AuditReceiver; tls: TestTls; store: EvidenceStore; url: string }) => Promise<void>, options: { token?: string; clientCa?: boolean; maxBodyBytes?: number } = { token: TOKEN }): Promise<RecordEnvelope[]> {
  const tls = await makeTestTls();
  const dir = tempTree();
  const store = await EvidenceStore.open(join(dir, 'evidence.db'), { tool: { name: 'annexa', version: 'test' } });
  const receiver = await startAuditReceiver({
    host: '127.0.0.1', port: 0,
    tls: { certFile: tls.certFile, keyFile: tls.keyFile, ...(options.clientCa ? { clientCaFile: tls.caFile } : {}) },
    ...(options.token ? { token: options.token } : {}),
    store, maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
  });
  try {
    await run({ receiver, tls, store, url: `${receiver.running.url}/audit` });
  } finally {
    await receiver.close();
  }
  const records: RecordEnvelope[] = [];
  for await (const envelope of store.envelopes({ type: 'audit' })) records.push(envelope);
  assert.equal((await store.verify()).ok, true);
  await store.close();
  return records;
}

const secretCreate = auditEvent({
  auditID: 'secret-create-1', verb: 'create', level: 'RequestResponse', requestURI: '/api/v1/namespaces/shop/secrets',
  objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' }, responseStatus: { code: 201 },
  requestObject: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: 'aHVudGVyMi1zZWNyZXQ=' } },
});
const exec = auditEvent({
  auditID: 'exec-1', verb: 'create', user: HUMAN, requestURI: '/api/v1/namespaces/shop/pods/web-1/exec?command=sh',
  objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-1', apiVersion: 'v1' }, responseStatus: { code: 101 },
});

function eventList(items: unknown[]): string {
  return JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items });
}

describe('audit receive', () => {
  it('accepts EventLists with the token over TLS, refuses them without (401), and the events and detections are in the store', async () => {
    const records = await withReceiver(async ({ tls, url, receiver }) => {
      const body = eventList([...routineTraffic(), exec, secretCreate]);
      const without = await httpsRequest(url, { method: 'POST', body, ca: tls.ca.certPem });
      assert.equal(without.status, 401);
      assert.match(String(without.headers['www-authenticate']), /^Bearer/);
      const wrong = await httpsRequest(url, { method: 'POST', body, ca: tls.ca.certPem, headers: { Authorization: 'Bearer not-the-token' } });
      assert.equal(wrong.status, 401);
      const ok = await httpsRequest(url, { method: 'POST', body, ca: tls.ca.certPem, headers: { Authorization: `Bearer ${TOKEN}` } });
      assert.equal(ok.status, 200, ok.body);
      assert.deepEqual(JSON.parse(ok.body), { accepted: routineTraffic().length + 2, detections: 1 });
      assert.equal(receiver.stats.rejected, 2);
      const health = await httpsRequest(`${receiver.running.url}/healthz`, { ca: tls.ca.certPem });
      assert.equal(health.status, 200);
    });
    const payloads = records.map((r) => r.payload as Record<string, unknown>);
    assert.deepEqual(payloads.map((p) => p.kind), ['audit-batch', 'audit-detection']);
    const items = payloads[0]!.items as Array<Record<string, unknown>>;
    assert.equal(items.length, routineTraffic().length + 2);
    assert.ok(items.some((i) => i.auditID === 'exec-1'));
    assert.equal(payloads[1]!.ruleId, 'audit.pod-exec');
    assert.equal(payloads[1]!.analysis, records[0]!.id);
    // Request bodies never reach the store: the Secret's value is not in any record.
    assert.ok(!JSON.stringify(records).includes('aHVudGVyMi1zZWNyZXQ='));
    assert.equal(items.find((i) => i.auditID === 'secret-create-1')!.bodiesOmitted, true);
  });

  it('413 over the size limit, 400 for a body that is not an EventList, 405 for GET; nothing stored for them', async () => {
    const records = await withReceiver(async ({ tls, url }) => {
      const auth = { Authorization: `Bearer ${TOKEN}` };
      const big = eventList([auditEvent({ userAgent: 'x'.repeat(4096) })]);
      assert.equal((await httpsRequest(url, { method: 'POST', body: big, ca: tls.ca.certPem, headers: auth })).status, 413);
      assert.equal((await httpsRequest(url, { method: 'POST', body: big, ca: tls.ca.certPem, headers: auth, chunked: true })).status, 413);
      assert.equal((await httpsRequest(url, { method: 'POST', body: JSON.stringify(exec), ca: tls.ca.certPem, headers: auth })).status, 400);
      assert.equal((await httpsRequest(url, { method: 'POST', body: '{"kind":"EventList",', ca: tls.ca.certPem, headers: auth })).status, 400);
      assert.equal((await httpsRequest(url, { method: 'GET', ca: tls.ca.certPem, headers: auth })).status, 405);
    }, { token: TOKEN, maxBodyBytes: 2048 });
    assert.deepEqual(records, []);
  });

  it('a client certificate from the client CA is accepted instead of the token; neither gives 401', async () => {
    const records = await withReceiver(async ({ tls, url }) => {
      const client = await generateServingCert(tls.ca, { commonName: 'kube-apiserver', dnsNames: [], usages: ['client'] });
      const body = eventList([exec]);
      const withCert = await httpsRequest(url, { method: 'POST', body, ca: tls.ca.certPem, cert: client.certPem, key: client.keyPem });
      assert.equal(withCert.status, 200, withCert.body);
      assert.equal((await httpsRequest(url, { method: 'POST', body, ca: tls.ca.certPem })).status, 401);
      assert.equal((await httpsRequest(url, { method: 'POST', body, ca: tls.ca.certPem, headers: { Authorization: `Bearer ${TOKEN}` } })).status, 200);
    }, { token: TOKEN, clientCa: true });
    assert.equal(records.filter((r) => (r.payload as { kind: string }).kind === 'audit-batch').length, 2);
  });

  it('stages of one request in two batches give one detection', async () => {
    const records = await withReceiver(async ({ tls, url }) => {
      const auth = { Authorization: `Bearer ${TOKEN}` };
      const started = { ...exec, auditID: 'exec-2', stage: 'ResponseStarted' };
      assert.equal(JSON.parse((await httpsRequest(url, { method: 'POST', body: eventList([started]), ca: tls.ca.certPem, headers: auth })).body).detections, 0);
      assert.equal(JSON.parse((await httpsRequest(url, { method: 'POST', body: eventList([{ ...started, stage: 'ResponseComplete' }]), ca: tls.ca.certPem, headers: auth })).body).detections, 1);
    });
    assert.equal(records.filter((r) => (r.payload as { kind: string }).kind === 'audit-detection').length, 1);
  });

  it('writes beside the certificate (the store, a log) do not reload it; a new certificate does', async () => {
    const { writeFileSync, readFileSync } = await import('node:fs');
    await withReceiver(async ({ receiver, tls }) => {
      for (let i = 0; i < 5; i++) writeFileSync(join(tls.dir, 'receiver.log'), `line ${i}\n`, { flag: 'a' });
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(receiver.running.tlsGeneration, 0);
      writeFileSync(tls.certFile, readFileSync(tls.certFile));
      for (let i = 0; i < 50 && receiver.running.tlsGeneration === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(receiver.running.tlsGeneration, 1);
    });
  });

  it('token comparison and stored events', () => {
    assert.equal(bearerMatches(`Bearer ${TOKEN}`, TOKEN), true);
    assert.equal(bearerMatches(`bearer ${TOKEN}`, TOKEN), true);
    assert.equal(bearerMatches(`Basic ${TOKEN}`, TOKEN), false);
    assert.equal(bearerMatches(undefined, TOKEN), false);
    assert.equal(bearerMatches(`Bearer ${TOKEN}x`, TOKEN), false);
    assert.equal('requestObject' in storedEvent(secretCreate), false);
  });
});
