/**
 * The evidence store on SQLite and PostgreSQL: appends chain and verify; every kind of tampering
 * (edit, delete, reorder, a rewritten chain, a forged checkpoint) is reported at the first broken
 * record; concurrent writers do not fork the chain.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, sha256Hex } from '../src/evidence/canonical.js';
import type { RecordDraft, RecordEnvelope } from '../src/evidence/types.js';
import { EvidenceStore } from '../src/evidence/store.js';
import { isKeyFileExposed } from '../src/evidence/signing.js';
import { postgresBackend, postgresUnavailable, sqliteBackend, TOOL, type TestBackend } from './support/evidence.js';
import { tempTree } from './support/scan-output.js';
import { projectRoot } from './support/paths.js';

function draft(n: number, type: RecordDraft['type'] = 'scan'): RecordDraft {
  return { type, scope: { name: 'test' }, configDigest: null, inputDigest: null, payload: { n, note: `record ${n}`, nested: { b: [1, 2, { z: 1, a: 2 }], a: null } } };
}

/** A store with `count` records appended one per transaction (each with its own checkpoint). */
async function filled(backend: TestBackend, count: number): Promise<void> {
  const store = await backend.open();
  try {
    for (let n = 1; n <= count; n++) await store.append([draft(n, n % 3 === 0 ? 'isms' : 'scan')]);
  } finally {
    await store.close();
  }
}

async function verify(backend: TestBackend, publicKey?: string) {
  const store = await backend.open();
  try {
    return await store.verify(publicKey);
  } finally {
    await store.close();
  }
}

async function bodyOf(backend: TestBackend, seq: number): Promise<{ body: string; hash: string }> {
  const [row] = await backend.raw('SELECT body, hash FROM {records} WHERE seq = ?', [seq]);
  return { body: String(row!.body), hash: String(row!.hash) };
}

/** Re-hashes an edited envelope the way an attacker who knows the format would. */
function rehash(envelope: RecordEnvelope): { body: string; hash: string } {
  envelope.payloadHash = sha256Hex(canonicalJson(envelope.payload));
  const body = canonicalJson(envelope);
  return { body, hash: sha256Hex(body) };
}

