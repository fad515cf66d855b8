/** `-o json`: the DESIGN.md §4 contract, key by key and type by type. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { projectRoot } from './support/paths.js';
import { configKeeping, scanInProcess, tempTree } from './support/scan-output.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');
const PRIVILEGED = 'workload.privileged-container';

type Json = Record<string, unknown>;

/**
 * Required keys must be present. A closed object (identity, location, counts) may hold nothing else;
 * an open one may grow fields (DESIGN.md §4: add fields freely, never rename).
 */
function assertKeys(value: unknown, required: readonly string[], optional: readonly string[], where: string, closed = true): Json {
  assert.equal(typeof value, 'object', `${where} is an object`);
  assert.ok(value !== null && !Array.isArray(value), `${where} is an object`);
  const keys = Object.keys(value as Json);
  for (const key of required) assert.ok(keys.includes(key), `${where}.${key} is present`);
  if (closed) assert.deepEqual(keys.filter((k) => !required.includes(k) && !optional.includes(k)), [], `${where} has only its contract keys`);
  return value as Json;
}

const OPEN = false;

function assertInteger(value: unknown, where: string): void {
  assert.ok(Number.isInteger(value) && (value as number) >= 0, `${where} is a non-negative integer, got ${JSON.stringify(value)}`);
}

function assertStrings(value: unknown, where: string): void {
  assert.ok(Array.isArray(value) && value.every((v) => typeof v === 'string'), `${where} is a string array`);
}

function assertFinding(value: unknown, i: number): void {
  const f = assertKeys(value, ['checkId', 'title', 'severity', 'resource', 'path', 'message', 'remediation', 'controls'], ['location', 'details'], `findings[${i}]`, OPEN);
  for (const key of ['checkId', 'title', 'path', 'message', 'remediation']) assert.equal(typeof f[key], 'string', `findings[${i}].${key}`);
  assert.ok(['critical', 'high', 'medium', 'low', 'info'].includes(f.severity as string));
  const r = assertKeys(f.resource, ['apiVersion', 'kind', 'name'], ['namespace'], `findings[${i}].resource`);
  for (const key of Object.keys(r)) assert.equal(typeof r[key], 'string');
  if (f.location !== undefined) {
    const loc = assertKeys(f.location, ['file'], ['line', 'column'], `findings[${i}].location`);
    assert.equal(typeof loc.file, 'string');
    if (loc.line !== undefined) assertInteger(loc.line, 'line');
    if (loc.column !== undefined) assertInteger(loc.column, 'column');
  }
  const controls = assertKeys(f.controls, ['iso27001'], ['cis', 'nsa', 'nist-800-190', 'pss'], `findings[${i}].controls`);
  for (const key of Object.keys(controls)) assertStrings(controls[key], `controls.${key}`);
}

function assertContract(report: Json): void {
  assertKeys(report, ['schemaVersion', 'tool', 'summary', 'findings', 'controls', 'errors'], ['outOfScope'], 'report', OPEN);
  assert.equal(report.schemaVersion, '1');
  const tool = assertKeys(report.tool, ['name', 'version'], [], 'tool');
  assert.equal(tool.name, 'annexa');
  assert.match(tool.version as string, /^\d+\.\d+\.\d+/);
  const summary = assertKeys(report.summary, ['resources', 'findings', 'bySeverity'], ['files', 'skippedDocuments', 'outOfScopeFindings'], 'summary', OPEN);
  for (const key of Object.keys(summary).filter((k) => k !== 'bySeverity')) assertInteger(summary[key], `summary.${key}`);
  const bySeverity = assertKeys(summary.bySeverity, ['critical', 'high', 'medium', 'low'], ['info'], 'summary.bySeverity');
  for (const key of Object.keys(bySeverity)) assertInteger(bySeverity[key], `bySeverity.${key}`);
  assert.ok(Array.isArray(report.findings));
  (report.findings as unknown[]).forEach(assertFinding);
  assert.ok(Array.isArray(report.controls));
  (report.controls as unknown[]).forEach((c, i) => {
    const control = assertKeys(c, ['id', 'title', 'status', 'findings', 'coverage', 'observations'], ['theme', 'checks', 'justification', 'owner', 'conflict'], `controls[${i}]`, OPEN);
    assert.match(control.id as string, /^A\.[5-8]\.\d{1,2}$/);
    assert.equal(typeof control.title, 'string');
    assert.ok(['pass', 'fail', 'partial', 'not-assessed', 'manual', 'not-applicable'].includes(control.status as string), `status ${String(control.status)}`);
    const coverage = assertKeys(control.coverage, ['evaluated', 'notEvaluated'], [], `controls[${i}].coverage`);
    assertStrings(coverage.evaluated, 'coverage.evaluated');
    for (const entry of coverage.notEvaluated as unknown[]) assertKeys(entry, ['check', 'reason'], [], 'coverage.notEvaluated[]');
    for (const entry of control.observations as unknown[]) assertKeys(entry, ['check', 'severity', 'findings'], [], 'observations[]');
    assertInteger(control.findings, 'controls[].findings');
  });
  assert.ok(Array.isArray(report.errors));
  (report.errors as unknown[]).forEach((e, i) => {
    const error = assertKeys(e, ['file', 'message'], ['line', 'column'], `errors[${i}]`);
    assert.equal(typeof error.file, 'string');
    assert.equal(typeof error.message, 'string');
    if (error.line !== undefined) assertInteger(error.line, 'errors[].line');
  });
}

