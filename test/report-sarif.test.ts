/** `-o sarif`: valid against the OASIS SARIF 2.1.0 errata01 schema, with the fields code scanning reads. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { conformanceDir, projectRoot } from './support/paths.js';
import { configKeeping, scanInProcess, tempTree } from './support/scan-output.js';
import { artifactUri, fingerprint, physicalLocation, sarifLevel } from '../src/report/sarif.js';
import type { Finding } from '../src/resources/types.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');
const PRIVILEGED = 'workload.privileged-container';

function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(conformanceDir, 'schemas', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as object;
  const ajv = new Ajv04.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

const validate = sarifValidator();

function assertValid(log: unknown): void {
  const ok = validate(log);
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; 'security-severity': string };
}

interface SarifPhysicalLocation {
  artifactLocation: { uri: string };
  region?: { startLine: number; startColumn?: number };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation?: SarifPhysicalLocation; logicalLocations: Array<{ name: string; fullyQualifiedName: string }> }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: string; justification: string }>;
}

interface SarifNotification {
  level: string;
  message: { text: string };
  locations?: Array<{ physicalLocation: SarifPhysicalLocation }>;
}

interface SarifLog {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: SarifRule[] } };
    results: SarifResult[];
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: SarifNotification[] }>;
  }>;
}

describe('sarif reporter', () => {
  const dir = tempTree();
  const config = configKeeping(dir, [PRIVILEGED]);

  it('the validator rejects what the schema forbids', () => {
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] }), false);
  });

  it('is a valid SARIF log with one result per finding and a rule per check that fired', async () => {
    const { code, text } = await scanInProcess([join(fixtures, 'privileged.yaml'), join(fixtures, 'list.json'), join(fixtures, 'clean.yaml')], { output: 'sarif', config });
    assert.equal(code, 1);
    const log = JSON.parse(text) as SarifLog;
    assertValid(log);
    assert.equal(log.version, '2.1.0');
    const [run] = log.runs;
    const driver = run!.tool.driver;
    assert.equal(driver.name, 'annexa');
    assert.match(driver.version, /^\d+\.\d+\.\d+/);
    assert.equal(driver.rules.length, 1);
    const rule = driver.rules[0]!;
    assert.equal(rule.id, PRIVILEGED);
    assert.equal(typeof rule.name, 'string');
    assert.equal(rule.shortDescription.text, 'Containers must not run privileged');
    assert.match(rule.fullDescription.text, /privileged container/);
    assert.match(rule.help.text, /securityContext\.privileged/);
    assert.match(rule.help.markdown, /A\.8\.9/);
    assert.equal(rule.defaultConfiguration.level, 'error');
    assert.ok(rule.properties.tags.includes('iso27001:A.8.9'));
    assert.equal(rule.properties['security-severity'], '9.5');
    assert.ok(Number(rule.properties['security-severity']) >= 9);

    assert.equal(run!.results.length, 2);
    const web = run!.results.find((r) => r.locations[0]!.logicalLocations[0]!.fullyQualifiedName === 'Pod/shop/web')!;
    assert.equal(web.ruleId, PRIVILEGED);
    assert.equal(web.ruleIndex, 0);
    assert.equal(web.level, 'error');
    assert.equal(web.message.text, 'container "app" runs privileged');
    const physical = web.locations[0]!.physicalLocation!;
    assert.equal(physical.artifactLocation.uri, 'test/fixtures/scan/privileged.yaml');
    assert.deepEqual(physical.region, { startLine: 17, startColumn: 9 });
    assert.match(web.partialFingerprints['annexaFinding/v1'], /^[0-9a-f]{64}$/);
    const second = run!.results.find((r) => r.locations[0]!.logicalLocations[0]!.name === 'second')!;
    assert.equal(second.locations[0]!.physicalLocation!.artifactLocation.uri, 'test/fixtures/scan/list.json');
    assert.equal(second.locations[0]!.physicalLocation!.region!.startLine, 20);
    assert.deepEqual(run!.invocations.map((i) => i.executionSuccessful), [true]);
  });

  it('has fingerprints that are stable across runs and distinct per finding', async () => {
    const paths = [join(fixtures, 'secrets.yaml'), join(fixtures, 'privileged.yaml')];
    const first = JSON.parse((await scanInProcess(paths, { output: 'sarif', config })).text) as SarifLog;
    const again = JSON.parse((await scanInProcess([...paths].reverse(), { output: 'sarif', config })).text) as SarifLog;
    const prints = (log: SarifLog) => log.runs[0]!.results.map((r) => r.partialFingerprints['annexaFinding/v1']!).sort();
    assert.deepEqual(prints(first), prints(again));
    assert.equal(new Set(prints(first)).size, first.runs[0]!.results.length);
  });

  it('reports input errors as tool execution notifications and stays valid', async () => {
    const { code, text } = await scanInProcess([join(fixtures, 'invalid.yaml'), join(dir, 'absent.yaml')], { output: 'sarif', config });
    assert.equal(code, 2);
    const log = JSON.parse(text) as SarifLog;
    assertValid(log);
    const invocation = log.runs[0]!.invocations[0]!;
    assert.equal(invocation.executionSuccessful, false);
    const messages = invocation.toolExecutionNotifications.map((n) => n.message.text);
    assert.ok(messages.some((m) => m.includes('absent.yaml') && m.includes('no such file')));
    const parse = invocation.toolExecutionNotifications.find((n) => n.locations?.[0]?.physicalLocation.region?.startLine === 13);
    assert.ok(parse, 'the YAML error keeps its line');
    assert.equal(parse.level, 'error');
    assert.equal(log.runs[0]!.results.length, 2, 'the valid documents around the broken one are still scanned');
  });

  it('stays valid with suppressed (out-of-scope) results', async () => {
    const scoped = configKeeping(tempTree(), [PRIVILEGED], {}, { scope: { namespaces: { exclude: [{ name: 'shop', justification: 'vendor-managed' }] } } });
    const log = JSON.parse((await scanInProcess([join(fixtures, 'privileged.yaml')], { output: 'sarif', config: scoped })).text) as SarifLog;
    assertValid(log);
    assert.deepEqual(log.runs[0]!.results[0]!.suppressions, [{ kind: 'external', justification: 'vendor-managed' }]);
  });

  it('rates a rule by its most severe finding, so severity overrides reach code scanning', async () => {
    const lowered = configKeeping(tempTree(), [PRIVILEGED], { [PRIVILEGED]: 'high' });
    const log = JSON.parse((await scanInProcess([join(fixtures, 'privileged.yaml')], { output: 'sarif', config: lowered, failOn: 'never' })).text) as SarifLog;
    assertValid(log);
    const [rule] = log.runs[0]!.tool.driver.rules;
    assert.equal(rule!.properties['security-severity'], '8.0');
    assert.equal(rule!.defaultConfiguration.level, 'error');
    assert.match(rule!.help.markdown, /\| ISO 27001 \| A\.8\.2, A\.8\.9, A\.8\.18 \|/);
  });

  it('is valid for an empty scan', async () => {
    const empty = JSON.parse((await scanInProcess([join(fixtures, 'clean.yaml')], { output: 'sarif', config })).text) as SarifLog;
    assertValid(empty);
    assert.deepEqual(empty.runs[0]!.results, []);
    assert.deepEqual(empty.runs[0]!.tool.driver.rules, []);
  });

  it('points findings of kustomize output at the kustomization file (code scanning needs a file)', () => {
    const root = tempTree({ 'overlays/prod/kustomization.yaml': 'resources: [../../base]\n', 'overlays/dev/Kustomization': 'resources: []\n' });
    assert.deepEqual(physicalLocation({ file: 'kustomize:overlays/prod', line: 18, column: 9 }, root),
      { artifactLocation: { uri: 'overlays/prod/kustomization.yaml', uriBaseId: '%SRCROOT%' } });
    assert.deepEqual(physicalLocation({ file: 'kustomize:overlays/dev', line: 3 }, root),
      { artifactLocation: { uri: 'overlays/dev/Kustomization', uriBaseId: '%SRCROOT%' } });
    assert.equal(physicalLocation({ file: 'kustomize:overlays/missing', line: 3 }, root), undefined);
    assert.deepEqual(physicalLocation({ file: 'k8s/app.yaml', line: 4, column: 2 }, root),
      { artifactLocation: { uri: 'k8s/app.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: 2 } });
  });

  it('maps severities to levels and paths to relative URIs', () => {
    assert.deepEqual(['critical', 'high', 'medium', 'low', 'info'].map((s) => sarifLevel(s as Finding['severity'])), ['error', 'error', 'warning', 'note', 'note']);
    assert.equal(artifactUri('-'), undefined);
    assert.equal(artifactUri('kustomize:overlays/prod'), undefined);
    assert.equal(artifactUri('./a dir/x#1.yaml'), 'a%20dir/x%231.yaml');
    assert.equal(artifactUri('/repo/k8s/app.yaml', '/repo'), 'k8s/app.yaml');
    const base: Finding = {
      checkId: 'a.b', title: 't', severity: 'high', resource: { apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'n' },
      path: 'spec', message: 'm', remediation: 'r', controls: { iso27001: ['A.8.9'] },
    };
    assert.equal(fingerprint(base), fingerprint({ ...base, message: 'other wording', location: { file: 'moved.yaml', line: 99 } }));
    assert.notEqual(fingerprint(base), fingerprint({ ...base, path: 'spec.x' }));
    assert.notEqual(fingerprint(base), fingerprint({ ...base, resource: { ...base.resource, namespace: 'm' } }));
  });
});
