/** `annexa soa`: 93 rows, RFC 4180 CSV, applicability and namespace exclusions with justification, status from a scan. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinChecks } from '../src/checks/index.js';
import { runSoaCommand } from '../src/cli/soa.js';
import { buildSoa, ScopeCollector, type StatementOfApplicability } from '../src/posture/soa.js';
import { csvField, SOA_CSV_HEADER, soaCsv } from '../src/report/soa/csv.js';
import { soaHtml } from '../src/report/soa/html.js';
import { makeConfig } from '../src/isms/config.js';
import { tempTree } from './support/scan-output.js';
import { projectRoot } from './support/paths.js';

const PRIVILEGED = 'workload.privileged-container';

function pod(namespace: string, name: string): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0
      securityContext: { privileged: true }
`;
}

/** An estate with one privileged pod in scope (shop) and one in the excluded namespace (observability). */
function estate(): { dir: string; config: string } {
  const config = {
    scope: { name: 'Shop platform', namespaces: { exclude: [{ name: 'observability', justification: 'vendor-managed monitoring, assessed as a supplier' }] } },
    applicability: [
      { control: 'A.7.1', applicable: false, justification: 'inherited from the hosting provider' },
      { control: 'A.8.13', applicable: true, justification: 'Order data, risk "R-07", must survive a zone loss' },
    ],
    owners: [{ control: 'A.8.18', owner: 'Platform team' }],
    checks: { disabled: builtinChecks.map((c) => c.id).filter((id) => id !== PRIVILEGED) },
  };
  const dir = tempTree({
    'manifests/shop.yaml': pod('shop', 'web'),
    'manifests/observability.yaml': pod('observability', 'agent'),
    'annexa.yaml': JSON.stringify(config),
  });
  return { dir, config: join(dir, 'annexa.yaml') };
}

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF records) to read the output back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else field += ch;
  }
  assert.equal(field, '', 'text after the last CRLF');
  return rows;
}

async function soa(paths: string[], output: string, config?: string): Promise<{ code: number; text: string }> {
  const outputFile = join(tempTree(), 'soa.out');
  const code = await runSoaCommand(paths, { output, outputFile, maxFileSize: '20MiB', ...(config ? { config } : {}) });
  return { code, text: readFileSync(outputFile, 'utf8') };
}

describe('annexa soa -o csv', () => {
  it('has exactly one header row and 93 control rows of 9 fields', async () => {
    const { dir, config } = estate();
    const { code, text } = await soa([join(dir, 'manifests')], 'csv', config);
    assert.equal(code, 0);
    const rows = parseCsv(text);
    assert.equal(rows.length, 94);
    assert.deepEqual(rows[0], [...SOA_CSV_HEADER]);
    assert.equal(rows.filter((r) => r[0] === 'control').length, 1);
    for (const r of rows.slice(1)) assert.equal(r.length, 9, r[0]);
    assert.deepEqual(rows.slice(1).map((r) => r[0]).slice(0, 2), ['A.5.1', 'A.5.2']);
  });

  it('honours applicability exclusions and config justifications, and counts only in-scope findings', async () => {
    const { dir, config } = estate();
    const rows = parseCsv((await soa([join(dir, 'manifests')], 'csv', config)).text);
    const byId = new Map(rows.slice(1).map((r) => [r[0]!, r]));
    const [, , , applicable, justification, status] = byId.get('A.7.1')!;
    assert.deepEqual([applicable, justification, status], ['no', 'inherited from the hosting provider', 'not-applicable']);
    assert.equal(byId.get('A.8.13')![4], 'Order data, risk "R-07", must survive a zone loss');
    assert.equal(byId.get('A.8.13')![3], 'yes');
    const a818 = byId.get('A.8.18')!;
    assert.equal(a818[5], 'fail');
    assert.match(a818[7]!, /workload\.privileged-container \(1 finding\)/, 'the observability pod is not counted');
    assert.equal(a818[8], 'Platform team');
    assert.match(byId.get('A.5.1')![4]!, /^Applicable to Shop platform: /, 'default justification from the catalog');
    assert.equal(byId.get('A.5.1')![5], 'manual');
  });

  it('without paths: automated controls are not-assessed, manual ones manual', async () => {
    const { config } = estate();
    const rows = parseCsv((await soa([], 'csv', config)).text);
    assert.equal(rows.length, 94);
    const byId = new Map(rows.slice(1).map((r) => [r[0]!, r]));
    assert.equal(byId.get('A.8.18')![5], 'not-assessed');
    assert.match(byId.get('A.8.18')![7]!, /workload\.privileged-container \(not run\)/);
    assert.equal(byId.get('A.6.3')![5], 'manual');
  });

  it('quotes fields per RFC 4180 and defuses spreadsheet formulas', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a, "b"\nc'), '"a, ""b""\nc"');
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    const statement = buildSoa({ config: makeConfig({ applicability: [{ control: 'A.5.1', applicable: false, justification: 'line one\r\nline "two", three' }] }), checks: builtinChecks });
    const rows = parseCsv(soaCsv(statement));
    assert.equal(rows.length, 94);
    assert.equal(rows[1]![4], 'line one\r\nline "two", three');
  });

  it('exits 2 on an unreadable path but still writes the statement', async () => {
    const { config } = estate();
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      const { code, text } = await soa([join(tempTree(), 'missing.yaml')], 'csv', config);
      assert.equal(code, 2);
      assert.equal(parseCsv(text).length, 94);
    } finally {
      process.stderr.write = original;
    }
  });
});

