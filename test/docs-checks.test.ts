/** docs/checks.md is generated from the registry: it must list every built-in check and match a fresh render. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { builtinChecks } from '../src/checks/index.js';
import { checksDocPath, isoDocPath, renderChecksMarkdown, renderIsoMarkdown } from '../scripts/gen-docs.js';

describe('docs/checks.md', () => {
  it('renders a section for every built-in check', () => {
    const text = renderChecksMarkdown(builtinChecks);
    for (const check of builtinChecks) {
      assert.ok(text.includes(`\n### ${check.id}\n`), `no section for ${check.id}`);
      assert.ok(text.includes(check.remediation.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')), `no remediation for ${check.id}`);
    }
  });

  it('is up to date with the registry (run `npx tsx scripts/gen-docs.ts`)', () => {
    assert.ok(existsSync(checksDocPath), 'docs/checks.md is missing');
    const committed = readFileSync(checksDocPath, 'utf8');
    assert.equal(committed, renderChecksMarkdown(builtinChecks), 'docs/checks.md is stale: run `npx tsx scripts/gen-docs.ts`');
  });

  it('docs/iso27001.md is up to date with the catalog and the registry', () => {
    const committed = readFileSync(isoDocPath, 'utf8');
    assert.equal(committed, renderIsoMarkdown(builtinChecks), 'docs/iso27001.md is stale: run `npx tsx scripts/gen-docs.ts`');
  });
});