describe('json reporter', () => {
  const config = configKeeping(tempTree(), [PRIVILEGED]);

  it('follows the contract on a scan with findings', async () => {
    const { code, text } = await scanInProcess([join(fixtures, 'privileged.yaml'), join(fixtures, 'clean.yaml')], { output: 'json', config });
    assert.equal(code, 1);
    const report = JSON.parse(text) as Json;
    assertContract(report);
    assert.deepEqual(report.summary, {
      resources: 3, findings: 1, bySeverity: { critical: 1, high: 0, medium: 0, low: 0, info: 0 },
      files: 2, skippedDocuments: 0, outOfScopeFindings: 0, exceptedFindings: 0,
    });
    const [finding] = report.findings as Json[];
    const contractKeys = ['checkId', 'title', 'severity', 'resource', 'path', 'message', 'remediation', 'controls', 'location'];
    assert.deepEqual(Object.fromEntries(contractKeys.map((k) => [k, finding![k]])), {
      checkId: PRIVILEGED,
      title: 'Containers must not run privileged',
      severity: 'critical',
      resource: { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'shop' },
      path: 'spec.containers[0].securityContext.privileged',
      message: 'container "app" runs privileged',
      remediation: finding!.remediation,
      controls: finding!.controls,
      location: { file: join(fixtures, 'privileged.yaml'), line: 17, column: 9 },
    });
    const controls = report.controls as Json[];
    assert.equal(controls.length, 93);
    assert.equal(controls.find((c) => c.id === 'A.8.9')?.status, 'fail');
    assert.equal(controls.find((c) => c.id === 'A.5.1')?.status, 'manual');
  });

  it('follows the contract on an empty scan and on input errors', async () => {
    const empty = await scanInProcess([join(fixtures, 'clean.yaml')], { output: 'json', config });
    assert.equal(empty.code, 0);
    const clean = JSON.parse(empty.text) as Json;
    assertContract(clean);
    assert.deepEqual(clean.findings, []);
    assert.deepEqual(clean.errors, []);

    const broken = await scanInProcess([join(fixtures, 'invalid.yaml'), join(fixtures, 'missing.yaml')], { output: 'json', config });
    assert.equal(broken.code, 2);
    const report = JSON.parse(broken.text) as Json;
    assertContract(report);
    const errors = report.errors as Json[];
    assert.ok(errors.some((e) => e.file === join(fixtures, 'missing.yaml') && /no such file/.test(e.message as string)));
    assert.ok(errors.some((e) => e.file === join(fixtures, 'invalid.yaml') && e.line === 13));
  });
});

describe('FindingSerializer', () => {
  it('writes exactly what JSON.stringify writes, whether or not the shared fields match the first finding of the check', async () => {
    const { FindingSerializer } = await import('../src/report/json.js');
    const controls = { iso27001: ['A.8.9'], cis: ['5.2.1'] };
    const base = {
      checkId: 'x.check', title: 'A "quoted" title', severity: 'high' as const,
      resource: { apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'n' },
      location: { file: 'a.yaml', line: 3, column: 1 }, path: 'spec.containers[0]', message: 'line\nbreak é',
      remediation: 'Fix it.', controls,
    };
    const variants = [
      base,
      { ...base, resource: { ...base.resource, name: 'q' }, details: { level: 'restricted' } },
      { ...base, title: 'Another title', controls: { iso27001: ['A.5.15'] } },
      { ...base, remediation: 'Other fix.', outOfScope: { reason: 'excluded' } },
      { ...base, location: undefined },
      { checkId: 'y.other', severity: 'low' as const, title: 'T', path: '', message: 'm', remediation: 'r', controls, resource: base.resource },
    ];
    const serializer = new FindingSerializer();
    for (const finding of [...variants, ...variants]) assert.equal(serializer.serialize(finding), JSON.stringify(finding));
  });
});
