/**
 * Streaming evidence export (issue #16): the tar.gz is written a chunk at a time (the same archive
 * as the in-memory writer), a store with many records exports into a bundle that verifies, holding
 * every record once and in order, and a failed export leaves neither a partial bundle nor a
 * changed earlier one.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { exportBundle, verifyBundle } from '../src/evidence/bundle.js';
import { buildTrend } from '../src/evidence/period.js';
import { readTarGz, writeTarGz, writeTarGzStream } from '../src/evidence/tar.js';
import type { RecordDraft, RecordEnvelope, StoredRow } from '../src/evidence/types.js';
import { EvidenceStore } from '../src/evidence/store.js';
import { configKeeping, runCli, tempTree } from './support/scan-output.js';
import { projectRoot } from './support/paths.js';
import { sqliteBackend } from './support/evidence.js';

const TOOL = { name: 'annexa', version: 'test' };
const NOW = new Date('2026-12-02T12:00:00Z');

function admission(n: number): RecordDraft {
  return { type: 'admission', scope: { name: 'fleet' }, configDigest: null, inputDigest: null, payload: { uid: `req-${n}`, allowed: n % 5 !== 0, resource: { kind: 'Deployment', namespace: `team-${n % 7}`, name: `app-${n}` } } };
}

describe('writeTarGzStream', () => {
  it('writes the same archive as writeTarGz, with file entries read in chunks', async () => {
    const dir = tempTree();
    // Larger than a read-stream chunk (64 KiB) and not a multiple of the 512-byte block.
    const large = Buffer.from(Array.from({ length: 30_000 }, (_, i) => `line ${i}\n`).join(''));
    writeFileSync(join(dir, 'large.txt'), large);
    const small = Buffer.from('{"a":1}\n');
    await writeTarGzStream([{ name: 'small.json', data: small }, { name: 'large.txt', path: join(dir, 'large.txt'), size: large.length }, { name: 'empty', data: Buffer.alloc(0) }], join(dir, 'out.tar.gz'), NOW);
    const streamed = readFileSync(join(dir, 'out.tar.gz'));
    const inMemory = writeTarGz([{ name: 'small.json', data: small }, { name: 'large.txt', data: large }, { name: 'empty', data: Buffer.alloc(0) }], NOW);
    assert.ok(gunzipSync(streamed).equals(gunzipSync(inMemory)), 'the same tar bytes');
    assert.deepEqual(readTarGz(streamed).map((e) => [e.name, e.data.length]), [['small.json', small.length], ['large.txt', large.length], ['empty', 0]]);
    assert.ok(readTarGz(streamed)[1]!.data.equals(large));
  });

  it('fails when a file entry does not have the size its header promised', async () => {
    const dir = tempTree();
    writeFileSync(join(dir, 'f'), 'abc');
    await assert.rejects(writeTarGzStream([{ name: 'f', path: join(dir, 'f'), size: 4 }], join(dir, 'out.tar.gz'), NOW), /has 3 bytes, expected 4/);
  });
});

describe('evidence export of many records', () => {
  it('streams 20,000 records into a bundle that verifies, every record once and in order', async () => {
    const dir = tempTree();
    configKeeping(dir, ['workload.privileged-container'], {}, { scope: { name: 'fleet' } });
    const location = join(dir, 'annexa.db');
    // Real recorded scans (posture, config) between batches of admission decisions.
    for (const [i, input] of ['privileged.yaml', 'clean.yaml'].entries()) {
      const run = runCli(['scan', join(projectRoot, 'test', 'fixtures', 'scan', input), '-q', '--store', location], { cwd: dir });
      assert.equal(run.code, i === 0 ? 1 : 0, run.stderr);
      const store = await EvidenceStore.open(location, { tool: TOOL });
      try {
        for (let start = 0; start < 10_000; start += 1000) await store.append(Array.from({ length: 1000 }, (_, k) => admission(i * 10_000 + start + k)));
      } finally {
        await store.close();
      }
    }
    const store = await EvidenceStore.open(location, { tool: TOOL });
    try {
      const out = join(dir, 'bundle.tar.gz');
      const { manifest } = await exportBundle(store, {}, TOOL, out, NOW);
      const stored: StoredRow[] = [];
      for await (const row of store.rows()) stored.push(row);
      assert.ok(stored.length > 20_000);
      assert.equal(manifest.records.count, stored.length);
      const archive = readFileSync(out);
      const report = verifyBundle(archive, store.key().publicKey);
      assert.deepEqual([report.ok, report.records, report.problems], [true, stored.length, []]);
      const entries = new Map(readTarGz(archive).map((e) => [e.name, e.data.toString()]));
      const lines = entries.get('records.jsonl')!.trimEnd().split('\n').map((line) => JSON.parse(line) as { hash: string; record: RecordEnvelope });
      assert.deepEqual(lines.map((l) => [l.record.seq, l.hash]), stored.map((r) => [r.seq, r.hash]));
      const recordedScans = lines.map((l) => l.record).filter((r) => r.type === 'scan');
      assert.equal(recordedScans.length, 2);
      // The trend built while streaming equals the one built from all scans at once.
      assert.equal(entries.get('posture-summary.json'), `${JSON.stringify(buildTrend(recordedScans), null, 2)}\n`);
      const trend = JSON.parse(entries.get('posture-summary.json')!) as { controls: Array<{ id: string; statuses: string[] }> };
      assert.deepEqual(trend.controls.find((c) => c.id === 'A.8.9')?.statuses, ['fail', 'partial']);
      const soa = JSON.parse(entries.get('soa.json')!) as { record: string };
      assert.equal(soa.record, recordedScans[1]!.id, 'the SoA is that of the last recorded scan');
    } finally {
      await store.close();
    }
  });

  it('leaves no partial bundle and an earlier bundle unchanged when the export fails', async () => {
    const backend = sqliteBackend();
    const store = await backend.open();
    try {
      await store.append(Array.from({ length: 300 }, (_, k) => admission(k)));
      const dir = tempTree();
      const out = join(dir, 'bundle.tar.gz');
      writeFileSync(out, 'earlier bundle');
      // A store whose read fails part-way (a lost database connection, a disk error).
      const failing = Object.create(store) as EvidenceStore;
      failing.rows = async function* (): AsyncGenerator<StoredRow> {
        let n = 0;
        for await (const row of store.rows()) {
          if (++n > 120) throw new Error('connection lost');
          yield row;
        }
      };
      await assert.rejects(exportBundle(failing, {}, TOOL, out, NOW), /connection lost/);
      assert.equal(readFileSync(out, 'utf8'), 'earlier bundle');
      assert.deepEqual(readdirSync(dir), ['bundle.tar.gz']);
      await assert.rejects(exportBundle(store, {}, TOOL, join(dir, 'missing-directory', 'b.tar.gz'), NOW), /ENOENT/);
      assert.equal(existsSync(join(dir, 'missing-directory')), false);
    } finally {
      await store.close();
    }
  });
});