describe('annexa soa: scope section', () => {
  it('-o json lists the excluded namespace with its justification and what was not counted', async () => {
    const { dir, config } = estate();
    const report = JSON.parse((await soa([join(dir, 'manifests')], 'json', config)).text) as StatementOfApplicability;
    assert.equal(report.framework, 'iso27001:2022');
    assert.equal(report.controls.length, 93);
    assert.match(report.generated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(report.scope.exclude, [{ name: 'observability', justification: 'vendor-managed monitoring, assessed as a supplier', resources: 1, findings: 1 }]);
    assert.deepEqual(report.assessment, { files: 2, resources: 2, findings: 1, outOfScopeFindings: 1, inputErrors: 0 });
    const row = report.controls.find((c) => c.id === 'A.8.18');
    assert.deepEqual(row?.evidence.checks, [{ id: PRIVILEGED, evaluated: true, findings: 1 }]);
  });

  it('-o markdown has a scope section naming the exclusion and 93 table rows', async () => {
    const { dir, config } = estate();
    const text = (await soa([join(dir, 'manifests')], 'markdown', config)).text;
    assert.match(text, /^## Scope$/m);
    assert.match(text, /`observability`: vendor-managed monitoring, assessed as a supplier \(1 resource, 1 finding not counted\)/);
    assert.equal(text.match(/^\| A\.\d\.\d+ \|/gm)?.length, 93);
  });

  it('-o html is one self-contained page with every value escaped', () => {
    const statement = buildSoa({
      config: makeConfig({
        scope: { name: 'Shop <b>platform</b>', namespaces: { exclude: [{ name: 'obs', justification: '<script>alert(1)</script>' }] } },
        owners: [{ control: 'A.5.1', owner: 'O\'Brien & "Co"' }],
      }),
      checks: builtinChecks,
    });
    const html = soaHtml(statement);
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(!html.includes('<script>'), 'no raw script');
    assert.ok(!/<link|src=|https?:\/\//.test(html), 'no external resources');
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /Shop &lt;b&gt;platform&lt;\/b&gt;/);
    assert.match(html, /O&#39;Brien &amp; &quot;Co&quot;/);
    assert.match(html, /@media print/);
    assert.equal(html.match(/<tr><td>A\.\d\.\d+<\/td>/g)?.length, 93);
  });
});

describe('annexa soa: precedence and patterns', () => {
  it('a control excluded in annexa.yaml stays not-applicable even with findings', async () => {
    const dir = tempTree({
      'm.yaml': pod('shop', 'web'),
      'annexa.yaml': JSON.stringify({
        applicability: [{ control: 'A.8.18', applicable: false, justification: 'accepted risk R-12' }],
        checks: { disabled: builtinChecks.map((c) => c.id).filter((id) => id !== PRIVILEGED) },
      }),
    });
    const report = JSON.parse((await soa([join(dir, 'm.yaml')], 'json', join(dir, 'annexa.yaml'))).text) as StatementOfApplicability;
    const row = report.controls.find((c) => c.id === 'A.8.18');
    assert.deepEqual([row?.applicable, row?.status, row?.justification], [false, 'not-applicable', 'accepted risk R-12']);
    assert.equal(report.controls.find((c) => c.id === 'A.8.2')?.status, 'fail');
  });

  it('counts resources per exclusion pattern, including the Namespace object itself', () => {
    const config = makeConfig({ scope: { namespaces: { exclude: [{ name: 'team-*', justification: 'sandbox teams' }] } } });
    const collector = new ScopeCollector(config);
    const scanned = (kind: string, name: string, namespace?: string) => ({ ref: { apiVersion: 'v1', kind, name, ...(namespace ? { namespace } : {}) }, evaluated: [], findings: [] });
    collector.resource(scanned('Pod', 'a', 'team-a'));
    collector.resource(scanned('Pod', 'b', 'team-b'));
    collector.resource(scanned('Namespace', 'team-c'));
    collector.resource(scanned('Pod', 'c', 'shop'));
    assert.deepEqual(collector.excluded(), [{ name: 'team-*', justification: 'sandbox teams', resources: 3, findings: 0 }]);
  });
});

describe('examples/annexa.yaml', () => {
  it('scopes the Shop platform, excludes observability and marks A.7.x not applicable', async () => {
    const report = JSON.parse((await soa([], 'json', join(projectRoot, 'examples', 'annexa.yaml'))).text) as StatementOfApplicability;
    assert.equal(report.scope.name, 'Shop platform');
    assert.equal(report.scope.exclude[0]?.name, 'observability');
    assert.ok((report.scope.exclude[0]?.justification.length ?? 0) > 20);
    const physical = report.controls.filter((c) => c.theme === 'physical');
    assert.equal(physical.length, 14);
    for (const c of physical) assert.deepEqual([c.applicable, c.justification, c.status], [false, 'inherited from the hosting provider', 'not-applicable'], c.id);
    assert.ok(report.controls.some((c) => c.owner === 'Platform team'));
  });
});
