/**
 * Scale: `annexa scan` at 10k, 100k and 1M resources with each of `-o json`, `-o sarif` and the
 * default table, each in a fresh process: time, peak RSS, RSS per 1k resources and the ratio to
 * the `yaml` parse floor (wall clock and CPU time: on a shared machine the CPU ratios are the
 * steadier ones); the cross-resource stage on its own (near-linear?); the bytes the compact
 * inventory keeps per resource and where they go; and @monokle/validation at 10k and 100k.
 *
 * `npm run bench -- --only scale` runs only this part. `ANNEXA_BENCH_SCALE_SIZES=10000,100000`
 * chooses the sizes (default 10k, 100k, 1M; `--quick`: 1k, 10k); `ANNEXA_BENCH_MONOKLE_MAX=10000`
 * runs Monokle only up to 10k (0: never). The 1M corpus (about 1.1 GiB, 227k files) is generated once into the corpus cache
 * (bench/run.ts: `ANNEXA_BENCH_CACHE`, else the OS temporary directory).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './context.js';
import { ROOT } from './run.js';
import { floor, monokle, run, type ProcessRun } from './scan.bench.js';

const FORMATS = ['json', 'sarif', 'table'] as const;
const here = fileURLToPath(import.meta.url);
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function sizes(quick: boolean): number[] {
  const env = process.env.ANNEXA_BENCH_SCALE_SIZES;
  if (env) return env.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  return quick ? [1_000, 10_000] : [10_000, 100_000, 1_000_000];
}

/** Monokle runs up to this size (`ANNEXA_BENCH_MONOKLE_MAX`, default 100k; 0 = never): about 13 minutes at 100k. */
function monokleMax(): number {
  const env = process.env.ANNEXA_BENCH_MONOKLE_MAX;
  return env === undefined || env === '' ? 100_000 : Number(env);
}

const scan = (dir: string, format: string) =>
  run([join(ROOT, 'bin', 'annexa.js'), 'scan', dir, '-o', format, '--output-file', '/dev/null', '-q'], 1);

interface StageReport {
  resources: number;
  perResourceSeconds: number;
  crossResourceSeconds: number;
  /** CPU seconds of the stages (one thread: robust when the machine is shared). */
  perResourceCpu: number;
  crossResourceCpu: number;
  retained: number;
  inventoryBytes: number;
  positionBytes: number;
  stringBytes: number;
  byKind: Record<string, number>;
  /** Live heap (after a full GC) at the end of each cross-resource domain's checks, inventory and that domain's analyses included. */
  domainPeakBytes: Record<string, number>;
}

/** The in-process stage measurement of one corpus (`node --expose-gc scale.bench.js stage DIR`). */
function stage(dir: string): StageReport {
  const child = run(['--expose-gc', here, 'stage', dir], 1);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as StageReport;
}

const scaleBenchmark: Benchmark = async (ctx) => {
  const rows: Array<Record<string, string | number>> = [];
  const stages: Array<Record<string, string | number>> = [];
  const memory: Array<Record<string, string | number>> = [];
  const others: Array<Record<string, string | number>> = [];
  const previous: { resources?: number; json?: number; cross?: number } = {};
  for (const resources of sizes(ctx.quick)) {
    const dir = ctx.corpusDir(resources);
    const parse = floor(dir, 1);
    console.log(`  ${resources}: parse floor ${round(parse.seconds)} s, ${Math.round(parse.rssMiB)} MiB`);
    const runs: Partial<Record<string, ProcessRun>> = {};
    for (const format of FORMATS) {
      const result = scan(dir, format);
      runs[format] = result;
      console.log(`  ${resources}: -o ${format} ${round(result.seconds)} s, ${Math.round(result.rssMiB)} MiB`);
      rows.push({
        resources, format,
        's': round(result.seconds), 'cpu s': round(result.cpu),
        'RSS MiB': Math.round(result.rssMiB), 'RSS MiB / 1k res.': round(result.rssMiB / (resources / 1000), 3),
        'parse floor s': round(parse.seconds), 'x floor': round(result.seconds / parse.seconds),
        'parse floor cpu s': round(parse.cpu), 'x floor (cpu)': round(result.cpu / parse.cpu),
        'x previous size (cpu)': previous.json !== undefined && format === 'json' ? round(result.cpu / previous.json) : '',
      });
    }
    const measured = stage(dir);
    console.log(`  ${resources}: per-resource stage ${round(measured.perResourceCpu)} cpu s, cross-resource stage ${round(measured.crossResourceCpu)} cpu s`);
    const factor = previous.resources ? resources / previous.resources : undefined;
    stages.push({
      resources,
      'per-resource stage s': round(measured.perResourceSeconds),
      'per-resource cpu s': round(measured.perResourceCpu),
      'cross-resource stage s': round(measured.crossResourceSeconds),
      'cross-resource cpu s': round(measured.crossResourceCpu),
      'size factor': factor ?? '',
      'cross-resource cpu factor': factor && previous.cross ? round(measured.crossResourceCpu / previous.cross) : '',
    });
    const perRetained = (bytes: number) => Math.round(bytes / Math.max(1, measured.retained));
    memory.push({
      resources, retained: measured.retained,
      'inventory MiB': round(measured.inventoryBytes / 2 ** 20, 1),
      'bytes / retained': perRetained(measured.inventoryBytes),
      'position tables': perRetained(measured.positionBytes),
      'distinct strings': perRetained(measured.stringBytes),
      'objects, arrays, indexes': perRetained(measured.inventoryBytes - measured.positionBytes - measured.stringBytes),
      'live heap MiB at the end of each domain (inventory + its analyses)': Object.entries(measured.domainPeakBytes).map(([domain, bytes]) => `${domain} ${round(bytes / 2 ** 20, 1)}`).join(', '),
      kinds: Object.entries(measured.byKind).sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${n}`).join(', '),
    });
    if (resources <= monokleMax()) {
      let mono: ProcessRun | undefined;
      try {
        mono = monokle(dir);
      } catch (error) {
        console.error(`  monokle at ${resources}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
      others.push({
        resources,
        'monokle s': mono ? round(mono.seconds) : 'failed or timed out',
        'monokle RSS MiB': mono ? Math.round(mono.rssMiB) : '',
        'monokle / annexa json': mono ? round(mono.seconds / runs.json!.seconds, 1) : '',
      });
    }
    previous.resources = resources;
    previous.json = runs.json!.cpu;
    previous.cross = measured.crossResourceCpu;
  }
  ctx.table('scale: whole process, --output-file /dev/null (goals: 100k <= 300 MiB and <= 1.2x floor; 1M <= 1 GiB and <= 11x the 100k time)', rows);
  ctx.table('scale: cross-resource stage on its own, one thread, in process (goal: 10x resources in <= 10.5x time)', stages);
  ctx.table('scale: what the compact inventory keeps, live heap after the scan (--expose-gc)', memory);
  if (others.length > 0) ctx.table('scale: @monokle/validation on the same corpora', others);
};

export default scaleBenchmark;

/** Bytes of the distinct strings under a value (V8: 16-byte header + 1 byte per Latin-1 character, roughly). */
function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      into.add(key);
      collectStrings(item, into);
    }
  }
}

