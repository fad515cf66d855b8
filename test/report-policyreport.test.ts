/** The PolicyReport builder: objects valid against the wgpolicyk8s.io v1alpha2 and openreports.io v1alpha1 CRD schemas. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { conformanceDir } from './support/paths.js';
import { parseResources } from './support/run-checks.js';
import { builtinChecks } from '../src/checks/index.js';
import { CheckSet } from '../src/engine/evaluate.js';
import { scanResource } from '../src/engine/scan.js';
import { makeConfig } from '../src/isms/config.js';
import type { Check } from '../src/engine/check.js';
import type { Finding, InputError } from '../src/resources/types.js';
import { buildPolicyReports, policyCheckInfo, resultOf, type PolicyReport } from '../src/report/policyreport.js';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };

/** The openAPIV3Schema of one version of a CRD file (test/conformance/schemas). */
function crdValidator(file: string, version: string): Validator {
  const crd = parse(readFileSync(join(conformanceDir, 'schemas', file), 'utf8')) as { spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: object } }> } };
  const schema = crd.spec.versions.find((v) => v.name === version)?.schema.openAPIV3Schema;
  assert.ok(schema, `${file} has no ${version}`);
  // The CRDs use Kubernetes extensions (x-kubernetes-*) and int32/int64 formats: not strict, no format checks.
  const ajv = new Ajv.default({ allErrors: true, strict: false, validateFormats: false });
  return ajv.compile(schema) as Validator;
}

const validators = {
  PolicyReport: crdValidator('policyreport/wgpolicyk8s.io_policyreports.yaml', 'v1alpha2'),
  ClusterPolicyReport: crdValidator('policyreport/wgpolicyk8s.io_clusterpolicyreports.yaml', 'v1alpha2'),
  Report: crdValidator('openreports/openreports.io_reports.yaml', 'v1alpha1'),
  ClusterReport: crdValidator('openreports/openreports.io_clusterreports.yaml', 'v1alpha1'),
};

function assertValid(report: PolicyReport): void {
  const validate = validators[report.kind];
  assert.ok(validate(JSON.parse(JSON.stringify(report))), `${report.kind} ${report.metadata.name}: ${JSON.stringify(validate.errors)}`);
}

const MANIFEST = `
apiVersion: v1
kind: Pod
metadata: { name: priv, namespace: team-a }
spec:
  containers:
    - name: app
      image: registry.example.com/app@sha256:${'a'.repeat(64)}
      securityContext: { privileged: true }
---
apiVersion: v1
kind: Pod
metadata: { name: calm, namespace: team-b }
spec:
  containers:
    - name: app
      image: registry.example.com/app@sha256:${'b'.repeat(64)}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: everyone-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: Group, name: 'system:authenticated', apiGroup: rbac.authorization.k8s.io }]
`;

function scanManifest(manifest: string, checks: readonly Check[] = builtinChecks, config = makeConfig({})) {
  const set = new CheckSet(checks);
  const errors: InputError[] = [];
  const scanned = parseResources(manifest).map((resource) => scanResource(resource, set, { config }, errors));
  return { scanned, errors, findings: scanned.flatMap((s) => s.findings) };
}

