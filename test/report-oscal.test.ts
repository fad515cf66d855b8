/** `-o oscal`: valid against the official OSCAL 1.1.3 assessment-results schema, findings per reviewed Annex A control, streamed. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { builtinChecks } from '../src/checks/index.js';
import { runScan } from '../src/engine/scan.js';
import { makeConfig } from '../src/isms/config.js';
import { assessScan } from '../src/posture/outcome.js';
import { prepareInputs } from '../src/sources/input.js';
import { nameUuid, oscalReporter } from '../src/report/oscal.js';
import { conformanceDir, projectRoot } from './support/paths.js';
import { configKeeping, scanInProcess, tempTree } from './support/scan-output.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');

function oscalValidator() {
  const schema = JSON.parse(readFileSync(join(conformanceDir, 'schemas', 'oscal', '1.1.3', 'oscal_assessment-results_schema.json'), 'utf8')) as object;
  // Default (strict) mode and unicodeRegExp, as the schemas README says: the token patterns use \p{L}.
  const ajv = new Ajv.default({ allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}
const validate = oscalValidator();

function assertValid(document: unknown): void {
  assert.ok(validate(document), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

interface Observation { uuid: string; title: string; description: string; props: Array<{ name: string; value: string }>; subjects: Array<{ 'subject-uuid': string }> }
interface OscalFinding { target: { 'target-id': string; status: { state: string; reason?: string } }; 'related-observations'?: Array<{ 'observation-uuid': string }> }
interface Oscal {
  'assessment-results': {
    metadata: { 'oscal-version': string; version: string };
    results: Array<{ start: string; end: string; observations?: Observation[]; findings?: OscalFinding[]; 'reviewed-controls': { 'control-selections': Array<{ 'include-controls'?: Array<{ 'control-id': string }> }> } }>;
  };
}

async function scanned(paths: string[]) {
  const config = makeConfig({});
  const writes: string[] = [];
  const reporter = oscalReporter({ write: (chunk) => writes.push(chunk), color: false, toolVersion: '9.9.9' });
  const { units, errors } = prepareInputs({ paths, kustomize: [], maxFileBytes: 2 ** 24, allowEmpty: true });
  const result = await runScan(units, { config, checks: builtinChecks, workers: 0 }, reporter, errors);
  const outcome = assessScan(result, config, builtinChecks);
  reporter.finish(outcome);
  return { writes, outcome, document: JSON.parse(writes.join('')) as Oscal };
}

describe('-o oscal', () => {
  it('the official NIST example validates (the validator accepts what it should) and a result without start does not', () => {
    const example = JSON.parse(readFileSync(join(conformanceDir, 'schemas', 'oscal', 'examples', 'ifa_assessment-results-example.json'), 'utf8')) as Oscal;
    assertValid(example);
    delete (example['assessment-results'].results[0] as { start?: string }).start;
    assert.equal(validate(example), false);
  });

  it('validates against the OSCAL 1.1.3 schema; one observation per in-scope finding; a finding per reviewed control', async () => {
    const { document, outcome } = await scanned([fixtures]);
    assertValid(document);
    const ar = document['assessment-results'];
    assert.equal(ar.metadata['oscal-version'], '1.1.3');
    assert.equal(ar.metadata.version, '9.9.9');
    const [result] = ar.results;
    assert.ok(Date.parse(result!.start) <= Date.parse(result!.end));
    assert.equal(result!.observations!.length, outcome.summary.findings + (outcome.summary.exceptedFindings ?? 0));
    const reviewed = outcome.controls.filter((c) => ['pass', 'fail', 'partial'].includes(c.status));
    assert.deepEqual(result!['reviewed-controls']['control-selections'][0]!['include-controls']!.map((c) => c['control-id']), reviewed.map((c) => c.id));
    assert.deepEqual(result!.findings!.map((f) => f.target['target-id']), reviewed.map((c) => c.id));
    for (const finding of result!.findings!) {
      const control = reviewed.find((c) => c.id === finding.target['target-id'])!;
      assert.equal(finding.target.status.state, control.status === 'pass' ? 'satisfied' : 'not-satisfied');
      // The related observations are exactly the unexcepted ones of a check mapped to this control, each once.
      const mapped = new Set(control.checks);
      const expected = result!.observations!.filter((o) => !o.props.some((p) => p.name === 'exception')
        && o.props.some((p) => (p.name === 'check-id' || p.name === 'also-flagged-by') && mapped.has(p.value))).map((o) => o.uuid);
      const related = (finding['related-observations'] ?? []).map((r) => r['observation-uuid']);
      assert.deepEqual([...related].sort(), [...expected].sort(), control.id);
      if (control.status === 'fail') assert.ok(related.length > 0);
    }
    const privileged = result!.observations!.find((o) => o.props.some((p) => p.name === 'check-id' && p.value === 'workload.privileged-container'))!;
    assert.ok(privileged.subjects[0]!['subject-uuid'].match(/^[0-9a-f]{8}-[0-9a-f]{4}-5/));
  });

  it('input errors are assessment-log entries, and the document still validates', async () => {
    const dir = tempTree({ 'broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: [oops\n' });
    const { document, outcome } = await scanned([fixtures, join(dir, 'broken.yaml')]);
    assertValid(document);
    const entries = (document['assessment-results'].results[0] as unknown as { 'assessment-log': { entries: Array<{ description: string }> } })['assessment-log'].entries;
    assert.equal(entries.length, outcome.errors.length);
    assert.ok(entries.some((e) => /broken\.yaml:\d+(:\d+)?: /.test(e.description)));
  });

  it('a scan with no finding still validates (no empty arrays where the schema wants one item)', async () => {
    const dir = tempTree({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: a }\ndata: { k: v }\n' });
    const { document } = await scanned([join(dir, 'cm.yaml')]);
    assertValid(document);
    assert.equal(document['assessment-results'].results[0]!.observations, undefined);
  });

  it('annexa scan -o oscal writes the same shape through the CLI', async () => {
    const dir = tempTree();
    const config = configKeeping(dir, ['workload.privileged-container']);
    const { code, text } = await scanInProcess([join(fixtures, 'privileged.yaml')], { output: 'oscal', config });
    assert.equal(code, 1);
    const document = JSON.parse(text) as Oscal;
    assertValid(document);
    assert.ok(document['assessment-results'].results[0]!.findings!.some((f) => f.target.status.state === 'not-satisfied' && f.target.status.reason === 'fail'));
  });

  it('streams: an observation per write, no write near the size of the document', async () => {
    const { writes, outcome } = await scanned([fixtures]);
    const total = writes.reduce((n, w) => n + w.length, 0);
    assert.ok(writes.length > outcome.summary.findings);
    assert.ok(Math.max(...writes.map((w) => w.length)) < total / 20);
  });

  it('subject uuids are name-based: the same resource, the same uuid; version 5 layout', () => {
    assert.equal(nameUuid('Pod/a/b'), nameUuid('Pod/a/b'));
    assert.notEqual(nameUuid('Pod/a/b'), nameUuid('Pod/a/c'));
    assert.match(nameUuid('x'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
