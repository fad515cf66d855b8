/**
 * The streaming reporters against the writers they replaced (test/support/legacy-report/, the code
 * of main before the rewrite): one scan feeds both, and every format must give the same bytes, on
 * the example estate and on a generated corpus large enough that the table and markdown rows spill
 * to disk. The corpus gets the cases grouping has to get right: out-of-scope namespaces, the same
 * resource twice in two files, cross-resource findings about resources that also have their own.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinChecks } from '../src/checks/index.js';
import { runScan, type ScanSink } from '../src/engine/scan.js';
import { makeConfig, type AnnexaConfig } from '../src/isms/config.js';
import { REPORTERS } from '../src/report/index.js';
import type { Reporter, ReporterFactory } from '../src/report/reporter.js';
import { Spool } from '../src/report/spool.js';
import { GroupedFindings } from '../src/report/grouped-findings.js';
import { expandPaths } from '../src/sources/files.js';
import type { Finding } from '../src/resources/types.js';
import { generateCorpus } from '../bench/corpus.js';
import { jsonReporter as legacyJson } from './support/legacy-report/json.js';
import { junitReporter as legacyJunit } from './support/legacy-report/junit.js';
import { markdownReporter as legacyMarkdown } from './support/legacy-report/markdown.js';
import { tableReporter as legacyTable } from './support/legacy-report/table.js';
import { projectRoot } from './support/paths.js';
import { tempTree } from './support/scan-output.js';

const LEGACY: Record<string, ReporterFactory> = { json: legacyJson, junit: legacyJunit, markdown: legacyMarkdown, table: legacyTable };

interface Pair {
  format: string;
  color: boolean;
  legacy: Reporter;
  streaming: Reporter;
  legacyText: string[];
  streamingText: string[];
}

function pairs(): Pair[] {
  const out: Pair[] = [];
  for (const [format, legacy] of Object.entries(LEGACY)) {
    for (const color of format === 'table' ? [false, true] : [false]) {
      const pair = { format, color, legacyText: [] as string[], streamingText: [] as string[] } as Pair;
      pair.legacy = legacy({ write: (chunk) => void pair.legacyText.push(chunk), color, toolVersion: '9.9.9' });
      pair.streaming = REPORTERS[format as keyof typeof REPORTERS]({ write: (chunk) => void pair.streamingText.push(chunk), color, toolVersion: '9.9.9' });
      out.push(pair);
    }
  }
  return out;
}

/** Scans once, feeding every legacy and streaming reporter the same events. */
async function compareOn(paths: string[], config: AnnexaConfig): Promise<{ findings: number }> {
  const all = pairs();
  const reporters = all.flatMap((p) => [p.legacy, p.streaming]);
  const tee: ScanSink = {
    resource: (scanned) => reporters.forEach((r) => r.resource(scanned)),
    inventoryFindings: (findings) => reporters.forEach((r) => r.inventoryFindings?.(findings)),
  };
  const outcome = await runScan(expandPaths(paths).units, { config, checks: builtinChecks, workers: 0 }, tee);
  for (const pair of all) {
    pair.legacy.finish(outcome);
    pair.streaming.finish(outcome);
    const legacy = pair.legacyText.join('');
    const streaming = pair.streamingText.join('');
    assert.ok(legacy.length > 0, `${pair.format}: the legacy writer wrote something`);
    // Not assert.equal: a diff of two multi-megabyte texts is unreadable; name the first difference.
    if (legacy !== streaming) {
      let at = 0;
      while (legacy[at] === streaming[at]) at += 1;
      assert.fail(`${pair.format}${pair.color ? ' (colour)' : ''}: differs at character ${at} of ${legacy.length}: legacy ${JSON.stringify(legacy.slice(at - 80, at + 80))}, streaming ${JSON.stringify(streaming.slice(at - 80, at + 80))}`);
    }
  }
  return { findings: outcome.summary.findings + outcome.summary.outOfScopeFindings };
}

