/**
 * `npm run bench -- --only audit`: audit log analysis on one core.
 *  - throughput: event lines parsed, deduplicated and run through every detection (the workload
 *    checks on pod requests included) from an in-memory buffer, against JSON.parse of the same
 *    lines and nothing else (the floor), in the same run; best of several repetitions;
 *  - memory: `audit analyze` of two log sizes (4x apart) from files, each in a fresh process, peak RSS.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './context.js';
import { CORPUS_CACHE } from './run.js';
import { writeAuditLog } from './audit-log.js';
import { readAuditStream } from '../src/audit/reader.js';
import { AuditAnalyzer } from '../src/audit/analyze.js';

async function* chunks(buffer: Buffer, size = 256 * 1024): AsyncGenerator<Buffer> {
  for (let at = 0; at < buffer.length; at += size) yield buffer.subarray(at, at + size);
}

function jsonParseFloor(buffer: Buffer): number {
  const text = buffer.toString('utf8');
  let count = 0;
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end < 0) break;
    if (end > start) {
      JSON.parse(text.slice(start, end));
      count += 1;
    }
    start = end + 1;
  }
  return count;
}

async function annexaPass(buffer: Buffer): Promise<{ records: number; detections: number }> {
  const analyzer = new AuditAnalyzer();
  for await (const record of readAuditStream(chunks(buffer), 'bench', { onError: (e) => analyzer.error(e) })) analyzer.push(record);
  analyzer.finish();
  if (analyzer.result.errors.length > 0) throw new Error(`generated log does not read: ${JSON.stringify(analyzer.result.errors[0])}`);
  return { records: analyzer.result.records, detections: analyzer.result.detections.length };
}

async function fastest<T>(repetitions: number, run: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  let best = Infinity;
  let value!: T;
  for (let i = 0; i < repetitions; i++) {
    const started = performance.now();
    value = await run();
    best = Math.min(best, performance.now() - started);
  }
  return { ms: best, value };
}

const audit: Benchmark = async (ctx) => {
  const dir = join(CORPUS_CACHE, 'audit');
  mkdirSync(dir, { recursive: true });
  const small = ctx.quick ? 50_000 : 200_000;
  const sizes = [small, small * 4];
  const files = [];
  for (const lines of sizes) {
    const file = join(dir, `audit-${lines}.log`);
    const written = await writeAuditLog(file, lines);
    files.push({ file, ...written });
  }

  const buffer = readFileSync(files[0]!.file);
  await annexaPass(buffer);
  jsonParseFloor(buffer);
  const reps = ctx.quick ? 3 : 5;
  const floor = await fastest(reps, () => jsonParseFloor(buffer));
  const annexa = await fastest(reps, () => annexaPass(buffer));
  const lines = floor.value;
  ctx.table('audit: event lines per second on one core (in memory, best of runs)', [
    { pipeline: 'JSON.parse only (floor)', lines, ms: floor.ms, 'lines/s': Math.round(lines / (floor.ms / 1000)), ratio: 1 },
    { pipeline: 'annexa audit (read, dedupe, 16 detections, workload checks)', lines: annexa.value.records, ms: annexa.ms, 'lines/s': Math.round(annexa.value.records / (annexa.ms / 1000)), ratio: annexa.ms / floor.ms, detections: annexa.value.detections },
  ]);

  const child = fileURLToPath(new URL('./audit-child.js', import.meta.url));
  const rows = files.map(({ file, lines: count, bytes }) => {
    const out = JSON.parse(execFileSync(process.execPath, [child, file], { encoding: 'utf8' })) as { records: number; detections: number; ms: number; maxRssMiB: number };
    return { lines: count, 'log MiB': bytes / 2 ** 20, records: out.records, detections: out.detections, 'lines/s': Math.round(out.records / (out.ms / 1000)), 'peak RSS MiB': out.maxRssMiB };
  });
  ctx.table('audit: audit analyze of two log sizes, fresh process each (memory flat in log size)', [
    ...rows,
    { lines: 'ratio 4x/1x', 'log MiB': rows[1]!['log MiB'] / rows[0]!['log MiB'], 'peak RSS MiB': rows[1]!['peak RSS MiB'] / rows[0]!['peak RSS MiB'] },
  ]);
};

export default audit;