function storeSuite(name: string, make: () => Promise<TestBackend> | TestBackend, skip: string | false) {
  describe(`evidence store on ${name}`, { skip }, () => {
    it('appends hash-chained records that verify, with a signed checkpoint per append', async () => {
      const backend = await make();
      await filled(backend, 5);
      const store = await backend.open();
      try {
        const report = await store.verify();
        assert.equal(report.ok, true, JSON.stringify(report.problem));
        assert.equal(report.records, 5);
        assert.equal(report.checkpoints, 5);
        assert.equal(report.checkpointsMatched, 5);
        assert.equal(report.schemaVersion, 1);
        assert.equal(report.key.source, 'signing-key');
        const all: RecordEnvelope[] = [];
        for await (const record of store.envelopes()) all.push(record);
        assert.deepEqual(all.map((r) => r.seq), [1, 2, 3, 4, 5]);
        assert.equal(all[0]!.prevHash, '0'.repeat(64));
        for (let i = 1; i < all.length; i++) assert.equal(all[i]!.prevHash, sha256Hex(canonicalJson(all[i - 1])));
        const isms: number[] = [];
        for await (const record of store.envelopes({ type: 'isms' })) isms.push(record.seq);
        assert.deepEqual(isms, [3]);
        assert.equal((await store.find(all[1]!.id))?.seq, 2);
        assert.equal((await store.find('4'))?.id, all[3]!.id);
        assert.equal(isKeyFileExposed(backend.keyFile), false, 'the signing key is created with mode 0600');
      } finally {
        await store.close();
      }
    });

    it('reports an edited record (content changed, hash left)', async () => {
      const backend = await make();
      await filled(backend, 5);
      const { body } = await bodyOf(backend, 3);
      await backend.raw('UPDATE {records} SET body = ? WHERE seq = 3', [body.replace('"record 3"', '"record three"')]);
      const report = await verify(backend);
      assert.equal(report.ok, false);
      assert.deepEqual([report.problem?.seq, report.problem?.kind], [3, 'changed']);
    });

    it('reports an edited record whose hash was recomputed: the next record no longer links to it', async () => {
      const backend = await make();
      await filled(backend, 5);
      const envelope = JSON.parse((await bodyOf(backend, 3)).body) as RecordEnvelope;
      (envelope.payload as { note: string }).note = 'forged';
      const forged = rehash(envelope);
      await backend.raw('UPDATE {records} SET body = ?, hash = ? WHERE seq = 3', [forged.body, forged.hash]);
      const report = await verify(backend);
      assert.deepEqual([report.ok, report.problem?.seq, report.problem?.kind], [false, 3, 'changed']);
    });

    it('reports a deleted record in the middle', async () => {
      const backend = await make();
      await filled(backend, 5);
      await backend.raw('DELETE FROM {records} WHERE seq = 3');
      const report = await verify(backend);
      assert.deepEqual([report.ok, report.problem?.seq, report.problem?.kind], [false, 3, 'deleted']);
    });

    it('reports records deleted from the end: a signed checkpoint names a record the store no longer has', async () => {
      const backend = await make();
      await filled(backend, 5);
      await backend.raw('DELETE FROM {records} WHERE seq >= 4');
      const report = await verify(backend);
      assert.deepEqual([report.ok, report.problem?.seq, report.problem?.kind], [false, 4, 'deleted']);
    });

    it('reports reordered records', async () => {
      const backend = await make();
      await filled(backend, 5);
      const two = await bodyOf(backend, 2);
      const three = await bodyOf(backend, 3);
      await backend.raw('UPDATE {records} SET body = ?, hash = ? WHERE seq = 2', [three.body, three.hash]);
      await backend.raw('UPDATE {records} SET body = ?, hash = ? WHERE seq = 3', [two.body, two.hash]);
      const report = await verify(backend);
      assert.deepEqual([report.ok, report.problem?.seq, report.problem?.kind], [false, 2, 'reordered']);
    });

    it('reports a consistently rewritten chain through the signed checkpoints', async () => {
      const backend = await make();
      await filled(backend, 5);
      let prev = (await bodyOf(backend, 2)).hash;
      for (let seq = 3; seq <= 5; seq++) {
        const envelope = JSON.parse((await bodyOf(backend, seq)).body) as RecordEnvelope;
        (envelope.payload as { note: string }).note = `rewritten ${seq}`;
        envelope.prevHash = prev;
        const forged = rehash(envelope);
        await backend.raw('UPDATE {records} SET body = ?, hash = ?, prev_hash = ? WHERE seq = ?', [forged.body, forged.hash, prev, seq]);
        prev = forged.hash;
      }
      const report = await verify(backend);
      assert.deepEqual([report.ok, report.problem?.seq, report.problem?.kind], [false, 3, 'changed']);
      assert.match(report.problem!.message, /signed checkpoint/);
    });

    it('rejects checkpoints signed by another key, and a store checked against the wrong public key', async () => {
      const backend = await make();
      await filled(backend, 3);
      const other = generateKeyPairSync('ed25519');
      const publicFile = join(tempTree(), 'other.pub.pem');
      writeFileSync(publicFile, other.publicKey.export({ type: 'spki', format: 'pem' }));
      const wrongKey = await verify(backend, publicFile);
      assert.deepEqual([wrongKey.ok, wrongKey.problem?.kind, wrongKey.key.source], [false, 'signature', 'given']);

      const [checkpoint] = await backend.raw('SELECT seq, hash, time FROM {checkpoints} WHERE seq = 3');
      await backend.raw('UPDATE {checkpoints} SET signature = ? WHERE seq = 3', [Buffer.alloc(64, 7).toString('base64')]);
      const forged = await verify(backend);
      assert.deepEqual([forged.ok, forged.problem?.kind, forged.problem?.seq], [false, 'signature', Number(checkpoint!.seq)]);
    });

    it('refuses updates and deletes through its own triggers', async () => {
      const backend = await make();
      await filled(backend, 1);
      const store = await backend.open();
      try {
        const db = store.backend as unknown as { db?: { prepare(sql: string): { run(): unknown } }; client?: { query(sql: string): Promise<unknown> } };
        if (backend.name === 'sqlite') assert.throws(() => db.db!.prepare("UPDATE records SET body = 'x'").run(), /append-only/);
        else await assert.rejects(db.client!.query("UPDATE annexa_records SET body = 'x'"), /append-only/);
      } finally {
        await store.close();
      }
    });
  });
}

