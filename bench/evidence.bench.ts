/**
 * Evidence store: records appended per second and verification time for 1,000,000 records
 * (100,000 with --quick), on SQLite and, when ANNEXA_TEST_POSTGRES_URL names a server, PostgreSQL.
 * Baseline: building the same chain (canonical JSON + SHA-256 of each record, links, one signed
 * checkpoint per batch) without any store, which is the floor both appending and verifying share.
 *
 * Then `annexa evidence export` (which verifies the store first, then streams the records into the
 * bundle) on stores of 10k, 100k and 1M records (the last the store above), each in a fresh
 * process: time and peak RSS, against `annexa evidence verify` on the same store, which reads the
 * same rows and is the floor the export shares. Flat RSS from 10k to 1M is the goal.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Benchmark } from './context.js';
import { ROOT } from './run.js';
import { run } from './scan.bench.js';
import { EvidenceStore } from '../src/evidence/store.js';
import { ChainVerifier, checkpointText, planAppend } from '../src/evidence/chain.js';
import { loadOrCreateSigningKey, verifyText } from '../src/evidence/signing.js';
import type { ChainHead, RecordDraft } from '../src/evidence/types.js';

const TOOL = { name: 'annexa', version: 'bench' };
const BATCH = 1000;

/** An admission-decision-sized record (about 300 bytes of canonical JSON). */
function draft(i: number): RecordDraft {
  return {
    type: 'admission',
    scope: { name: 'bench', clusters: ['prod-eu'] },
    configDigest: 'c'.repeat(64),
    inputDigest: null,
    payload: {
      uid: `req-${i}`,
      allowed: i % 7 !== 0,
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: `team-${i % 40}`, name: `app-${i}` },
      violations: i % 7 === 0 ? [{ checkId: 'workload.privileged-container', path: 'spec.template.spec.containers[0].securityContext.privileged' }] : [],
    },
  };
}

function batch(start: number, size: number): RecordDraft[] {
  return Array.from({ length: size }, (_, k) => draft(start + k));
}

const seconds = (ms: number) => ms / 1000;

async function appendAll(store: EvidenceStore, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i += BATCH) await store.append(batch(i, Math.min(BATCH, count - i)));
  return performance.now() - started;
}

async function measureStore(location: string, count: number, keyFile: string): Promise<Record<string, string | number>> {
  const store = await EvidenceStore.open(location, { tool: TOOL, signingKey: keyFile });
  try {
    const appendMs = await appendAll(store, count);
    const singles = Math.min(5000, count / 100);
    const singleStarted = performance.now();
    for (let i = 0; i < singles; i++) await store.append([draft(count + i)]);
    const singleMs = performance.now() - singleStarted;
    const verifyStarted = performance.now();
    const report = await store.verify();
    const verifyMs = performance.now() - verifyStarted;
    if (!report.ok) throw new Error(`the benchmark store does not verify: ${report.problem?.message}`);
    return {
      records: report.records,
      'append batched rec/s': Math.round(count / seconds(appendMs)),
      'append 1/txn rec/s': Math.round(singles / seconds(singleMs)),
      'verify s': seconds(verifyMs),
      'verify rec/s': Math.round(report.records / seconds(verifyMs)),
    };
  } finally {
    await store.close();
  }
}

/** A SQLite store of `count` records in `dir` (key beside it, where the CLI looks for it). */
async function sizedStore(dir: string, count: number): Promise<string> {
  const location = join(dir, `export-${count}.db`);
  const store = await EvidenceStore.open(location, { tool: TOOL });
  try {
    await appendAll(store, count);
  } finally {
    await store.close();
  }
  return location;
}

const cli = (args: string[]) => run([join(ROOT, 'bin', 'annexa.js'), 'evidence', ...args], 1);

