/** `-o markdown` and the default table: what a reader sees. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { projectRoot } from './support/paths.js';
import { configKeeping, scanInProcess, tempTree } from './support/scan-output.js';
import { mdCell, mdCode } from '../src/report/markdown.js';
import { alignColumns, controlsText, locationText, tableReporter } from '../src/report/table.js';
import { runScan } from '../src/engine/scan.js';
import { assessScan } from '../src/posture/outcome.js';
import { checkById } from '../src/checks/index.js';
import { makeConfig } from '../src/isms/config.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');
const PRIVILEGED = 'workload.privileged-container';

describe('markdown reporter', () => {
  const dir = tempTree();
  const config = configKeeping(dir, [PRIVILEGED]);

  it('has a summary, findings grouped by resource, posture per theme and the errors', async () => {
    const paths = [join(fixtures, 'privileged.yaml'), join(fixtures, 'list.json'), join(fixtures, 'invalid.yaml'), join(fixtures, 'mixed.yaml')];
    const { code, text } = await scanInProcess(paths, { output: 'markdown', config });
    assert.equal(code, 2);
    assert.match(text, /^# Annexa scan report\n/);
    assert.match(text, /\| Resources \| 8 \|/);
    assert.match(text, /\| Findings \| 5 \|/);
    assert.match(text, /\| &nbsp;&nbsp;critical \| 5 \|/);
    assert.match(text, /\| Non-Kubernetes documents skipped \| 3 \|/);
    assert.match(text, /\| Input errors \| 3 \|/);
    const headings = [...text.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(headings.slice(0, 5), ['Pod/shop/web', 'Pod/jobs/second', 'Pod/app/before', 'Pod/app/after', 'Pod/shop/mixed']);
    assert.match(text, /\| critical \| `workload\.privileged-container` \| `[^`]*privileged\.yaml:17` \| container "app" runs privileged \| `spec\.containers\[0\]\.securityContext\.privileged` \| A\.8\.2, A\.8\.9, A\.8\.18 \|/);
    // Every check but one is disabled: controls whose checks are all disabled are not assessed, not manual.
    assert.match(text, /## ISO\/IEC 27001:2022 Annex A posture\n\n\| Theme \| Controls \| Pass \| Fail \| Partial \| Not assessed \| Manual \| Not applicable \|\n\| --- \| --- \| --- \| --- \| --- \| --- \| --- \| --- \|\n\| organizational \| 37 \| 0 \| 0 \| 0 \| 7 \| 30 \| 0 \|/);
    assert.match(text, /\| technological \| 34 \| 0 \| 3 \| 0 \| 15 \| 16 \| 0 \|/);
    assert.match(text, /### Failing controls[\s\S]*\| A\.8\.9 \| Configuration management \| 5 \| `workload\.privileged-container` \|/);
    assert.match(text, /## Input errors[\s\S]*\| `[^`]*invalid\.yaml:13:9` \| Nested mappings are not allowed in compact mappings \|/);
  });

  it('says so when there are no findings', async () => {
    const { code, text } = await scanInProcess([join(fixtures, 'clean.yaml')], { output: 'markdown', config });
    assert.equal(code, 0);
    assert.match(text, /## Findings\n\nNo findings\./);
    assert.doesNotMatch(text, /## Input errors/);
    // A.8.2, A.8.9 and A.8.18 ran clean, but their other checks are disabled: partial, never pass.
    assert.match(text, /\| technological \| 34 \| 0 \| 0 \| 3 \| 15 \| 16 \| 0 \|/);
  });

  it('keeps table cells on one line with markup neutralised', () => {
    assert.equal(mdCell('a | b\nc <script> *x* [l](u)'), 'a \\| b c &lt;script&gt; \\*x\\* \\[l\\](u)');
    assert.equal(mdCode('x|y`z'), '`x\\|y\'z`');
  });
});

describe('table reporter', () => {
  const dir = tempTree();
  const config = configKeeping(dir, [PRIVILEGED]);

  it('shows file:line in an aligned location column', async () => {
    const { code, text } = await scanInProcess([join(fixtures, 'privileged.yaml'), join(fixtures, 'list.json')], { config });
    assert.equal(code, 1);
    const lines = text.split('\n');
    const rows = lines.filter((l) => l.startsWith('  CRITICAL'));
    assert.equal(rows.length, 2);
    const web = join(fixtures, 'privileged.yaml');
    const list = join(fixtures, 'list.json');
    assert.ok(rows.some((r) => r.includes(`${web}:17 `)), rows.join('\n'));
    assert.ok(rows.some((r) => r.includes(`${list}:20 `)), rows.join('\n'));
    const messageColumn = rows.map((r) => r.indexOf('container "'));
    assert.equal(new Set(messageColumn).size, 1, `messages start in one column:\n${rows.join('\n')}`);
    assert.ok(rows.every((r) => !/:\d+$/.test(r)), 'no trailing :line');
    assert.ok(lines.includes('Pod/shop/web') && lines.includes('Pod/jobs/second'));
    assert.match(text, /4 resources in 2 files, 2 findings \(2 critical\)/);
    assert.doesNotMatch(text, /\x1b\[/, 'no colour when writing to a file');
  });

  it('keeps the columns aligned when coloured', async () => {
    let text = '';
    const reporter = tableReporter({ write: (chunk) => { text += chunk; }, color: true, toolVersion: '0.0.0' });
    const units = ['privileged.yaml', 'list.json'].map((name) => ({ source: 'file' as const, file: join(fixtures, name) }));
    reporter.finish(assessScan(await runScan(units, { config: makeConfig(), checks: [checkById(PRIVILEGED)!] }, reporter), makeConfig(), [checkById(PRIVILEGED)!]));
    assert.match(text, /\x1b\[/, 'coloured');
    const plain = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => l.startsWith('  CRITICAL'));
    assert.equal(plain.length, 2);
    assert.equal(new Set(plain.map((r) => r.indexOf('container "'))).size, 1, plain.join('\n'));
  });

  it('lists input errors with their position', async () => {
    const { text } = await scanInProcess([join(fixtures, 'invalid.yaml')], { config });
    assert.match(text, /Input errors:\n {2}.*invalid\.yaml:13:9: Nested mappings are not allowed in compact mappings/);
  });

  it('formats locations, controls and columns', () => {
    assert.equal(locationText({ file: 'a.yaml', line: 3, column: 7 }), 'a.yaml:3');
    assert.equal(locationText({ file: 'a.yaml', line: 3, column: 7 }, true), 'a.yaml:3:7');
    assert.equal(locationText({ file: 'a.yaml' }), 'a.yaml');
    assert.equal(locationText(undefined), '');
    assert.equal(controlsText({ iso27001: ['A.8.9'], cis: ['5.2.2'], pss: [] }), 'ISO 27001 A.8.9; CIS 5.2.2');
    assert.deepEqual(alignColumns([['a', 'bbb', 'x'], ['cc', 'd', 'yy']]), [['a ', 'bbb', 'x'], ['cc', 'd  ', 'yy']]);
  });
});
