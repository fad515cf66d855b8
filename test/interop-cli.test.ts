/**
 * `annexa scan --with` and `annexa import` end to end on the example estate: A.8.8 from imported
 * vulnerability reports (workloads, SLA states, exceptions, uncovered images), policy results merged
 * with Annexa's findings without double counting, provenance in every format and in the evidence store.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './support/paths.js';
import { runCli, tempTree } from './support/scan-output.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'interop');
const fixture = (name: string) => join(fixtures, name);
const estate = join(projectRoot, 'examples', 'estate');
const config = fixture('annexa.yaml');
const REPORTS = ['trivy-storefront.json', 'grype-cart-nginx.json', 'kyverno-estate.yaml', 'kubescape-estate.json', 'cyclonedx-storefront.json', 'trivy-empty-results.json'].map(fixture);

interface Source { tool: string; version?: string; reportTime?: string; file?: string; rule?: string }
interface JsonFinding {
  checkId: string; severity: string; path: string; message: string; severityReason?: string;
  resource: { kind: string; namespace?: string; name: string };
  details?: Record<string, unknown>; sources?: Source[]; excepted?: { ticket?: string }; exceptionExpired?: { ticket?: string };
}
interface JsonControl { id: string; status: string; findings: number; evidenceSources?: string[]; imagesWithoutVulnerabilityReport?: string[]; coverage: { notEvaluated: Array<{ check: string; reason: string }> } }
interface JsonReport {
  findings: JsonFinding[]; excepted: JsonFinding[]; controls: JsonControl[];
  evaluation: { checks: Array<{ check: string; resources: number; findings: Record<string, number>; notEvaluated?: string }> };
  errors: Array<{ file: string; line?: number; message: string }>;
  imports?: Record<string, unknown>;
  summary: { findings: number; exceptedFindings: number };
}

function scanWith(extra: string[] = [], at = '2026-11-20', configFile = config): JsonReport {
  const run = runCli(['scan', estate, '-c', configFile, '--at', at, '-o', 'json', '--fail-on', 'never', '--with', ...REPORTS, ...extra]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as JsonReport;
}

const vulnerabilities = (report: JsonReport, workload: string) => [...report.findings, ...report.excepted]
  .filter((f) => f.checkId === 'import.vulnerability' && f.resource.name === workload)
  .map((f) => [f.details?.vulnerability, f.severity, f.details?.slaState]).sort();
const control = (report: JsonReport, id: string) => report.controls.find((c) => c.id === id)!;

describe('scan --with: A.8.8 from Trivy and Grype reports for the example estate', () => {
  const report = scanWith();

  it('reports each vulnerability against the workloads running the image (digest for storefront, nginx = docker.io/library/nginx:latest for cart)', () => {
    assert.deepEqual(vulnerabilities(report, 'storefront'), [
      ['CVE-2023-45853', 'info', 'no-fix'],
      ['CVE-2024-5535', 'critical', 'past-sla'],
      ['CVE-2024-56171', 'info', 'within-sla'],
    ]);
    assert.deepEqual(vulnerabilities(report, 'cart'), [
      ['CVE-2023-44487', 'high', 'past-sla'],
      ['CVE-2024-5535', 'critical', 'past-sla'],
      ['CVE-2025-0001', 'info', 'within-sla'],
    ]);
  });

  it('measures the SLA from the report time: the high libxml2 vulnerability is due 30 days after 2026-11-01', () => {
    const libxml = report.findings.find((f) => f.details?.vulnerability === 'CVE-2024-56171')!;
    assert.equal(libxml.details?.due, '2026-12-01T08:00:00.000Z');
    assert.match(libxml.severityReason!, /within its 30-day SLA \(due 2026-12-01\)/);
    const later = scanWith([], '2026-12-05');
    assert.deepEqual(vulnerabilities(later, 'storefront').find(([id]) => id === 'CVE-2024-56171'), ['CVE-2024-56171', 'high', 'past-sla']);
  });

  it('applies exceptions by CVE id and image, and lets them expire', () => {
    const accepted = report.excepted.find((f) => f.details?.vulnerability === 'CVE-2023-44487')!;
    assert.equal(accepted.excepted?.ticket, 'SEC-4711');
    assert.equal(accepted.resource.name, 'cart');
    const expired = scanWith([], '2027-02-01');
    const again = expired.findings.find((f) => f.details?.vulnerability === 'CVE-2023-44487')!;
    assert.equal(again.exceptionExpired?.ticket, 'SEC-4711');
    assert.match(again.message, /exception SEC-4711 expired on 2027-01-31/);
  });

  it('puts A.8.8 into posture, names the tools, and says which running images no report covers', () => {
    const a88 = control(report, 'A.8.8');
    assert.equal(a88.status, 'fail');
    assert.deepEqual(a88.evidenceSources, ['grype', 'trivy']);
    assert.deepEqual(a88.imagesWithoutVulnerabilityReport, ['docker.io/library/busybox:latest']);
    assert.deepEqual(a88.coverage.notEvaluated.find((n) => n.check === 'import.vulnerability'), { check: 'import.vulnerability', reason: 'not-covered' });
    const entry = report.evaluation.checks.find((c) => c.check === 'import.vulnerability')!;
    // Past SLA and unexcepted: two criticals (storefront, cart); the high one is excepted.
    assert.deepEqual({ critical: entry.findings.critical, high: entry.findings.high }, { critical: 2, high: undefined });
    assert.equal(entry.findings.info, 3, 'within SLA or without a fix: reported at info');
  });

  it('evaluates A.8.8 fully once every running image is covered', () => {
    const dir = tempTree({ 'busybox.json': JSON.stringify({ SchemaVersion: 2, CreatedAt: '2026-11-19T00:00:00Z', ArtifactName: 'busybox', ArtifactType: 'container_image', Metadata: { RepoTags: ['busybox:latest'] }, Results: [] }) });
    const covered = scanWith([join(dir, 'busybox.json')]);
    assert.deepEqual(control(covered, 'A.8.8').imagesWithoutVulnerabilityReport, []);
    assert.equal(covered.evaluation.checks.find((c) => c.check === 'import.vulnerability')?.notEvaluated, undefined);
  });

  it('keeps provenance (tool, version, report time, file) on every imported finding', () => {
    const imported = report.findings.filter((f) => f.checkId.startsWith('import.'));
    assert.ok(imported.length > 0);
    for (const finding of imported) {
      assert.ok(finding.sources && finding.sources.length > 0, finding.message);
      for (const source of finding.sources) assert.ok(source.tool && source.file, JSON.stringify(source));
    }
    const trivy = report.findings.find((f) => f.details?.vulnerability === 'CVE-2024-5535' && f.resource.name === 'storefront')!;
    assert.deepEqual(trivy.sources, [{ tool: 'trivy', version: '0.58.1', reportTime: '2026-11-01T08:00:00.000Z', file: fixture('trivy-storefront.json'), rule: 'CVE-2024-5535' }]);
  });
});

describe('scan --with: Kyverno and Kubescape results merged with Annexa findings', () => {
  const plain = JSON.parse(runCli(['scan', estate, '-c', config, '--at', '2026-11-20', '-o', 'json', '--fail-on', 'never']).stdout) as JsonReport;
  const merged = scanWith();
  const count = (report: JsonReport, check: string) => report.evaluation.checks.find((c) => c.check === check)!.findings;

  it('shows one finding with every source for the privileged cart container', () => {
    const findings = merged.findings.filter((f) => f.checkId === 'workload.privileged-container' && f.resource.name === 'cart');
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0]!.sources!.map((s) => s.tool), ['annexa', 'kyverno', 'kubescape']);
    assert.deepEqual(findings[0]!.sources!.map((s) => s.rule), ['workload.privileged-container', 'disallow-privileged-containers/autogen-privileged-containers', 'C-0057']);
  });

  it('joins the Kyverno host-namespaces result to the host-network finding of the CronJob', () => {
    const hostNetwork = merged.findings.find((f) => f.checkId === 'workload.host-network' && f.resource.name === 'nightly-report')!;
    assert.ok(hostNetwork.sources?.some((s) => s.tool === 'kyverno'));
  });

  it('counts merged problems once: the evaluation record and control findings equal the scan without imports', () => {
    for (const check of ['workload.privileged-container', 'workload.host-network', 'pss.baseline']) assert.deepEqual(count(merged, check), count(plain, check), check);
    assert.equal(control(merged, 'A.8.2').findings, control(plain, 'A.8.2').findings);
    assert.deepEqual(control(merged, 'A.8.2').evidenceSources, ['kubescape', 'kyverno']);
  });

  it('maps a policy named in annexa.yaml to its controls, and reports how results merged', () => {
    const label = merged.findings.find((f) => f.checkId === 'import.kyverno.require-team-label')!;
    assert.equal(label.resource.name, 'cart');
    assert.equal(label.path, 'spec.template.metadata.labels.team');
    assert.ok(control(merged, 'A.5.9').evidenceSources?.includes('kyverno'));
    const rows = merged.imports!.policyResults as Array<{ tool: string; merged: number; unmapped: number }>;
    assert.deepEqual(rows.map((r) => [r.tool, r.merged, r.unmapped]), [['kyverno', 2, 0], ['kubescape', 1, 1]]);
  });
});

describe('provenance in SARIF and the table', () => {
  it('SARIF results carry the sources and distinct fingerprints per vulnerability', () => {
    const run = runCli(['scan', estate, '-c', config, '--at', '2026-11-20', '-o', 'sarif', '--fail-on', 'never', '--with', ...REPORTS]);
    assert.equal(run.code, 0, run.stderr);
    const sarif = JSON.parse(run.stdout) as { runs: Array<{ results: Array<{ ruleId: string; partialFingerprints: Record<string, string>; properties: { sources?: Source[] } }> }> };
    const results = sarif.runs[0]!.results.filter((r) => r.ruleId === 'import.vulnerability');
    assert.ok(results.length >= 4);
    assert.ok(results.every((r) => r.properties.sources?.[0]?.tool));
    assert.equal(new Set(results.map((r) => r.partialFingerprints['annexaFinding/v1'])).size, results.length);
  });

  it('the table names the tools of merged findings', () => {
    const run = runCli(['scan', estate, '-c', config, '--at', '2026-11-20', '--fail-on', 'never', '--with', ...REPORTS]);
    assert.match(run.stdout, /container "cart" runs privileged \[annexa \+ kyverno \+ kubescape\]/);
    assert.match(run.stdout, /CVE-2024-5535 in libssl3 .* past its 7-day SLA .*\[trivy\]/);
  });
});

describe('annexa import', () => {
  it('processes the readable files and exits 2 naming each unreadable one with what was expected', () => {
    const run = runCli(['import', fixture('grype-cart-nginx.json'), fixture('trivy-schema-v1.json'), fixture('broken.json'), fixture('not-a-report.json'), '-c', config, '--at', '2026-11-20', '-o', 'json']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /annexa: .*trivy-schema-v1\.json: Trivy JSON SchemaVersion 1 is not supported \(expected 2/);
    assert.match(run.stderr, /annexa: .*broken\.json:2: not valid JSON/);
    assert.match(run.stderr, /annexa: .*not-a-report\.json: not a report Annexa imports/);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.equal(report.errors.length, 3);
    // Without a scan the findings are about the image, and A.8.8 cannot claim coverage of running images.
    const critical = report.findings.find((f) => f.details?.vulnerability === 'CVE-2024-5535')!;
    assert.deepEqual(critical.resource, { apiVersion: 'annexa.dev/v1', kind: 'ContainerImage', name: 'nginx' });
    assert.deepEqual(control(report, 'A.8.8').imagesWithoutVulnerabilityReport, ['unknown: no workloads were scanned']);
    assert.equal(control(report, 'A.8.8').status, 'fail');
  });

  it('exits 1 on findings at or above --fail-on and 0 below', () => {
    assert.equal(runCli(['import', fixture('grype-cart-nginx.json'), '-c', config, '--at', '2026-11-20']).code, 1);
    assert.equal(runCli(['import', fixture('policyreport-empty.yaml'), fixture('trivy-empty-results.json'), '-c', config]).code, 0);
  });

  it('refuses an unknown --format value and a content that contradicts --format', () => {
    assert.equal(runCli(['import', fixture('grype-cart-nginx.json'), '--format', 'nessus']).code, 2);
    const run = runCli(['import', fixture('grype-cart-nginx.json'), '--format', 'trivy']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--format trivy was given, but the content is a grype report/);
  });

  it('reports running images without an SBOM when annexa.yaml asks for SBOM coverage', () => {
    const dir = tempTree({ 'annexa.yaml': `${readFileSync(config, 'utf8')}  requireSbom: true\n` });
    const report = scanWith([], '2026-11-20', join(dir, 'annexa.yaml'));
    const missing = report.findings.filter((f) => f.checkId === 'import.sbom-coverage').map((f) => f.resource.name).sort();
    assert.deepEqual(missing, ['cart', 'ledger', 'nightly-report']);
    const sboms = report.imports!.sboms as Array<{ tool: string; runningIn: string[]; components: number }>;
    assert.deepEqual(sboms.map((s) => [s.tool, s.runningIn, s.components]), [['syft', ['Deployment/shop/storefront'], 3]]);
  });
});

describe('cluster-side reports', () => {
  it('ties a Trivy Operator report on ReplicaSet nginx-6d4cf56db6 to the Deployment nginx running index.docker.io/library/nginx:1.16', () => {
    const dir = tempTree({ 'nginx.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: nginx, namespace: default }\nspec:\n  selector: { matchLabels: { app: nginx } }\n  template:\n    metadata: { labels: { app: nginx } }\n    spec:\n      containers:\n        - { name: nginx, image: "nginx:1.16" }\n' });
    const run = runCli(['scan', join(dir, 'nginx.yaml'), '-c', config, '--at', '2026-11-20', '-o', 'json', '--fail-on', 'never', '--with', join(projectRoot, 'test', 'conformance', 'interop', 'trivy-operator', 'vulnerabilityreport-docs.yaml')]);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    const found = report.findings.filter((f) => f.checkId === 'import.vulnerability');
    assert.equal(found.length, 2);
    assert.ok(found.every((f) => f.resource.kind === 'Deployment' && f.resource.name === 'nginx' && f.path === 'spec.template.spec.containers[0].image'));
    assert.deepEqual(found[0]!.sources!.map((s) => [s.tool, s.version]), [['trivy-operator', '0.72.0']]);
    assert.deepEqual(control(report, 'A.8.8').imagesWithoutVulnerabilityReport, []);
  });
});

describe('configuration', () => {
  it('names the file, line and field of a wrong interop setting', () => {
    const dir = tempTree({ 'annexa.yaml': 'interop:\n  sla:\n    critical: 7 days\n' });
    const run = runCli(['import', fixture('grype-cart-nginx.json'), '-c', join(dir, 'annexa.yaml')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /annexa\.yaml:3: interop\.sla\.critical: /);
  });
});

describe('annexa soa --with', () => {
  it('names the tools in the evidence references of the controls they evidence', () => {
    const run = runCli(['soa', estate, '-c', config, '-o', 'json', '--with', ...REPORTS]);
    assert.equal(run.code, 0, run.stderr);
    const soa = JSON.parse(run.stdout) as { controls: Array<{ id: string; status: string; evidence: { importedFrom?: string[]; imagesWithoutVulnerabilityReport?: string[] } }> };
    const a88 = soa.controls.find((r) => r.id === 'A.8.8')!;
    assert.deepEqual(a88.evidence.importedFrom, ['grype', 'trivy']);
    assert.deepEqual(a88.evidence.imagesWithoutVulnerabilityReport, ['docker.io/library/busybox:latest']);
    const markdown = runCli(['soa', estate, '-c', config, '-o', 'markdown', '--with', ...REPORTS]).stdout;
    assert.match(markdown, /imported from grype, trivy \(images without a vulnerability report: docker\.io\/library\/busybox:latest\)/);
  });
});

describe('the evidence store', () => {
  it('records each import (type import) and measures the SLA from the first sighting in the store', () => {
    const dir = tempTree();
    const store = join(dir, 'evidence.db');
    const plainConfig = join(dir, 'annexa.yaml');
    writeFileSync(plainConfig, 'interop:\n  sla: { high: 30d }\n');
    const first = runCli(['import', fixture('grype-cart-nginx.json'), '-c', plainConfig, '--store', store, '--at', '2026-10-02', '--fail-on', 'never', '-o', 'json']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /recorded the import as evidence record 1/);
    // The same vulnerability in a report written on 2026-11-19: by that report alone the high one is within its 30 days.
    const later = JSON.parse(readFileSync(fixture('grype-cart-nginx.json'), 'utf8')) as { descriptor: { timestamp: string } };
    later.descriptor.timestamp = '2026-11-19T00:00:00Z';
    writeFileSync(join(dir, 'grype-later.json'), JSON.stringify(later));
    const alone = JSON.parse(runCli(['import', join(dir, 'grype-later.json'), '-c', plainConfig, '--at', '2026-11-20', '--fail-on', 'never', '-o', 'json']).stdout) as JsonReport;
    assert.equal(alone.findings.find((f) => f.details?.vulnerability === 'CVE-2023-44487')?.details?.slaState, 'within-sla');
    const second = runCli(['import', join(dir, 'grype-later.json'), '-c', plainConfig, '--store', store, '--at', '2026-11-20', '--fail-on', 'never', '-o', 'json']);
    const judged = (JSON.parse(second.stdout) as JsonReport).findings.find((f) => f.details?.vulnerability === 'CVE-2023-44487')!;
    assert.equal(judged.details?.slaState, 'past-sla');
    assert.equal(judged.details?.slaStartFrom, 'first seen in the evidence store');
    const shown = JSON.parse(runCli(['evidence', 'show', '2', '--store', store]).stdout) as { type: string; payload: { files: Array<{ sha256?: string }>; findings: Array<{ sources?: Source[] }> } };
    assert.equal(shown.type, 'import');
    assert.match(shown.payload.files[0]!.sha256!, /^[0-9a-f]{64}$/);
    assert.ok(shown.payload.findings.every((f) => f.sources?.[0]?.tool === 'grype'));
    assert.equal(runCli(['evidence', 'verify', '--store', store]).code, 0);
  });
});
