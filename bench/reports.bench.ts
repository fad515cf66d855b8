/**
 * Reports: `annexa scan -o html|oscal|policyreport` against `-o json` (the baseline, measured in the
 * same run on the same corpus), each in a fresh process: wall and CPU seconds, peak RSS, output
 * size, and the ratios to json. `npm run bench -- --only reports`; `ANNEXA_BENCH_REPORT_SIZES=10000,100000`
 * chooses the corpus sizes (default 10k and 100k, the scale corpus; `--quick`: 2k).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './context.js';
import { ROOT } from './run.js';
import { run } from './scan.bench.js';

const FORMATS = ['json', 'html', 'oscal', 'policyreport'] as const;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function sizes(quick: boolean): number[] {
  const env = process.env.ANNEXA_BENCH_REPORT_SIZES;
  if (env) return env.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  return quick ? [2_000] : [10_000, 100_000];
}

const reportsBenchmark: Benchmark = async (ctx) => {
  const rows: Array<Record<string, string | number>> = [];
  const scratch = mkdtempSync(join(tmpdir(), 'annexa-report-bench-'));
  try {
    for (const resources of sizes(ctx.quick)) {
      const dir = ctx.corpusDir(resources);
      let baseline: { seconds: number; cpu: number; rssMiB: number } | undefined;
      for (const format of FORMATS) {
        const out = join(scratch, `report.${format}`);
        const result = run([join(ROOT, 'bin', 'annexa.js'), 'scan', dir, '-o', format, '--output-file', out, '-q', '--fail-on', 'never'], 1);
        if (result.status !== 0) throw new Error(`scan -o ${format} exited ${result.status}`);
        baseline ??= result;
        const mib = statSync(out).size / 2 ** 20;
        console.log(`  ${resources}: -o ${format} ${round(result.seconds)} s, ${Math.round(result.rssMiB)} MiB RSS, ${round(mib, 1)} MiB out`);
        rows.push({
          resources, format, s: round(result.seconds), 'cpu s': round(result.cpu), 'RSS MiB': Math.round(result.rssMiB), 'output MiB': round(mib, 1),
          'x json (s)': round(result.seconds / baseline.seconds), 'x json (cpu)': round(result.cpu / baseline.cpu), 'x json (RSS)': round(result.rssMiB / baseline.rssMiB),
        });
        rmSync(out, { force: true });
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  ctx.table('Report formats against -o json (same corpus, same run)', rows);
};

export default reportsBenchmark;