describe('PolicyReport builder', () => {
  const { scanned, findings, errors } = scanManifest(MANIFEST);
  const checks = policyCheckInfo(builtinChecks);
  const evaluated = scanned.map((s) => ({ ref: s.ref, checks: s.evaluated }));

  it('the official v1alpha2 samples validate (the validator accepts what it should)', () => {
    for (const sample of ['sample-cis-k8s.yaml', 'sample-co.yaml', 'sample-falco-policy.yaml', 'sample-rhacm-policy.yaml']) {
      for (const doc of parseAllDocuments(readFileSync(join(conformanceDir, 'schemas', 'policyreport', 'samples', sample), 'utf8'))) {
        const report = doc.toJS() as { kind: 'PolicyReport' | 'ClusterPolicyReport' };
        assert.ok(validators[report.kind](report), `${sample}: ${JSON.stringify(validators[report.kind].errors)}`);
      }
    }
  });

  it('one PolicyReport per namespace, a ClusterPolicyReport for cluster-scoped resources, all valid', () => {
    const reports = buildPolicyReports(findings, { checks, evaluated, timestamp: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)) });
    assert.deepEqual(reports.map((r) => [r.kind, r.metadata.name, r.metadata.namespace]), [
      ['ClusterPolicyReport', 'annexa-cluster', undefined],
      ['PolicyReport', 'annexa-team-a', 'team-a'],
      ['PolicyReport', 'annexa-team-b', 'team-b'],
    ]);
    for (const report of reports) {
      assert.equal(report.apiVersion, 'wgpolicyk8s.io/v1alpha2');
      assert.equal(report.metadata.labels['app.kubernetes.io/managed-by'], 'annexa');
      assertValid(report);
      for (const result of report.results) {
        assert.deepEqual(result.timestamp, { seconds: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000, nanos: 678_000_000 });
        for (const resource of result.resources ?? []) assert.equal(resource.namespace, report.metadata.namespace);
      }
    }
  });

  it('a finding is a fail result with the check, severity, resource, field path and Annex A controls', () => {
    const teamA = buildPolicyReports(findings, { checks }).find((r) => r.metadata.namespace === 'team-a');
    const privileged = teamA!.results.find((r) => r.policy === 'workload.privileged-container');
    assert.ok(privileged);
    assert.equal(privileged.result, 'fail');
    assert.equal(privileged.rule, 'workload.privileged-container');
    assert.equal(privileged.category, 'workload');
    assert.equal(privileged.severity, 'critical');
    assert.deepEqual(privileged.resources, [{ apiVersion: 'v1', kind: 'Pod', name: 'priv', namespace: 'team-a', fieldPath: 'spec.containers[0].securityContext.privileged' }]);
    const check = builtinChecks.find((c) => c.id === 'workload.privileged-container')!;
    assert.equal(privileged.properties?.controls, check.controls.iso27001.join(','));
    assert.equal(privileged.properties?.remediation, check.remediation);
    assert.match(privileged.properties?.location ?? '', /^example-\d+\.yaml:\d+:\d+$/);
  });

  it('summary counts equal the results by outcome', () => {
    for (const report of buildPolicyReports(findings, { checks, evaluated })) {
      const counted = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
      for (const result of report.results) counted[result.result] += 1;
      assert.deepEqual(report.summary, counted);
    }
  });

  it('passes: a check evaluated on a resource without a finding there; never one that flagged it', () => {
    const reports = buildPolicyReports(findings, { checks, evaluated });
    const teamA = reports.find((r) => r.metadata.namespace === 'team-a')!;
    const passed = teamA.results.filter((r) => r.result === 'pass').map((r) => r.policy);
    // A finding flagged by several checks (`rules`) fails all of them: pss.baseline flags the privileged container too.
    const failed = new Set(findings.filter((f) => f.resource.name === 'priv').flatMap((f) => f.rules ?? [f.checkId]));
    assert.ok(failed.has('pss.baseline'));
    assert.ok(passed.length > 0);
    for (const id of passed) assert.ok(!failed.has(id), `${id} both passes and fails on the same Pod`);
    const evaluatedOnPriv = scanned.find((s) => s.ref.name === 'priv')!.evaluated;
    assert.deepEqual([...passed].sort(), evaluatedOnPriv.filter((id) => !failed.has(id)).sort());
    // Without the evaluated checks there are only findings.
    assert.ok(buildPolicyReports(findings, { checks }).every((r) => r.summary.pass === 0));
  });

  it('an info finding is a warning; excepted and out-of-scope findings are skipped, saying why', () => {
    const base = findings.find((f) => f.checkId === 'workload.privileged-container')!;
    const info: Finding = { ...base, severity: 'info' };
    const excepted: Finding = { ...base, excepted: { check: base.checkId, justification: 'vendor agent', approvedBy: 'ciso', expires: '2027-01-31', ticket: 'SEC-1' } };
    const outOfScope: Finding = { ...base, outOfScope: { reason: 'namespace team-a is excluded from the ISMS scope' } };
    assert.equal(resultOf(info), 'warn');
    const [report] = buildPolicyReports([info, excepted, outOfScope], { checks });
    assert.deepEqual(report!.results.map((r) => r.result), ['warn', 'skip', 'skip']);
    assert.equal(report!.results[1]!.properties?.exceptionExpires, '2027-01-31');
    assert.match(report!.results[1]!.properties?.exception ?? '', /vendor agent \(approved by ciso, expires 2027-01-31, SEC-1\)/);
    assert.equal(report!.results[2]!.properties?.outOfScope, 'namespace team-a is excluded from the ISMS scope');
    assert.deepEqual(report!.summary, { pass: 0, fail: 0, warn: 1, error: 0, skip: 2 });
    assertValid(report!);
  });

  it('a check that threw on a resource is an error result there', () => {
    const throwing: Check = {
      ...builtinChecks.find((c) => c.id === 'workload.privileged-container')!,
      id: 'workload.always-throws',
      scope: 'pod',
      check() {
        throw new TypeError('boom');
      },
    } as Check;
    const run = scanManifest(MANIFEST, [throwing]);
    assert.ok(run.errors.length > 0);
    const reports = buildPolicyReports(run.findings, { checks: policyCheckInfo([throwing]), errors: run.errors });
    const results = reports.flatMap((r) => r.results);
    assert.ok(results.length > 0);
    for (const result of results) {
      assert.equal(result.result, 'error');
      assert.equal(result.policy, 'workload.always-throws');
      assert.match(result.message, /check workload\.always-throws failed on Pod\/team-[ab]\/(priv|calm)/);
    }
    for (const report of reports) assertValid(report);
  });

  it('openreports.io/v1alpha1: Report per namespace and ClusterReport, with a source, valid', () => {
    const reports = buildPolicyReports(findings, { api: 'openreports', checks, evaluated, source: 'annexa-ci' });
    assert.deepEqual(reports.map((r) => r.kind), ['ClusterReport', 'Report', 'Report']);
    for (const report of reports) {
      assert.equal(report.apiVersion, 'openreports.io/v1alpha1');
      assert.equal(report.source, 'annexa-ci');
      assert.ok(report.results.every((r) => r.source === 'annexa-ci'));
      assertValid(report);
    }
  });

  it('the schema rejects what the builder must never produce', () => {
    const [report] = buildPolicyReports(findings, { checks });
    const broken = JSON.parse(JSON.stringify(report)) as { results: Array<Record<string, unknown>> };
    broken.results[0]!.result = 'failed';
    assert.equal(validators.ClusterPolicyReport(broken), false);
    const numeric = JSON.parse(JSON.stringify(report)) as { results: Array<{ properties: Record<string, unknown> }> };
    numeric.results[0]!.properties.line = 3;
    assert.equal(validators.ClusterPolicyReport(numeric), false);
  });

  it('no findings and nothing evaluated: no reports', () => {
    assert.deepEqual(buildPolicyReports([], { checks }), []);
  });

  it('errors with no check, and unknown checks in the evaluated list, add nothing', () => {
    const reports = buildPolicyReports([], { checks, errors: [{ file: 'x.yaml', line: 1, message: 'not YAML' }], evaluated: [{ ref: { apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'n' }, checks: ['no.such-check'] }] });
    assert.deepEqual(reports, []);
    assert.equal(errors.length, 0);
  });
});
