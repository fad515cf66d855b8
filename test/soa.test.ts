/** `annexa soa`: 93 rows, RFC 4180 CSV, applicability and namespace exclusions with justification, status from a scan. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinChecks } from '../src/checks/index.js';
import { runSoaCommand } from '../src/cli/soa.js';
import { buildSoa, evidenceText, ScopeCollector, type StatementOfApplicability } from '../src/posture/soa.js';
import { csvField, SOA_CSV_HEADER, soaCsv } from '../src/report/soa/csv.js';
import { soaHtml } from '../src/report/soa/html.js';
import { ConfigError, makeConfig, parseConfigText } from '../src/isms/config.js';
import { weakExclusionReason } from '../src/isms/records.js';
import { soaJson } from '../src/report/soa/json.js';
import { soaMarkdown } from '../src/report/soa/markdown.js';
import { computePosture } from '../src/posture/posture.js';
import { Inventory } from '../src/inventory/inventory.js';
import { tempTree } from './support/scan-output.js';
import { projectRoot } from './support/paths.js';

const PRIVILEGED = 'workload.privileged-container';
const PROVENANCE = { toolVersion: '0.0.0-test', configDigest: 'sha256:test' };

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
      { control: 'A.7.6', applicable: false, justification: 'No staff work in secure areas: there is no server room or hardware of our own' },
      { control: 'A.8.13', applicable: true, justification: 'Order data, risk "R-07", must survive a zone loss' },
    ],
    owners: [{ control: 'A.8.18', owner: 'Platform team' }],
    controls: [{ control: 'A.7.1', implementationStatus: 'implemented', responsibility: 'provider', supplierControls: ['A.5.19', 'A.5.23'] }],
    checks: { disabled: builtinChecks.map((c) => c.id).filter((id) => id !== PRIVILEGED) },
  };
  const dir = tempTree({
    'manifests/shop.yaml': pod('shop', 'web'),
    'manifests/observability.yaml': pod('observability', 'agent'),
    'annexa.yaml': JSON.stringify(config),
  });
  return { dir, config: join(dir, 'annexa.yaml') };
}

/** The control rows of a CSV statement (after the document records and the column header). */
function controlRows(text: string): string[][] {
  const all = parseCsv(text);
  return all.slice(all.findIndex((r) => r[0] === 'control') + 1);
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
  it('has the document-control records, exactly one header row and 93 control rows, all of one width', async () => {
    const { dir, config } = estate();
    const { code, text } = await soa([join(dir, 'manifests')], 'csv', config);
    assert.equal(code, 0);
    const all = parseCsv(text);
    for (const r of all) assert.equal(r.length, SOA_CSV_HEADER.length, r[0]);
    const headerAt = all.findIndex((r) => r[0] === 'control');
    assert.ok(all.slice(0, headerAt).every((r) => r[0] === 'document'));
    assert.deepEqual(all[headerAt], [...SOA_CSV_HEADER]);
    assert.equal(all.filter((r) => r[0] === 'control').length, 1);
    const rows = all.slice(headerAt);
    assert.equal(rows.length, 94);
    assert.deepEqual(rows.slice(1).map((r) => r[0]).slice(0, 2), ['A.5.1', 'A.5.2']);
  });

  it('honours applicability exclusions and config justifications, and counts only in-scope findings', async () => {
    const { dir, config } = estate();
    const rows = controlRows((await soa([join(dir, 'manifests')], 'csv', config)).text);
    const byId = new Map(rows.map((r) => [r[0]!, r]));
    const [, , , applicable, justification, status] = byId.get('A.7.6')!;
    assert.deepEqual([applicable, justification, status], ['no', 'No staff work in secure areas: there is no server room or hardware of our own', 'not-applicable']);
    assert.deepEqual([byId.get('A.7.1')![3], byId.get('A.7.1')![5], byId.get('A.7.1')![11]], ['yes', 'implemented', 'provider (via A.5.19, A.5.23)']);
    assert.equal(byId.get('A.8.13')![4], 'Order data, risk "R-07", must survive a zone loss');
    assert.equal(byId.get('A.8.13')![3], 'yes');
    const a818 = byId.get('A.8.18')!;
    assert.equal(a818[5], 'fail');
    assert.match(a818[7]!, /workload\.privileged-container \(1 finding\)/, 'the observability pod is not counted');
    assert.match(a818[7]!, /^scan \d{4}-\d\d-\d\dT[\d:]+Z of input sha256:[0-9a-f]{64}/, 'evidence names the scan, its time and digest');
    assert.equal(a818[8], 'Platform team');
    assert.match(byId.get('A.5.1')![4]!, /^Default \(no risk or requirement recorded\): applicable to Shop platform: /, 'a default justification says so');
    assert.equal(byId.get('A.5.1')![10], 'default');
    assert.equal(byId.get('A.5.1')![5], 'not-recorded', 'a manual control without a record says so, never blank');
    assert.equal(byId.get('A.5.1')![7], 'no evidence recorded');
  });

  it('without paths: automated controls are not-assessed, manual ones manual', async () => {
    const { config } = estate();
    const rows = controlRows((await soa([], 'csv', config)).text);
    assert.equal(rows.length, 93);
    const byId = new Map(rows.map((r) => [r[0]!, r]));
    assert.equal(byId.get('A.8.18')![5], 'not-assessed');
    assert.match(byId.get('A.8.18')![7]!, /workload\.privileged-container \(not evaluated: not-scanned\)/);
    assert.equal(byId.get('A.6.3')![9], 'manual');
  });

  it('quotes fields per RFC 4180 and defuses spreadsheet formulas', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a, "b"\nc'), '"a, ""b""\nc"');
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    const statement = buildSoa({ config: makeConfig({ applicability: [{ control: 'A.5.1', applicable: false, justification: 'line one of the reason\r\nline "two", three, four and five' }] }), checks: builtinChecks, provenance: PROVENANCE });
    const rows = controlRows(soaCsv(statement));
    assert.equal(rows.length, 93);
    assert.equal(rows[0]![4], 'line one of the reason\r\nline "two", three, four and five');
  });

  it('exits 2 on an unreadable path but still writes the statement', async () => {
    const { config } = estate();
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      const { code, text } = await soa([join(tempTree(), 'missing.yaml')], 'csv', config);
      assert.equal(code, 2);
      assert.equal(controlRows(text).length, 93);
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
    assert.deepEqual(row?.evidence.checks[0], { id: PRIVILEGED, evaluated: true, findings: 1, belowThreshold: 0 });
    for (const other of row?.evidence.checks.slice(1) ?? []) assert.deepEqual([other.evaluated, other.reason], [false, 'disabled'], other.id);
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
      provenance: PROVENANCE,
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
        applicability: [{ control: 'A.8.18', applicable: false, justification: 'accepted risk R-12: the shop runs no privileged utilities at all' }],
        checks: { disabled: builtinChecks.map((c) => c.id).filter((id) => id !== PRIVILEGED) },
      }),
    });
    const report = JSON.parse((await soa([join(dir, 'm.yaml')], 'json', join(dir, 'annexa.yaml'))).text) as StatementOfApplicability;
    const row = report.controls.find((c) => c.id === 'A.8.18');
    assert.deepEqual([row?.applicable, row?.status, row?.justification], [false, 'not-applicable', 'accepted risk R-12: the shop runs no privileged utilities at all']);
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
  const examples = join(projectRoot, 'examples');

  it('gives all 93 Annex A controls an implementation status on the example estate, and the organisation control', async () => {
    const { code, text } = await soa([join(examples, 'estate')], 'json', join(examples, 'annexa.yaml'));
    assert.equal(code, 0);
    const report = JSON.parse(text) as StatementOfApplicability;
    const annex = report.controls.filter((c) => /^A\./.test(c.id));
    assert.equal(annex.length, 93);
    for (const c of annex) assert.ok(!['not-recorded', ''].includes(c.implementationStatus), `${c.id}: ${c.implementationStatus}`);
    assert.deepEqual(report.controls.filter((c) => c.theme === 'organisation-specific').map((c) => c.id), ['ORG-1']);
    assert.deepEqual(report.conflicts, [], 'the example records agree with its scan');
    assert.equal(report.document.missing.length, 0, 'the example is under document control');
  });

  it('handles physical controls through the provider, not by exclusion; excludes only with substantive reasons', async () => {
    const report = JSON.parse((await soa([], 'json', join(examples, 'annexa.yaml'))).text) as StatementOfApplicability;
    assert.equal(report.scope.name, 'Shop platform');
    assert.equal(report.scope.exclude[0]?.name, 'observability');
    const physical = report.controls.filter((c) => c.theme === 'physical');
    assert.equal(physical.length, 14);
    for (const id of ['A.7.7', 'A.7.9']) {
      const row = physical.find((c) => c.id === id);
      assert.deepEqual([row?.applicable, row?.responsibility], [true, 'organisation'], `${id} concerns our own people and devices`);
    }
    for (const c of physical.filter((x) => x.responsibility === 'provider')) {
      assert.equal(c.applicable, true, c.id);
      assert.ok(c.supplierControls.length > 0, c.id);
    }
    const excluded = report.controls.filter((c) => !c.applicable);
    assert.ok(excluded.length <= 3, excluded.map((c) => c.id).join(', '));
    for (const c of excluded) assert.ok(c.justification.split(/\s+/).length >= 10, c.id);
  });
});

