/**
 * Trivy's own good/bad examples (test/conformance/trivy-checks): every `bad` manifest must be
 * flagged by the Annexa check that stands for the KSV/KCV id, and every `good` one must not be.
 * The KSV → Annexa mapping comes from the checks' `equivalents` (src/checks/equivalents.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinChecks } from '../src/checks/index.js';
import { primaryCheckFor } from '../src/checks/equivalents.js';
import { conformanceDir } from './support/paths.js';
import { runChecks } from './support/run-checks.js';

interface Row {
  checkId: string;
  file: string;
  expected: 'pass' | 'fail';
}

const trivyDir = join(conformanceDir, 'trivy-checks');

function readRows(): Row[] {
  const [header, ...lines] = readFileSync(join(trivyDir, 'expected.csv'), 'utf8').trim().split(/\r?\n/);
  assert.equal(header, 'check_id,format,file,expected');
  return lines.map((line) => {
    const [checkId = '', , file = '', expected = ''] = line.split(',');
    assert.ok(expected === 'pass' || expected === 'fail', `unexpected outcome in: ${line}`);
    return { checkId, file, expected };
  });
}

const rows = readRows();

describe('Trivy check examples', () => {
  it('covers all 75 rows of expected.csv', () => {
    assert.equal(rows.length, 75);
  });

  for (const row of rows) {
    it(`${row.checkId} ${row.file} → ${row.expected}`, () => {
      const check = primaryCheckFor(row.checkId, builtinChecks);
      assert.ok(check, `no built-in check lists ${row.checkId} in its equivalents`);
      const manifest = readFileSync(join(trivyDir, row.file), 'utf8');
      const findings = runChecks(builtinChecks, manifest).filter((f) => f.checkId === check.id);
      if (row.expected === 'fail') assert.ok(findings.length > 0, `${check.id} does not flag ${row.file}`);
      else assert.deepEqual(findings.map((f) => `${f.path}: ${f.message}`), [], `${check.id} flags ${row.file}`);
    });
  }
});
