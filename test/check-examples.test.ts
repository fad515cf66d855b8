/** Runs every built-in check's own examples: valid ones raise nothing, invalid ones raise the listed paths. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinChecks } from '../src/checks/index.js';
import { runChecks } from './support/run-checks.js';

describe('check examples', () => {
  it('check ids are unique', () => {
    const ids = builtinChecks.map((c) => c.id);
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
  });

  for (const check of builtinChecks) {
    describe(check.id, () => {
      it('has at least one valid and one invalid example', () => {
        assert.ok(check.examples.valid.length > 0, 'no valid example');
        assert.ok(check.examples.invalid.length > 0, 'no invalid example');
      });
      check.examples.valid.forEach((example, i) => {
        it(`valid #${i + 1} passes`, () => {
          const { manifest, config } = typeof example === 'string' ? { manifest: example, config: {} } : example;
          const findings = runChecks([check], manifest, config);
          assert.deepEqual(findings.map((f) => `${f.path}: ${f.message}`), []);
        });
      });
      check.examples.invalid.forEach((example, i) => {
        it(`invalid #${i + 1} fails`, () => {
          const findings = runChecks([check], example.manifest, example.config ?? {});
          assert.ok(findings.length > 0, 'expected at least one violation');
          if (example.paths) assert.deepEqual(findings.map((f) => f.path).sort(), [...example.paths].sort());
          for (const f of findings) {
            assert.equal(f.checkId, check.id);
            assert.ok(f.message.length > 0);
          }
        });
      });
    });
  }
});
