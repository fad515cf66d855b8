/** `-o policyreport`: the streamed multi-document YAML equals the builder's reports, validates against the CRDs, and is written in small pieces. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { builtinChecks } from '../src/checks/index.js';
import { runScan, type ScannedResource } from '../src/engine/scan.js';
import { makeConfig } from '../src/isms/config.js';
import { assessScan } from '../src/posture/outcome.js';
import { prepareInputs } from '../src/sources/input.js';
import { teeSink } from '../src/evidence/scan-record.js';
import { KeyedSpool } from '../src/report/keyed-spool.js';
import { buildPolicyReports, policyCheckInfo, type EvaluatedResource, type PolicyReport } from '../src/report/policyreport.js';
import { policyReportReporter, yamlFlow } from '../src/report/policyreport-yaml.js';
import type { Finding } from '../src/resources/types.js';
import { conformanceDir, projectRoot } from './support/paths.js';
import { configKeeping, scanInProcess, tempTree } from './support/scan-output.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');

function crdValidator(file: string, version: string) {
  const crd = parse(readFileSync(join(conformanceDir, 'schemas', file), 'utf8')) as { spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: object } }> } };
  return new Ajv.default({ allErrors: true, strict: false, validateFormats: false }).compile(crd.spec.versions.find((v) => v.name === version)!.schema.openAPIV3Schema);
}
const validators: Record<string, ReturnType<typeof crdValidator>> = {
  PolicyReport: crdValidator('policyreport/wgpolicyk8s.io_policyreports.yaml', 'v1alpha2'),
  ClusterPolicyReport: crdValidator('policyreport/wgpolicyk8s.io_clusterpolicyreports.yaml', 'v1alpha2'),
  Report: crdValidator('openreports/openreports.io_reports.yaml', 'v1alpha1'),
  ClusterReport: crdValidator('openreports/openreports.io_clusterreports.yaml', 'v1alpha1'),
};

function documents(text: string): PolicyReport[] {
  return parseAllDocuments(text).map((doc) => {
    assert.deepEqual(doc.errors, []);
    return doc.toJS() as PolicyReport;
  });
}

function withoutTimestamps(reports: PolicyReport[]): PolicyReport[] {
  return reports.map((report) => ({ ...report, results: report.results.map(({ timestamp: _t, ...rest }) => rest) }));
}

/** Scans the paths in this process, feeding the reporter and a collector, with the writes recorded. */
async function scanBoth(paths: string[], api?: 'openreports') {
  const config = makeConfig({});
  const writes: string[] = [];
  const reporter = policyReportReporter({ write: (chunk) => writes.push(chunk), color: false, toolVersion: 'test', ...(api ? { policyReportApi: api } : {}) });
  const findings: Finding[] = [];
  const evaluated: EvaluatedResource[] = [];
  const collector = {
    resource(scanned: ScannedResource) {
      findings.push(...scanned.findings);
      if (scanned.outOfScope === undefined) evaluated.push({ ref: scanned.ref, checks: scanned.evaluated, findings: scanned.findings });
    },
    inventoryFindings(more: Finding[]) {
      findings.push(...more);
    },
  };
  const { units, errors } = prepareInputs({ paths, kustomize: [], maxFileBytes: 2 ** 24, allowEmpty: false });
  const result = await runScan(units, { config, checks: builtinChecks, workers: 0 }, teeSink(reporter, collector), errors);
  const outcome = assessScan(result, config, builtinChecks);
  reporter.finish(outcome);
  return { writes, findings, evaluated, outcome };
}

describe('-o policyreport', () => {
  it('the streamed documents equal the builder\'s reports for the same scan, and validate against the CRDs', async () => {
    for (const api of [undefined, 'openreports'] as const) {
      const { writes, findings, evaluated, outcome } = await scanBoth([fixtures], api);
      const streamed = documents(writes.join(''));
      const built = buildPolicyReports(findings, { ...(api ? { api } : {}), checks: policyCheckInfo(outcome.checks), evaluated, errors: outcome.errors });
      assert.ok(streamed.length >= 2, 'several namespaces and the cluster report');
      assert.deepEqual(withoutTimestamps(streamed), withoutTimestamps(built));
      for (const report of streamed) {
        assert.ok(validators[report.kind]!(report), `${report.kind}: ${JSON.stringify(validators[report.kind]!.errors)}`);
        for (const result of report.results) assert.equal(typeof result.timestamp?.seconds, 'number');
      }
    }
  });

  it('is written a line at a time: no write holds a whole report', async () => {
    const { writes } = await scanBoth([fixtures]);
    const total = writes.reduce((n, w) => n + w.length, 0);
    assert.ok(writes.length > 50, `${writes.length} writes`);
    const longest = Math.max(...writes.map((w) => w.length));
    assert.ok(longest < total / 10, `longest write ${longest} of ${total} characters`);
    for (const w of writes) assert.equal(w.split('\n').length, 2, 'one line per write');
  });

  it('annexa scan -o policyreport --policyreport-api openreports; --severity drops the passes', async () => {
    const dir = tempTree();
    const config = configKeeping(dir, ['workload.privileged-container']);
    const plain = documents((await scanInProcess([join(fixtures, 'privileged.yaml'), join(fixtures, 'clean.yaml')], { output: 'policyreport', config })).text);
    assert.ok(plain.every((r) => r.apiVersion === 'wgpolicyk8s.io/v1alpha2'));
    assert.ok(plain.some((r) => r.summary.pass > 0) && plain.some((r) => r.summary.fail > 0));
    const open = documents((await scanInProcess([join(fixtures, 'privileged.yaml')], { output: 'policyreport', config, policyreportApi: 'openreports' })).text);
    assert.ok(open.length > 0 && open.every((r) => r.apiVersion === 'openreports.io/v1alpha1' && (r.kind === 'Report' || r.kind === 'ClusterReport')));
    const filtered = documents((await scanInProcess([join(fixtures, 'privileged.yaml'), join(fixtures, 'clean.yaml')], { output: 'policyreport', config, severity: 'critical' })).text);
    assert.ok(filtered.length > 0);
    assert.ok(filtered.every((r) => r.summary.pass === 0), 'a hidden finding is not a pass');
  });

  it('hostile text stays data: YAML-significant and invisible characters round-trip', () => {
    const hostile = 'x\n---\nkind: Secret # <script>\u0085\u2028\u007f\ufeff"\'\\: [a]';
    const parsed = parse(`value: ${yamlFlow({ message: hostile })}\n`) as { value: { message: string } };
    assert.equal(parsed.value.message, hostile);
  });
});

describe('KeyedSpool', () => {
  it('gives each key its lines in order, across spills to disk', () => {
    const spool = new KeyedSpool(3 * 1024);
    const expected = new Map<string, string[]>();
    for (let i = 0; i < 3000; i++) {
      const key = `ns-${(i * 7) % 13}`;
      const line = `line ${i} ${'é'.repeat(i % 17)}`;
      spool.append(key, line);
      expected.set(key, [...(expected.get(key) ?? []), line]);
    }
    assert.deepEqual(spool.keys(), [...expected.keys()]);
    assert.deepEqual([...spool.read('ns-1')], expected.get('ns-1'));
    assert.deepEqual([...spool.read('ns-1')], expected.get('ns-1'), 'read keeps the lines');
    for (const key of [...expected.keys()].reverse()) {
      assert.equal(spool.count(key), expected.get(key)!.length);
      assert.deepEqual([...spool.drain(key)], expected.get(key));
    }
    assert.deepEqual([...spool.drain('ns-0')], []);
    spool.close();
  });
});
