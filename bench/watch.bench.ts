/**
 * `annexa watch` on a 50,000-object cluster served by the API double, with a stream of 100 changes
 * per second (bench/watch-estate.ts; three processes: the double, the watcher, the baseline).
 *
 * Baseline, measured in the same run: one `annexa cluster -A` over the same estate (what a watcher
 * saves: without it, every change would cost a scan). Rows: latency per change from its arrival to
 * findings and posture being current (p50, p99, max) and as a fraction of a scan; cross-resource
 * checks run again per flush; RSS after the first evaluation and during the stream, and the heap
 * after a full GC at both ends (steady memory: the end is close to the start); CPU of the watcher.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './context.js';

const script = fileURLToPath(new URL('./watch-estate.js', import.meta.url));

interface WatchResult {
  objects: number;
  initialMs: number;
  changes: number;
  flushes: number;
  checksPerFlush: number;
  flushMs: number;
  p50: number;
  p99: number;
  max: number;
  rss: number[];
  heapStart: number;
  heapEnd: number;
  cpuPercent: number;
}

async function firstLine(lines: ReturnType<typeof createInterface>, child: ReturnType<typeof spawn>, name: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
  });
}

const bench: Benchmark = async (ctx) => {
  const size = ctx.quick ? 5_000 : 50_000;
  const seconds = ctx.quick ? 10 : 30;
  const rate = 100;
  const server = spawn(process.execPath, [script, 'serve', String(size)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const serverLines = createInterface({ input: server.stdout! });
  const { kubeconfig, served } = JSON.parse(await firstLine(serverLines, server, 'the double')) as { kubeconfig: string; served: number };
  try {
    const baseline = spawnSync(process.execPath, [script, 'scan', kubeconfig], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    if (baseline.status !== 0) throw new Error(`the baseline scan failed: ${baseline.stderr}`);
    const scan = JSON.parse(baseline.stdout.trim().split('\n').pop()!) as { ms: number; maxRssMiB: number };

    const watcher = spawn(process.execPath, ['--expose-gc', script, 'watch', kubeconfig, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const watchLines = createInterface({ input: watcher.stdout! });
    await firstLine(watchLines, watcher, 'the watcher');
    server.stdin!.write(`churn ${rate} ${seconds}\n`);
    const result = JSON.parse(await firstLine(watchLines, watcher, 'the watcher')) as WatchResult;
    await new Promise((resolve) => watcher.once('exit', resolve));
    const third = Math.floor(result.rss.length / 3);
    ctx.table(`annexa watch: ${served} objects in the double, ${rate} changes/s for ${seconds} s (baseline: annexa cluster -A once, same estate, same run)`, [
      { measure: 'baseline: annexa cluster -A (s)', value: scan.ms / 1000 },
      { measure: 'watch: first list + full evaluation (s)', value: result.initialMs / 1000, 'vs baseline ×': result.initialMs / scan.ms },
      { measure: 'changes evaluated', value: result.changes },
      { measure: 'latency per change p50 (ms)', value: result.p50, 'vs baseline ×': result.p50 / scan.ms },
      { measure: 'latency per change p99 (ms)', value: result.p99, 'vs baseline ×': result.p99 / scan.ms },
      { measure: 'latency per change max (ms)', value: result.max },
      { measure: 'flushes / cross-resource checks re-run per flush', value: `${result.flushes} / ${result.checksPerFlush.toFixed(1)}` },
      { measure: 'flush duration mean (ms)', value: result.flushMs },
      { measure: 'RSS after first evaluation (MiB)', value: result.rss[0]!, 'vs baseline ×': result.rss[0]! / scan.maxRssMiB },
      { measure: 'RSS at 1/3, 2/3, end of stream (MiB)', value: `${result.rss[third]!.toFixed(0)}, ${result.rss[2 * third]!.toFixed(0)}, ${result.rss[result.rss.length - 1]!.toFixed(0)}` },
      { measure: 'heap after GC: first evaluation, end of stream (MiB)', value: `${result.heapStart.toFixed(0)}, ${result.heapEnd.toFixed(0)}` },
      { measure: 'baseline peak RSS (MiB)', value: scan.maxRssMiB },
      { measure: 'watcher CPU during the stream (% of one core)', value: result.cpuPercent },
    ]);
  } finally {
    server.stdin!.end();
    await new Promise((resolve) => server.once('exit', resolve));
  }
};

export default bench;