/** Export against verify (the floor: the same rows read), each in a fresh process, at each store size. */
function exportMemory(stores: Array<{ location: string; count: number }>, dir: string): Array<Record<string, string | number>> {
  return stores.map(({ location, count }) => {
    const verify = cli(['verify', '--store', location]);
    if (verify.status !== 0) throw new Error(`${location} does not verify`);
    const out = join(dir, `bundle-${count}.tar.gz`);
    const exported = cli(['export', '--store', location, '--out', out]);
    if (exported.status !== 0) throw new Error(`export of ${location} failed (exit ${exported.status})`);
    return {
      records: count,
      'verify s': round(verify.seconds), 'verify RSS MiB': Math.round(verify.rssMiB),
      'export s': round(exported.seconds), 'export RSS MiB': Math.round(exported.rssMiB),
      'export ÷ verify (time)': round(exported.seconds / verify.seconds), 'export ÷ verify (RSS)': round(exported.rssMiB / verify.rssMiB),
      'bundle MiB': round(statSync(out).size / 2 ** 20),
    };
  });
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

const benchmark: Benchmark = async (ctx) => {
  const count = ctx.quick ? 100_000 : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'annexa-bench-evidence-'));
  try {
    const key = loadOrCreateSigningKey(join(dir, 'key.pem'));
    // Baseline: the chain alone, in memory, batch by batch (rows are dropped once checked).
    let head: ChainHead | undefined;
    const verifier = new ChainVerifier([], key.publicKey);
    let buildMs = 0;
    let checkMs = 0;
    for (let i = 0; i < count; i += BATCH) {
      const drafts = batch(i, Math.min(BATCH, count - i));
      const built = performance.now();
      const plan = planAppend(head, drafts, TOOL, key);
      const checked = performance.now();
      for (const row of plan.rows) verifier.row(row);
      if (!verifyText(key.publicKey, checkpointText(plan.checkpoint.seq, plan.checkpoint.hash, plan.checkpoint.time), plan.checkpoint.signature)) throw new Error('baseline checkpoint does not verify');
      checkMs += performance.now() - checked;
      buildMs += checked - built;
      head = { seq: plan.checkpoint.seq, hash: plan.checkpoint.hash };
    }
    if (verifier.problem) throw new Error(`baseline chain does not verify: ${verifier.problem.message}`);
    const baseline = { records: count, 'append batched rec/s': Math.round(count / seconds(buildMs)), 'verify s': seconds(checkMs), 'verify rec/s': Math.round(count / seconds(checkMs)) };

    const table: Array<Record<string, string | number>> = [{ store: 'none (hash chain in memory)', ...baseline }];
    const sqliteFile = join(dir, 'evidence.db');
    const sqlite = await measureStore(sqliteFile, count, join(dir, 'key.pem'));
    table.push({ store: 'SQLite (WAL)', ...sqlite, 'MiB on disk': statSync(sqliteFile).size / 2 ** 20 });
    const url = process.env.ANNEXA_TEST_POSTGRES_URL;
    if (url) {
      const name = `annexa_bench_${process.pid}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      try {
        const target = new URL(url);
        target.pathname = `/${name}`;
        table.push({ store: 'PostgreSQL', ...(await measureStore(target.toString(), count, join(dir, 'key.pem'))) });
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    } else {
      table.push({ store: 'PostgreSQL: not measured (ANNEXA_TEST_POSTGRES_URL unset)' });
    }
    for (const row of table.slice(1)) {
      if (typeof row['append batched rec/s'] === 'number') row['append ÷ baseline'] = (row['append batched rec/s'] as number) / baseline['append batched rec/s'];
      if (typeof row['verify s'] === 'number') row['verify ÷ baseline'] = (row['verify s'] as number) / baseline['verify s'];
    }
    ctx.table(`Evidence store: ${count.toLocaleString('en')} records appended in transactions of ${BATCH} (one signed checkpoint each), then verified`, table);

    copyFileSync(join(dir, 'key.pem'), `${sqliteFile}.ed25519.pem`);
    const sizes = ctx.quick ? [10_000] : [10_000, 100_000];
    const stores = [];
    for (const size of sizes) stores.push({ location: await sizedStore(dir, size), count: size });
    stores.push({ location: sqliteFile, count: Number(sqlite.records) });
    ctx.table('Evidence export (fresh process each, SQLite): `annexa evidence export` against `annexa evidence verify` of the same store', exportMemory(stores, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export default benchmark;