describe('SoA document control, in every format', () => {
  const config = makeConfig({
    document: { version: '2.1', owner: 'CISO', approver: 'CEO', approvalDate: '2026-01-10', nextReview: '2026-06-30' },
    applicability: [{ control: 'A.8.18', applicable: false, justification: 'a test exclusion that the findings below contradict on purpose' }],
    controls: [{ control: 'A.8.2', implementationStatus: 'implemented', nextReview: '2026-03-01' }],
  });
  const evaluation = {
    checks: builtinChecks.map((c) => ({ check: c.id, resources: 1, errors: 0, findings: c.id === PRIVILEGED ? { critical: 2 } : {} })),
  };
  const controls = computePosture({ config, checks: builtinChecks, evaluation });
  const outcome = {
    summary: { files: 1, resources: 1, skippedDocuments: 0, findings: 2, outOfScopeFindings: 0, bySeverity: { critical: 2, high: 0, medium: 0, low: 0, info: 0 } },
    evaluation, controls, errors: [], checks: [...builtinChecks], inventory: new Inventory(),
  };
  const statement = buildSoa({
    config, checks: builtinChecks, outcome, now: new Date('2026-12-02T10:00:00Z'),
    provenance: { toolVersion: '9.9.9', configDigest: 'sha256:cfgcfg', configFile: 'annexa.yaml', inputDigest: 'sha256:inin' },
  });
  const HEADER = ['2.1', 'CISO', 'CEO', '2026-01-10', '2026-06-30', '9.9.9', 'sha256:cfgcfg', 'sha256:inin', '2026-12-02T10:00:00Z'];

  it('json has the document, provenance and settings, and flags the overdue document review', () => {
    const json = JSON.parse(soaJson(statement)) as StatementOfApplicability;
    assert.deepEqual(json.document, { title: 'Statement of Applicability', version: '2.1', owner: 'CISO', approver: 'CEO', approvalDate: '2026-01-10', nextReview: '2026-06-30', missing: [], reviewOverdue: true });
    assert.deepEqual([json.provenance.tool.version, json.provenance.configDigest, json.provenance.inputDigest, json.provenance.assessedAt], ['9.9.9', 'sha256:cfgcfg', 'sha256:inin', '2026-12-02T10:00:00Z']);
    assert.match(json.provenance.catalogue.digest, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(json.settings.excludedControls.map((e) => e.control), ['A.8.18']);
    assert.equal(json.settings.failOn, 'medium');
  });

  const formats: Array<[string, (s: StatementOfApplicability) => string]> = [['csv', soaCsv], ['markdown', soaMarkdown], ['html', soaHtml], ['json', soaJson]];
  for (const [name, render] of formats) {
    it(`${name} prints every document-control field and both conflicts`, () => {
      const text = render(statement);
      for (const value of HEADER) assert.ok(text.includes(value), `${name} lacks ${value}`);
      assert.match(text, /A\.8\.18: excluded in annexa\.yaml, but 2 in-scope findings at or above medium from workload\.privileged-container contradict the exclusion/);
      assert.match(text, /A\.8\.2: recorded as implemented, but 2 in-scope findings from workload\.privileged-container fail it/);
    });
  }

  it('marks an overdue control review', () => {
    const row = statement.controls.find((c) => c.id === 'A.8.2');
    assert.equal(row?.reviewOverdue, true);
    assert.match(soaCsv(statement), /next 2026-03-01, OVERDUE/);
  });

  it('lists missing document-control fields when annexa.yaml sets none', () => {
    const draft = buildSoa({ config: makeConfig(), checks: builtinChecks, provenance: PROVENANCE });
    assert.deepEqual(draft.document.missing, ['version', 'owner', 'approver', 'approvalDate', 'nextReview']);
    assert.match(soaMarkdown(draft), /\| Version \| not set \(draft\) \|/);
  });
});

describe('annexa.yaml control records', () => {
  function issuesOf(text: string): Array<{ field: string; line?: number; message: string }> {
    try {
      parseConfigText(text, 'annexa.yaml');
    } catch (error) {
      if (error instanceof ConfigError) return error.issues;
      throw error;
    }
    return [];
  }

  it('refuses placeholder, short and provider-inheritance exclusions, with the line', () => {
    assert.equal(weakExclusionReason('We use no cloud service at all: every cluster runs on hardware in our own server room'), undefined);
    assert.match(weakExclusionReason('The data centre is the responsibility of the cloud provider for all our sites') ?? '', /responsibility: provider/);
    const text = 'applicability:\n  - { control: A.8.2, applicable: false, justification: x }\n  - { control: A.8.3, applicable: false, justification: not needed here }\n  - { control: A.7.1, applicable: false, justification: inherited from the hosting provider for all of it }\n';
    const found = issuesOf(text);
    assert.deepEqual(found.map((i) => [i.field, i.line]), [['applicability[0].justification', 2], ['applicability[1].justification', 3], ['applicability[2].justification', 4]]);
    assert.match(found[0]!.message, /placeholder/);
    assert.match(found[1]!.message, /too short/);
    assert.match(found[2]!.message, /responsibility: provider/);
  });

  it('checks statuses, dates, references and provider records', () => {
    const text = [
      'risks: [{ id: R-1, title: Loss of data }]',
      'controls:',
      '  - { control: A.5.1, implementationStatus: done }',
      '  - { control: A.5.2, lastReview: 2026-02-30 }',
      '  - { control: A.5.3, risks: [R-1, R-2] }',
      '  - { control: A.7.1, responsibility: provider }',
      '  - { control: ORG-9, implementationStatus: planned }',
      '  - { control: A.5.4, evidence: [{ ref: DOC-1, date: 2026-01-01, url: not a url }] }',
    ].join('\n');
    const found = issuesOf(text).map((i) => [i.field, i.line]);
    assert.deepEqual(found, [
      ['controls[0].implementationStatus', 3],
      ['controls[1].lastReview', 4],
      ['controls[3].supplierControls', 6],
      ['controls[5].evidence[0].url', 8],
    ]);
    const second = issuesOf('risks: [{ id: R-1, title: Loss of data }]\ncontrols:\n  - { control: A.5.3, risks: [R-1, R-2] }\n  - { control: ORG-9, implementationStatus: planned }\n');
    assert.deepEqual(second.map((i) => [i.field, i.line]), [['controls[0].risks[1]', 3], ['controls[1].control', 4]]);
    assert.match(second[0]!.message, /risk "R-2" is not in the risks register/);
    assert.match(second[1]!.message, /neither an Annex A control nor listed in organisationControls/);
  });

  it('refuses an owner given twice, a control recorded twice and a review that goes backwards', () => {
    const text = [
      'owners: [{ control: A.5.1, owner: CISO }]',
      'controls:',
      '  - { control: A.5.1, owner: Someone else }',
      '  - { control: A.5.2, lastReview: 2026-05-01, nextReview: 2026-04-01 }',
      '  - { control: A.5.2 }',
    ].join('\n');
    const found = issuesOf(text);
    assert.deepEqual(found.map((i) => [i.field, i.line]), [['controls[1].nextReview', 4], ['controls[0].owner', 3], ['controls[2].control', 5]]);
    assert.match(found[1]!.message, /also has an entry in owners/);
    assert.match(found[2]!.message, /A\.5\.2 has two records/);
    const registers = issuesOf('risks: [{ id: R-1, title: Loss of data }, { id: R-1, title: Loss of data again }]\n');
    assert.deepEqual(registers.map((i) => [i.field, i.line, i.message]), [['risks[1].id', 1, 'R-1 is listed twice in risks']]);
  });

  it('adds organisation-specific controls to the statement after Annex A', () => {
    const config = parseConfigText('organisationControls:\n  - { id: ORG-1, title: Card data only in the payments namespace }\ncontrols:\n  - { control: ORG-1, owner: Payments, implementationStatus: implemented }\n', 'annexa.yaml');
    const statement = buildSoa({ config, checks: builtinChecks, provenance: PROVENANCE });
    assert.equal(statement.controls.length, 94);
    assert.deepEqual(statement.controls.at(-1) && [statement.controls.at(-1)!.id, statement.controls.at(-1)!.implementationStatus, statement.controls.at(-1)!.owner], ['ORG-1', 'implemented', 'Payments']);
  });
});

describe('SoA evidence column', () => {
  it('counts findings below the threshold apart from those that fail the control', () => {
    const config = makeConfig();
    const evaluation = { checks: builtinChecks.map((c) => ({ check: c.id, resources: 1, errors: 0, findings: c.id === 'workload.capabilities-drop-all' ? { low: 3 } : {} })) };
    const outcome = {
      summary: { files: 1, resources: 1, skippedDocuments: 0, findings: 3, outOfScopeFindings: 0, bySeverity: { critical: 0, high: 0, medium: 0, low: 3, info: 0 } },
      evaluation, controls: computePosture({ config, checks: builtinChecks, evaluation }), errors: [], checks: [...builtinChecks], inventory: new Inventory(),
    };
    const statement = buildSoa({ config, checks: builtinChecks, outcome, provenance: { ...PROVENANCE, inputDigest: 'sha256:x' } });
    const row = statement.controls.find((c) => c.id === 'A.8.2')!;
    assert.equal(row.status, 'partial', 'low findings are observations at the default threshold');
    assert.match(evidenceText(row), /workload\.capabilities-drop-all \(0 findings, 3 below threshold\)/);
  });
});

describe('SoA status note', () => {
  it('markdown and html say what the automated status covers after a scan', async () => {
    const { dir, config } = estate();
    for (const format of ['markdown', 'html']) {
      const text = (await soa([join(dir, 'manifests')], format, config)).text;
      assert.ok(text.includes('not what runs in the cluster nor the organisational part of a control'), format);
    }
  });
});