describe('streaming reporters give the bytes of the writers they replace', () => {
  it('on the example estate', async () => {
    const { findings } = await compareOn([join(projectRoot, 'examples')], makeConfig({}));
    assert.ok(findings > 50, `the examples have findings (${findings})`);
  });

  it('on a generated corpus with excluded namespaces, a duplicated resource and a broken file', async () => {
    const dir = tempTree();
    generateCorpus(join(dir, 'corpus'), 1_500, 7);
    // The same Deployment in two files (its findings merge into one group), and a file that does not parse.
    const twin = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: twin, namespace: payments-000}\nspec:\n  selector: {matchLabels: {app: twin}}\n  template:\n    metadata: {labels: {app: twin}}\n    spec:\n      containers: [{name: app, image: "nginx", securityContext: {privileged: true}}]\n';
    writeFileSync(join(dir, 'a-twin.yaml'), twin);
    writeFileSync(join(dir, 'z-twin.yaml'), twin.replace('privileged: true', 'runAsUser: 0'));
    writeFileSync(join(dir, 'broken.yaml'), 'kind: Pod\nmetadata: {name: [}\n');
    const config = makeConfig({ scope: { namespaces: { exclude: [{ name: 'payments-000', justification: 'vendor managed' }, { name: 'data-004', justification: 'lab' }] } } });
    const { findings } = await compareOn([dir], config);
    assert.ok(findings > 10_000, `enough findings to spill the rows to disk (${findings})`);
  });
});

describe('Spool', () => {
  it('gives back every line in order, across chunk boundaries and multi-byte characters', () => {
    const spool = new Spool(0);
    const lines = Array.from({ length: 60_000 }, (_, i) => `${i} ${'é€𝄞'.repeat(i % 13)} ${'x'.repeat(i % 97)}`);
    lines.forEach((line) => spool.append(line));
    assert.deepEqual([...spool.drain()], lines);
  });

  it('stays in memory below its budget, and is empty once drained', () => {
    const spool = new Spool();
    spool.append('a');
    spool.append('');
    spool.append('b');
    assert.deepEqual([...spool.drain()], ['a', '', 'b']);
    assert.deepEqual([...spool.drain()], []);
  });
});

describe('GroupedFindings', () => {
  const finding = (name: string, checkId: string, severity: Finding['severity'], outOfScope?: string): Finding => ({
    checkId, title: checkId, severity, path: 'spec', message: `${checkId} on ${name}`, remediation: '-', controls: { iso27001: [] },
    resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name },
    ...(outOfScope !== undefined ? { outOfScope: { reason: outOfScope } } : {}),
  });

  it('orders groups by first finding and merges late and duplicate findings into their group', () => {
    const counted: string[] = [];
    const groups = new GroupedFindings({ row: (f) => [f.severity, f.checkId, f.resource.name], outOfScope: (f) => void counted.push(f.checkId) });
    groups.resource([finding('a', 'c.low', 'low'), finding('a', 'c.high', 'high')]);
    groups.resource([finding('b', 'c.x', 'medium', 'excluded')]);
    groups.resource([finding('c', 'c.m', 'medium')]);
    groups.resource([finding('a', 'c.a-critical', 'critical')]);
    groups.lateFindings([finding('d', 'x.late', 'high'), finding('a', 'x.late', 'high'), finding('b', 'x.late', 'low')]);
    assert.deepEqual([...groups.groups()].map(([ref, rows]) => [ref, rows.map((r) => r[1])]), [
      ['Pod/ns/a', ['c.a-critical', 'c.high', 'x.late', 'c.low']],
      ['Pod/ns/b', ['x.late']],
      ['Pod/ns/c', ['c.m']],
      ['Pod/ns/d', ['x.late']],
    ]);
    assert.deepEqual(counted, ['c.x']);
    assert.equal(groups.findings, 7);
  });
});