async function measureStage(dir: string): Promise<StageReport> {
  const { builtinChecks } = await import('../src/checks/index.js');
  const { runScan } = await import('../src/engine/scan.js');
  const { makeConfig } = await import('../src/isms/config.js');
  const { expandPaths } = await import('../src/sources/files.js');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const cpu = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const started = performance.now();
  const startedCpu = cpu();
  let lastResource = started;
  let lastResourceCpu = startedCpu;
  gc();
  const before = process.memoryUsage().heapUsed;
  const domainOf = new Map(builtinChecks.map((check) => [check.id, check.domain]));
  const domainPeakBytes: Record<string, number> = {};
  let measuringCpu = 0;
  const outcome = await runScan(expandPaths([dir]).units, { config: makeConfig({}), checks: builtinChecks, workers: 0 }, {
    resource() {
      lastResource = performance.now();
      lastResourceCpu = cpu();
    },
    inventoryFindings(findings) {
      // A check with no finding tells no domain; its analyses are measured with the next check that has one.
      const domain = findings[0] && domainOf.get(findings[0].checkId);
      if (!domain) return;
      const measuring = cpu();
      gc();
      domainPeakBytes[domain] = Math.max(domainPeakBytes[domain] ?? 0, process.memoryUsage().heapUsed - before);
      measuringCpu += cpu() - measuring;
    },
  });
  const ended = performance.now();
  const endedCpu = cpu() - measuringCpu;
  outcome.inventory.releaseDerived();
  gc();
  const inventoryBytes = process.memoryUsage().heapUsed - before;
  const strings = new Set<string>();
  let positionBytes = 0;
  const byKind: Record<string, number> = {};
  for (const kind of outcome.inventory.kinds()) {
    for (const resource of outcome.inventory.ofKind(kind)) {
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      positionBytes += resource.provenance.positions?.byteLength ?? 0;
      collectStrings([resource.apiVersion, resource.kind, resource.name, resource.namespace ?? '', resource.provenance.file ?? '', resource.object], strings);
    }
  }
  let stringBytes = 0;
  for (const text of strings) stringBytes += 16 + text.length * (/[^\u0000-\u00ff]/.test(text) ? 2 : 1);
  return {
    resources: outcome.summary.resources,
    perResourceSeconds: (lastResource - started) / 1000,
    crossResourceSeconds: (ended - lastResource) / 1000,
    perResourceCpu: lastResourceCpu - startedCpu,
    crossResourceCpu: endedCpu - lastResourceCpu,
    retained: outcome.inventory.size,
    inventoryBytes, positionBytes, stringBytes, byKind, domainPeakBytes,
  };
}

if (process.argv[1] === here && process.argv[2] === 'stage' && process.argv[3]) {
  measureStage(process.argv[3]).then((report) => console.log(JSON.stringify(report)));
}
