/**
 * Worker-thread scans give exactly the single-threaded output (findings, locations, order, errors).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCorpus } from '../bench/corpus.js';
import { builtinChecks } from '../src/checks/index.js';
import { runScan } from '../src/engine/scan.js';
import { assessScan, type ScanOutcome } from '../src/posture/outcome.js';
import { plannedWorkers, ScanPool, workerScript } from '../src/engine/parallel.js';
import { DEFAULT_MAX_FILE_BYTES, expandPaths } from '../src/sources/files.js';
import { DEFAULT_PARSE_LIMITS } from '../src/sources/yaml-documents.js';
import { DEFAULT_CONFIG } from '../src/isms/config.js';
import { jsonReporter } from '../src/report/json.js';

async function scanJson(dir: string, workers: number): Promise<{ json: string; outcome: ScanOutcome }> {
  const expanded = expandPaths([dir]);
  let json = '';
  const reporter = jsonReporter({ write: (chunk) => void (json += chunk), color: false, toolVersion: 'test' });
  const outcome = assessScan(await runScan(expanded.units, { config: DEFAULT_CONFIG, checks: builtinChecks, workers }, reporter, expanded.errors), DEFAULT_CONFIG, builtinChecks);
  reporter.finish(outcome);
  return { json, outcome };
}

describe('parallel scan', () => {
  let dir: string;
  before(() => {
    // The suite runs from dist/, where the worker script is built: its absence is a failure, not a skip.
    assert.ok(workerScript() !== undefined, 'the worker script is not built (npm test builds it)');
    dir = mkdtempSync(join(tmpdir(), 'annexa-parallel-'));
    generateCorpus(join(dir, 'corpus'), 1300, 7);
    // Input errors in the middle of the file order: bad YAML, a binary file, a YAML bomb, a List.
    const odd = join(dir, 'corpus', 'm-odd');
    mkdirSync(odd, { recursive: true });
    writeFileSync(join(odd, 'a-broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\n spec: [\n');
    writeFileSync(join(odd, 'b-binary.yaml'), Buffer.from([0, 1, 2, 3, 0, 159, 146, 150]));
    writeFileSync(join(odd, 'c-bomb.yaml'), `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`);
    writeFileSync(join(odd, 'd-list.yaml'), [
      'apiVersion: v1', 'kind: List', 'items:',
      '  - apiVersion: v1', '    kind: Pod', '    metadata: { name: listed, namespace: odd }',
      '    spec:', '      containers:', '        - name: app', '          image: nginx', '          securityContext: { privileged: true }', '',
    ].join('\n'));
    writeFileSync(join(odd, 'e-anchors.yaml'), 'x: &labels\n  app: web\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: anchored\n  labels: *labels\nspec:\n  hostNetwork: true\n  containers:\n    - name: app\n      image: nginx:latest\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives byte-identical JSON with and without workers, input errors included', async () => {
    const files = expandPaths([join(dir, 'corpus')]).units.length;
    assert.ok(files > 300, `corpus has ${files} files`);
    const single = await scanJson(join(dir, 'corpus'), 0);
    const parallel = await scanJson(join(dir, 'corpus'), 2);
    const report = JSON.parse(single.json) as { findings: Array<{ location?: { line?: number } }>; errors: unknown[] };
    assert.ok(report.findings.length > 1000, 'the corpus raises findings');
    const located = report.findings.filter((f) => f.location?.line !== undefined).length;
    assert.ok(located > report.findings.length * 0.9, `${located} of ${report.findings.length} findings have a line`);
    assert.ok(report.errors.length >= 3, `input errors reported: ${JSON.stringify(report.errors)}`);
    assert.equal(parallel.json, single.json);
    assert.deepEqual(parallel.outcome.summary, single.outcome.summary);
    assert.equal(parallel.outcome.inventory.size, single.outcome.inventory.size);
  });

  it('really scans in the workers (no silent fallback to the main thread)', async () => {
    const files = expandPaths([join(dir, 'corpus')]).units.slice(0, 20).map((unit) => unit.file);
    const pool = new ScanPool(files, 2, workerScript()!, {
      config: DEFAULT_CONFIG, checkIds: builtinChecks.map((check) => check.id), maxFileBytes: DEFAULT_MAX_FILE_BYTES, limits: DEFAULT_PARSE_LIMITS,
    }, builtinChecks);
    try {
      for (const file of files) assert.ok(await pool.take(), `no worker outcome for ${file}`);
    } finally {
      await pool.close();
    }
  });

  it('streams resources to the sink in file order', async () => {
    const order = (workers: number) => {
      const seen: string[] = [];
      return runScan(expandPaths([join(dir, 'corpus')]).units, { config: DEFAULT_CONFIG, checks: builtinChecks, workers }, {
        resource: (scanned) => void seen.push(`${scanned.location?.file}:${scanned.location?.line}`),
      }).then(() => seen);
    };
    assert.deepEqual(await order(2), await order(0));
  });
});

describe('automatic worker count', () => {
  it('stays on the main thread below 4 cores, for small inputs and when asked', () => {
    const bytes = () => 50 * 2 ** 20;
    assert.equal(plannedWorkers(5000, bytes, undefined, 2), 0, '2 cores: one thread was measured faster');
    assert.equal(plannedWorkers(5000, bytes, undefined, 4), 3, 'a core is left to the main thread');
    assert.equal(plannedWorkers(5000, bytes, undefined, 32), 8);
    assert.equal(plannedWorkers(10, () => 1000, undefined, 8), 0, 'small input');
    assert.equal(plannedWorkers(5000, bytes, 0, 8), 0);
    assert.equal(plannedWorkers(5000, bytes, 1, 8), 0);
    assert.equal(plannedWorkers(5000, bytes, 2, 2), 2, 'an explicit --workers is obeyed');
  });
});
