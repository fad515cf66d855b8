/**
 * `npm run bench` (`-- --quick` for small sizes, `-- --only NAME` for one module): runs every
 * `dist/bench/*.bench.js` module (default export: a Benchmark) with a BenchContext, prints their
 * tables and writes them to bench/out/results.json.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, BenchContext } from './context.js';
import { CORPUS_VERSION, generateCorpus, type CorpusStats } from './corpus.js';

type Row = Record<string, string | number>;

interface TableRecord {
  benchmark: string;
  title: string;
  rows: Row[];
}

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('project root not found');
    dir = parent;
  }
  return dir;
}

export const ROOT = projectRoot();
export const OUT_DIR = join(ROOT, 'bench', 'out');
/**
 * Generated corpora live outside the repository (the 1M corpus is over a GiB) and are shared by
 * every checkout on the machine: `ANNEXA_BENCH_CACHE`, else `<os tmpdir>/annexa-bench`.
 */
export const CORPUS_CACHE = process.env.ANNEXA_BENCH_CACHE || join(tmpdir(), 'annexa-bench');

/** A cached corpus: <CORPUS_CACHE>/corpus/<resources>-s<seed>-v<version>, rebuilt when incomplete. */
export function cachedCorpus(resources: number, seed = 1): { dir: string; stats: CorpusStats } {
  const dir = join(CORPUS_CACHE, 'corpus', `${resources}-s${seed}-v${CORPUS_VERSION}`);
  const marker = join(dir, '.corpus.json');
  if (existsSync(marker)) return { dir, stats: JSON.parse(readFileSync(marker, 'utf8')) as CorpusStats };
  rmSync(dir, { recursive: true, force: true });
  const started = performance.now();
  const stats = generateCorpus(dir, resources, seed);
  writeFileSync(marker, JSON.stringify(stats));
  console.log(`  (generated corpus of ${stats.resources} resources, ${stats.files} files, ${(stats.bytes / 2 ** 20).toFixed(1)} MiB in ${((performance.now() - started) / 1000).toFixed(1)} s: ${dir})`);
  return { dir, stats };
}

export function formatTable(title: string, rows: Row[]): string {
  if (rows.length === 0) return `${title}\n  (no rows)\n`;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: string | number | undefined) => (value === undefined ? '' : typeof value === 'number' ? formatNumber(value) : value);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((row) => cell(row[c]).length)));
  const line = (cells: string[]) => `  ${cells.map((text, i) => (isNumeric(rows, columns[i]!) ? text.padStart(widths[i]!) : text.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [title, line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((row) => line(columns.map((c) => cell(row[c]))))].join('\n') + '\n';
}

function isNumeric(rows: Row[], column: string): boolean {
  return rows.every((row) => row[column] === undefined || typeof row[column] === 'number');
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
  const benchDir = dirname(fileURLToPath(import.meta.url));
  const modules = readdirSync(benchDir).filter((f) => f.endsWith('.bench.js')).sort()
    .filter((f) => only === undefined || basename(f, '.bench.js') === only);
  if (modules.length === 0) {
    console.error(only ? `no benchmark named "${only}" in ${benchDir}` : `no *.bench.js modules in ${benchDir}`);
    return 2;
  }
  mkdirSync(OUT_DIR, { recursive: true });

  const tables: TableRecord[] = [];
  const failures: Array<{ benchmark: string; error: string }> = [];
  let current = '';
  const ctx: BenchContext = {
    quick,
    corpusDir: (resources) => cachedCorpus(resources).dir,
    table(title, rows) {
      tables.push({ benchmark: current, title, rows });
      console.log(`\n${formatTable(title, rows)}`);
    },
  };

  const started = new Date();
  for (const file of modules) {
    current = basename(file, '.bench.js');
    console.log(`\n== ${current}${quick ? ' (quick)' : ''}`);
    const t0 = performance.now();
    try {
      const module = (await import(pathToFileURL(join(benchDir, file)).href)) as { default?: Benchmark };
      if (typeof module.default !== 'function') throw new Error(`${file} has no default export (a Benchmark function)`);
      await module.default(ctx);
      console.log(`  (${current}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (error) {
      const message = error instanceof Error ? error.stack ?? error.message : String(error);
      failures.push({ benchmark: current, error: message });
      console.error(`  ${current} FAILED: ${message}`);
    }
  }

  const results = {
    date: started.toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    quick,
    tables,
    failures,
  };
  const out = join(OUT_DIR, 'results.json');
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
  return failures.length > 0 ? 1 : 0;
}

if (process.argv[1] && /run\.[jt]s$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