storeSuite('SQLite', sqliteBackend, false);
storeSuite('PostgreSQL', postgresBackend, postgresUnavailable ?? false);
if (postgresUnavailable) {
  describe('evidence store on PostgreSQL', () => {
    it(`is skipped: ${postgresUnavailable}`, { skip: postgresUnavailable }, () => undefined);
  });
}

/** Runs `count` appends of one record each in a separate process. */
function appender(location: string, count: number, keyFile: string): Promise<number | null> {
  const script = `
    const { EvidenceStore } = await import(${JSON.stringify(join(projectRoot, 'dist/src/evidence/store.js'))});
    const store = await EvidenceStore.open(process.argv[1], { tool: { name: 'annexa', version: 'test' }, signingKey: process.argv[3] });
    for (let i = 0; i < Number(process.argv[2]); i++) {
      await store.append([{ type: 'admission', scope: 'replica-' + process.pid, configDigest: null, inputDigest: null, payload: { i } }]);
    }
    await store.close();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, location, String(count), keyFile], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => resolve(code));
  });
}

describe('concurrent writers', () => {
  it('SQLite: four processes appending at once leave one unforked chain', async () => {
    const backend = sqliteBackend();
    await filled(backend, 1);
    const codes = await Promise.all([1, 2, 3, 4].map(() => appender(backend.location, 25, backend.keyFile)));
    assert.deepEqual(codes, [0, 0, 0, 0]);
    const report = await verify(backend);
    assert.equal(report.ok, true, JSON.stringify(report.problem));
    assert.equal(report.records, 101);
  });

  it('PostgreSQL: four replicas appending at once leave one unforked chain', { skip: postgresUnavailable ?? false }, async () => {
    const backend = await postgresBackend();
    await filled(backend, 1);
    const stores = await Promise.all([1, 2, 3, 4].map(() => EvidenceStore.open(backend.location, { tool: TOOL, signingKey: backend.keyFile })));
    try {
      await Promise.all(stores.map(async (store, replica) => {
        for (let i = 0; i < 25; i++) await store.append([{ type: 'admission', scope: `replica-${replica}`, configDigest: null, inputDigest: null, payload: { i } }]);
      }));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
    const processes = await Promise.all([1, 2].map(() => appender(backend.location, 10, backend.keyFile)));
    assert.deepEqual(processes, [0, 0]);
    const report = await verify(backend);
    assert.equal(report.ok, true, JSON.stringify(report.problem));
    assert.equal(report.records, 121);
  });
});

/** A process appending large transactions without end; resolves once it has committed at least one. */
function endlessAppender(location: string, keyFile: string): { child: ReturnType<typeof spawn>; committed: Promise<void> } {
  const script = `
    const { EvidenceStore } = await import(${JSON.stringify(join(projectRoot, 'dist/src/evidence/store.js'))});
    const store = await EvidenceStore.open(process.argv[1], { tool: { name: 'annexa', version: 'test' }, signingKey: process.argv[2] });
    for (let n = 0; ; n++) {
      const drafts = Array.from({ length: 2000 }, (_, i) => ({ type: 'scan', scope: 'kill', configDigest: null, inputDigest: null, payload: { n, i, pad: 'x'.repeat(200) } }));
      await store.append(drafts);
      process.stdout.write('committed\\n');
    }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, location, keyFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const committed = new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return { child, committed };
}

async function killMidWrite(backend: TestBackend): Promise<void> {
  await filled(backend, 1);
  const { child, committed } = endlessAppender(backend.location, backend.keyFile);
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await committed;
  // The writer spends nearly all its time inside append transactions: a kill now lands in one.
  await new Promise((resolve) => setTimeout(resolve, 150));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const report = await verify(backend);
  assert.equal(report.ok, true, JSON.stringify(report.problem));
  assert.equal((report.records - 1) % 2000, 0, 'only whole transactions are in the store');
  assert.ok(report.records >= 2001);
  const store = await backend.open();
  try {
    await store.append([draft(0)]);
  } finally {
    await store.close();
  }
  assert.equal((await verify(backend)).ok, true);
}

describe('a writer killed with SIGKILL mid-transaction', () => {
  it('SQLite: leaves whole transactions only, and a store that verifies and takes the next append', async () => {
    await killMidWrite(sqliteBackend());
  });
  it('PostgreSQL: leaves whole transactions only, and a store that verifies and takes the next append', { skip: postgresUnavailable ?? false }, async () => {
    await killMidWrite(await postgresBackend());
  });
});
