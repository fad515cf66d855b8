/**
 * Dashboard: how fast `annexa serve` answers over a store with many recorded scans (500; 100 with
 * --quick), each the size of a scan of the example estate (~100 findings, 93 controls).
 * Baseline: what `annexa evidence trend` does per invocation, read every scan record from the store
 * and build the trend. The dashboard reads the store once and then only what was appended, so a
 * request costs one empty page query plus the view.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Benchmark } from './context.js';
import { EvidenceStore } from '../src/evidence/store.js';
import { buildTrend } from '../src/evidence/period.js';
import { collect } from '../src/evidence/record-scan.js';
import type { RecordDraft } from '../src/evidence/types.js';
import { seedDemo } from '../src/dashboard/demo.js';
import { DashboardData } from '../src/dashboard/data.js';
import { startDashboard } from '../src/dashboard/start.js';
import { makeConfig } from '../src/isms/config.js';
import { ROOT } from './run.js';

const TOOL = { name: 'annexa', version: 'bench' };
const TOKEN = 'bench-token-0123456789abcdef';

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Median of `runs` timings of `work`, in ms. */
async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(work));
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/** A store with the demo's records and `scans` more copies of its latest scan, a day apart. */
async function storeWithScans(dir: string, scans: number): Promise<EvidenceStore> {
  const store = await EvidenceStore.open(join(dir, 'annexa.db'), { tool: TOOL });
  const start = new Date('2025-01-01T00:00:00Z');
  await seedDemo(store, join(ROOT, 'examples'), start);
  const latest = (await collect(store.envelopes({ type: 'scan' }))).at(-1)!;
  const drafts: RecordDraft[] = Array.from({ length: scans }, (_, i) => ({
    type: 'scan', scope: latest.scope, configDigest: latest.configDigest, inputDigest: latest.inputDigest, payload: latest.payload,
    time: new Date(start.getTime() + (i + 1) * 86_400_000).toISOString(),
  }));
  for (let i = 0; i < drafts.length; i += 100) await store.append(drafts.slice(i, i + 100));
  return store;
}

const benchmark: Benchmark = async (ctx) => {
  const scans = ctx.quick ? 100 : 500;
  const runs = ctx.quick ? 5 : 11;
  const dir = mkdtempSync(join(tmpdir(), 'annexa-bench-dashboard-'));
  const store = await storeWithScans(dir, scans);
  try {
    const baseline = await median(runs, async () => buildTrend(await collect(store.envelopes({ type: 'scan' }))));
    const cold = await median(runs, async () => new DashboardData(store).refresh());
    const dashboard = await startDashboard({ store, config: makeConfig({}), tool: TOOL, host: '127.0.0.1', port: 0, token: TOKEN, assetDir: join(ROOT, 'dist', 'dashboard') });
    try {
      const get = (path: string) => async () => {
        const response = await fetch(`${dashboard.url}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
        if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
        await response.arrayBuffer();
      };
      const rows: Array<Record<string, string | number>> = [
        { what: 'baseline: read every scan + build the trend (evidence trend)', 'ms (median)': baseline, 'x baseline': 1 },
        { what: 'dashboard: first read of the store (start)', 'ms (median)': cold, 'x baseline': cold / baseline },
      ];
      for (const path of ['api/trend', 'api/posture', 'api/findings?severity=high', 'api/controls/A.8.9']) {
        await get(path)();
        const ms = await median(runs * 3, get(path));
        rows.push({ what: `dashboard: GET /${path} (warm)`, 'ms (median)': ms, 'x baseline': ms / baseline });
      }
      ctx.table(`Dashboard over a store of ${scans + 4} recorded scans (median of ${runs}+ runs)`, rows);
    } finally {
      await dashboard.close(1000);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

export default benchmark;
