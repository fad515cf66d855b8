/**
 * `annexa cluster` on a 50,000-object cluster served by the API double (three processes: the
 * double, then each measured run on its own, so each peak RSS is that run's alone).
 *
 * Columns: list = discovery + every kind read in pages of 500 through client-node, nothing else
 * (the floor: what any client must do); scan = `annexa cluster -A -o json` to /dev/null (the same
 * lists, plus redaction, per-resource checks, owner roll-up, inventory and cross-resource checks,
 * JSON output). Ratios scan / list. Memory stays bounded when peak RSS grows much less than the
 * object count between sizes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './context.js';

const script = fileURLToPath(new URL('./cluster-estate.js', import.meta.url));

interface Run {
  ms: number;
  maxRssMiB: number;
  objects: number;
}

function measure(mode: 'list' | 'scan', kubeconfig: string): Run {
  const run = spawnSync(process.execPath, [script, mode, kubeconfig], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${mode} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Run;
}

async function withDouble<T>(objects: number, body: (kubeconfig: string, served: number) => T): Promise<T> {
  const server = spawn(process.execPath, [script, 'serve', String(objects)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: server.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    server.once('exit', (code) => reject(new Error(`the double exited (${code})`)));
  });
  const { kubeconfig, served } = JSON.parse(first) as { kubeconfig: string; served: number };
  try {
    // The double answers while this process waits in spawnSync: it runs in its own process.
    return body(kubeconfig, served);
  } finally {
    server.stdin!.end();
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

const bench: Benchmark = async (ctx) => {
  const sizes = ctx.quick ? [5_000] : [12_500, 50_000];
  const rows = [];
  for (const size of sizes) {
    const row = await withDouble(size, (kubeconfig, served) => {
      const list = measure('list', kubeconfig);
      const scan = measure('scan', kubeconfig);
      return {
        objects: served,
        'list s': list.ms / 1000,
        'scan s': scan.ms / 1000,
        'time ×': scan.ms / list.ms,
        'list RSS MiB': list.maxRssMiB,
        'scan RSS MiB': scan.maxRssMiB,
        'RSS ×': scan.maxRssMiB / list.maxRssMiB,
      };
    });
    rows.push(row);
  }
  ctx.table('annexa cluster against the API double (best of 1; list = client-node paging only)', rows);
};

export default bench;
