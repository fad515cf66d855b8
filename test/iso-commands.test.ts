/** `annexa controls` and `annexa checks`: JSON shapes, crosswalk listings, table and Markdown (in process). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinChecks } from '../src/checks/index.js';
import { runControlsCommand } from '../src/cli/controls.js';
import { runChecksCommand } from '../src/cli/checks.js';
import { main } from '../src/cli/main.js';
import { FRAMEWORK_KEYS } from '../src/resources/types.js';
import { tempTree } from './support/scan-output.js';

function controls(framework: string, output: 'json' | 'table' | 'markdown'): string {
  const outputFile = join(tempTree(), 'out');
  assert.equal(runControlsCommand({ framework, output, outputFile }), 0);
  return readFileSync(outputFile, 'utf8');
}

interface IsoJson {
  framework: string;
  controls: Array<{ id: string; title: string; theme: string; automation: string; checks: string[];
    attributes: { controlType: string[] }; kubernetes: string; evidence: { manual: string; automated?: string } }>;
  clauses: Array<{ id: string }>;
}

describe('annexa controls', () => {
  it('-o json lists all 93 Annex A controls in the contract shape', () => {
    const report = JSON.parse(controls('iso27001', 'json')) as IsoJson;
    assert.equal(report.framework, 'iso27001:2022');
    assert.equal(report.controls.length, 93);
    for (const c of report.controls) {
      for (const key of ['id', 'title', 'theme', 'automation', 'checks', 'attributes', 'kubernetes', 'evidence']) assert.ok(key in c, `${c.id} lacks ${key}`);
      assert.ok(['organizational', 'people', 'physical', 'technological'].includes(c.theme));
      assert.ok(['automated', 'partial', 'manual'].includes(c.automation));
      assert.equal(c.automation === 'manual', c.checks.length === 0, c.id);
      const expected = builtinChecks.filter((k) => k.controls.iso27001.includes(c.id)).map((k) => k.id);
      assert.deepEqual(c.checks, expected, c.id);
    }
    assert.equal(report.clauses.length, 23);
  });

  it('-o table prints one line per control and a summary', () => {
    const lines = controls('iso27001', 'table').trimEnd().split('\n');
    assert.match(lines[0]!, /^CONTROL\s+THEME\s+AUTOMATION\s+CHECKS\s+TITLE$/);
    assert.equal(lines.filter((l) => /^A\.\d\.\d+\s/.test(l)).length, 93);
    assert.match(lines.at(-1)!, /^93 controls: \d+ automated, \d+ partial, \d+ manual$/);
  });

  it('-o markdown is the per-control reference (docs/iso27001.md)', () => {
    const text = controls('iso27001', 'markdown');
    assert.match(text, /^### A\.8\.13 Information backup$/m);
    assert.match(text, /^## Clauses 4–10/m);
    assert.equal(text.match(/^### A\.\d\.\d+ /gm)?.length, 93);
  });

  for (const framework of FRAMEWORK_KEYS.filter((k) => k !== 'iso27001')) {
    it(`--framework ${framework} -o json lists catalog items with mapped checks`, () => {
      const report = JSON.parse(controls(framework, 'json')) as { framework: string; controls: Array<{ id: string; title: string; checks: string[]; iso27001: string[]; cataloged: boolean }> };
      assert.ok(report.framework.length > 0);
      assert.ok(report.controls.length > 5);
      const mapped = new Set(builtinChecks.filter((c) => (c.controls[framework]?.length ?? 0) > 0).map((c) => c.id));
      const listed = new Set(report.controls.flatMap((c) => c.checks));
      assert.deepEqual([...listed].sort(), [...mapped].sort());
      for (const item of report.controls) for (const control of item.iso27001) assert.match(control, /^A\.[5-8]\.\d+$/);
    });
  }

  it('--attribute filters the ISO/IEC 27001 controls by ISO/IEC 27002 attribute values', () => {
    const outputFile = join(tempTree(), 'out');
    assert.equal(runControlsCommand({ framework: 'iso27001', output: 'json', outputFile, attribute: ['operational-capability=continuity', 'control-type=corrective'] }), 0);
    const report = JSON.parse(readFileSync(outputFile, 'utf8')) as IsoJson;
    assert.deepEqual(report.controls.map((c) => c.id), ['A.5.29', 'A.5.30', 'A.5.37', 'A.8.13']);
    assert.throws(() => runControlsCommand({ framework: 'iso27001', output: 'json', outputFile, attribute: ['security-domain=offence'] }), /not a value of that attribute/);
    assert.throws(() => runControlsCommand({ framework: 'cis', output: 'json', outputFile, attribute: ['security-domain=defence'] }), /cannot be used with --framework cis/);
  });

  it('rejects an unknown framework with exit 2', async () => {
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      assert.equal(await main(['node', 'annexa', 'controls', '--framework', 'sox']), 2);
    } finally {
      process.stderr.write = original;
    }
  });
});

describe('annexa checks', () => {
  it('-o json lists every built-in check with id, title, severity, domain and controls', () => {
    const outputFile = join(tempTree(), 'out');
    assert.equal(runChecksCommand(builtinChecks, { output: 'json', outputFile }), 0);
    const report = JSON.parse(readFileSync(outputFile, 'utf8')) as { checks: Array<{ id: string; title: string; severity: string; domain: string; controls: { iso27001: string[] } }> };
    assert.deepEqual(report.checks.map((c) => c.id), builtinChecks.map((c) => c.id));
    for (const c of report.checks) {
      assert.ok(c.title && c.severity && c.domain, c.id);
      assert.ok(c.controls.iso27001.length > 0, c.id);
    }
  });

  it('-o table prints one line per check', () => {
    const outputFile = join(tempTree(), 'out');
    runChecksCommand(builtinChecks, { output: 'table', outputFile });
    const text = readFileSync(outputFile, 'utf8');
    for (const check of builtinChecks) assert.match(text, new RegExp(`^${check.id.replace(/\./g, '\\.')}\\s`, 'm'));
    assert.match(text, new RegExp(`^${builtinChecks.length} built-in checks?$`, 'm'));
  });
});
