/** `annexa scan` end to end: exit codes, stdin, --output-file, --kustomize (spawns bin/annexa.js; needs dist/). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './support/paths.js';
import { configKeeping, runCli, scanInProcess, tempTree } from './support/scan-output.js';
import { REPORT_FORMATS } from '../src/report/index.js';
import { UsageError } from '../src/cli/io.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');
const PRIVILEGED = 'workload.privileged-container';
const privileged = join(fixtures, 'privileged.yaml');
const clean = join(fixtures, 'clean.yaml');

interface JsonReport {
  summary: { resources: number; findings: number; skippedDocuments: number };
  findings: Array<{ checkId: string; path: string; resource: { name: string }; location?: { file?: string; line?: number } }>;
  errors: Array<{ file: string; line?: number; message: string }>;
}

describe('annexa scan: exit codes', () => {
  const dir = tempTree();
  const config = configKeeping(dir, [PRIVILEGED]);
  const highConfig = configKeeping(tempTree(), [PRIVILEGED], { [PRIVILEGED]: 'high' });

  it('0 when nothing is at or above --fail-on', () => {
    const run = runCli(['scan', clean, '--config', config]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /1 resource in 1 file, 0 findings/);
  });

  it('1 when a finding is at or above --fail-on (default high)', () => {
    const run = runCli(['scan', privileged, clean, '--config', config]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /CRITICAL {2}workload\.privileged-container/);
  });

  it('0 with --fail-on never, whatever is found', () => {
    assert.equal(runCli(['scan', privileged, '--config', config, '--fail-on', 'never']).code, 0);
  });

  it('--fail-on critical ignores high findings; --fail-on high does not', () => {
    const critical = runCli(['scan', privileged, '--config', highConfig, '--fail-on', 'critical', '-o', 'json']);
    assert.equal(critical.code, 0, critical.stderr);
    const report = JSON.parse(critical.stdout) as { summary: { bySeverity: Record<string, number> } };
    assert.equal(report.summary.bySeverity.high, 1, 'the finding is there, at high');
    assert.equal(runCli(['scan', privileged, '--config', highConfig, '--fail-on', 'high']).code, 1);
    assert.equal(runCli(['scan', privileged, '--config', highConfig, '--fail-on', 'low']).code, 1);
  });

  it('2 for an unknown flag, a bad --fail-on, a bad -o, a bad --max-file-size and no paths', () => {
    const unknown = runCli(['scan', clean, '--no-such-flag']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--no-such-flag'/);
    const failOn = runCli(['scan', clean, '--fail-on', 'severe']);
    assert.equal(failOn.code, 2);
    assert.match(failOn.stderr, /--fail-on must be one of critical, high, medium, low, info, never, not "severe"/);
    const format = runCli(['scan', clean, '-o', 'pdf']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /argument 'pdf' is invalid/);
    assert.equal(runCli(['scan', clean, '--max-file-size', 'lots']).code, 2);
    const none = runCli(['scan']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /scan needs at least one path/);
  });

  it('2 for a missing path, after scanning the paths that exist', () => {
    const run = runCli(['scan', join(dir, 'nope.yaml'), privileged, '--config', config, '-o', 'json']);
    assert.equal(run.code, 2);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.deepEqual(report.errors, [{ file: join(dir, 'nope.yaml'), message: 'no such file or directory' }]);
    assert.equal(report.summary.findings, 1, 'the other file was still scanned');
  });

  it('2 for input errors even when --fail-on never, with the rest processed', () => {
    const run = runCli(['scan', join(fixtures, 'invalid.yaml'), '--config', config, '--fail-on', 'never', '-o', 'json']);
    assert.equal(run.code, 2);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.deepEqual(report.findings.map((f) => f.resource.name), ['before', 'after']);
  });

  it('rejects a bad --fail-on before reading any input (in process)', async () => {
    await assert.rejects(scanInProcess([clean], { failOn: 'loud' }), UsageError);
  });
});

describe('annexa scan: inputs and outputs', () => {
  const dir = tempTree();
  const config = configKeeping(dir, [PRIVILEGED]);

  it('reads standard input for -', () => {
    const run = runCli(['scan', '-', '--config', config, '-o', 'json'], { input: readFileSync(privileged, 'utf8') });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.equal(report.summary.resources, 2);
    assert.deepEqual(report.findings.map((f) => f.location), [{ file: '-', line: 17, column: 9 }]);
  });

  it('reads standard input together with files; without --stdin-filename SARIF gives stdin findings no physical location', () => {
    const run = runCli(['scan', clean, '-', '--config', config, '-o', 'sarif'], { input: readFileSync(privileged, 'utf8') });
    assert.equal(run.code, 1, run.stderr);
    const log = JSON.parse(run.stdout) as { runs: Array<{ results: Array<{ locations: Array<Record<string, unknown>> }> }> };
    const [result] = log.runs[0]!.results;
    assert.equal(result!.locations[0]!.physicalLocation, undefined);
    assert.ok(result!.locations[0]!.logicalLocations);
  });

  it('--stdin-filename names standard input: findings and SARIF physical locations use it', () => {
    const input = readFileSync(privileged, 'utf8');
    const json = runCli(['scan', '-', '--stdin-filename', 'deploy/app.yaml', '--config', config, '-o', 'json'], { input });
    assert.equal(json.code, 1, json.stderr);
    assert.deepEqual((JSON.parse(json.stdout) as JsonReport).findings.map((f) => f.location), [{ file: 'deploy/app.yaml', line: 17, column: 9 }]);
    const sarif = runCli(['scan', '-', '--stdin-filename', 'deploy/app.yaml', '--config', config, '-o', 'sarif'], { input });
    const log = JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
    const physical = log.runs[0]!.results[0]!.locations[0]!.physicalLocation;
    assert.deepEqual([physical?.artifactLocation.uri, physical?.region.startLine], ['deploy/app.yaml', 17]);
  });

  it('--stdin-filename without - or with an empty name is a usage error (exit 2)', () => {
    assert.equal(runCli(['scan', clean, '--stdin-filename', 'x.yaml', '--config', config]).code, 2);
    assert.equal(runCli(['scan', '-', '--stdin-filename', '', '--config', config], { input: '' }).code, 2);
  });

  for (const format of REPORT_FORMATS) {
    it(`--output-file writes -o ${format} to the file, nothing to stdout`, () => {
      const out = join(dir, `report.${format}`);
      const run = runCli(['scan', privileged, '--config', config, '-o', format, '--output-file', out]);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, '');
      assert.ok(existsSync(out));
      const text = readFileSync(out, 'utf8');
      assert.match(text, /privileged/);
      assert.doesNotMatch(text, /\x1b\[/, 'no colour codes in a file');
      if (format === 'json' || format === 'sarif') assert.doesNotThrow(() => JSON.parse(text));
    });
  }

  it('--output-file into a missing directory is an error (exit 2), not a crash', () => {
    const run = runCli(['scan', privileged, '--config', config, '--output-file', join(dir, 'no', 'such', 'dir', 'r.json')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /ENOENT|no such file/);
  });
});

describe('annexa scan --kustomize', () => {
  const dir = tempTree();
  const config = configKeeping(dir, [PRIVILEGED]);

  function fakeKubectl(script: string): string {
    const path = join(tempTree({ kubectl: `#!/bin/sh\n${script}\n` }), 'kubectl');
    chmodSync(path, 0o755);
    return path;
  }

  it('scans the output of `kubectl kustomize DIR`', () => {
    const kubectl = fakeKubectl(`[ "$1" = kustomize ] || exit 9\necho "# built from $2"\ncat '${privileged}'`);
    const run = runCli(['scan', '--kustomize', 'overlays/prod', '--config', config, '-o', 'json'], { env: { ANNEXA_KUBECTL: kubectl } });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.equal(report.summary.resources, 2);
    assert.deepEqual(report.findings[0]!.location, { file: 'kustomize:overlays/prod', line: 18, column: 9 });
  });

  it('reports a failing kustomize build as an input error (exit 2)', () => {
    const kubectl = fakeKubectl('echo "error: accumulating resources: missing kustomization.yaml" >&2\nexit 1');
    const run = runCli(['scan', '--kustomize', 'overlays/bad', clean, '--config', config, '-o', 'json'], { env: { ANNEXA_KUBECTL: kubectl } });
    assert.equal(run.code, 2);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.deepEqual(report.errors, [{ file: 'overlays/bad', message: 'kubectl kustomize failed: error: accumulating resources: missing kustomization.yaml' }]);
    assert.equal(report.summary.resources, 1, 'the plain path is still scanned');
  });

  it('says clearly when kubectl is missing', () => {
    const missing = join(dir, 'no-kubectl-here');
    const run = runCli(['scan', '--kustomize', 'overlays/prod', '--config', config], { env: { ANNEXA_KUBECTL: missing } });
    assert.equal(run.code, 2);
    assert.match(run.stdout, new RegExp(`overlays/prod: --kustomize needs "${missing}" on the PATH; it was not found`));
  });
});

describe('annexa scan: the bundled CLI', () => {
  it('bin/annexa.js runs the bundle (dist/bundle), whose worker script sits next to it; two workers give the single-thread output', () => {
    const bundle = join(projectRoot, 'dist', 'bundle');
    assert.ok(existsSync(join(bundle, 'main.js')) && existsSync(join(bundle, 'scan-worker.js')), 'npm run build bundles the CLI');
    const dir = tempTree();
    for (let i = 0; i < 12; i++) {
      writeFileSync(join(dir, `app-${i}.yaml`), readFileSync(privileged, 'utf8').replaceAll('name: ', `name: a${i}-`));
    }
    const config = configKeeping(tempTree(), [PRIVILEGED]);
    const single = runCli(['scan', dir, '--config', config, '-o', 'json', '--workers', '0']);
    const parallel = runCli(['scan', dir, '--config', config, '-o', 'json', '--workers', '2']);
    assert.equal(single.code, 1, single.stderr);
    assert.equal(parallel.code, 1, parallel.stderr);
    assert.equal(parallel.stdout, single.stdout);
    assert.equal((JSON.parse(single.stdout) as JsonReport).summary.resources, 24);
  });
});

describe('annexa scan --no-cross-resource', () => {
  it('runs only the per-resource checks: the same per-resource findings, no cross-resource ones', async () => {
    const examples = join(projectRoot, 'examples');
    const config = join(examples, 'annexa.yaml');
    const { builtinChecks } = await import('../src/checks/index.js');
    const crossResource = new Set(builtinChecks.filter((check) => check.scope === 'inventory').map((check) => check.id));
    type Report = { findings: Array<{ checkId: string }> };
    const all = JSON.parse((await scanInProcess([examples], { config, output: 'json' })).text) as Report;
    const perResource = JSON.parse((await scanInProcess([examples], { config, output: 'json', crossResource: false })).text) as Report;
    assert.ok(all.findings.some((f) => crossResource.has(f.checkId)), 'the examples have cross-resource findings');
    assert.deepEqual(perResource.findings, all.findings.filter((f) => !crossResource.has(f.checkId)));
  });
});

describe('input named like Object.prototype properties', () => {
  const file = join(fixtures, 'prototype-names.yaml');

  it('is scanned like any other input by every reporter (constructor, __proto__, toString as kinds, labels, rules, roleRef)', () => {
    for (const format of REPORT_FORMATS) {
      const run = runCli(['scan', file, '-q', '-o', format]);
      assert.equal(run.code, 1, `${format}: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /TypeError|at /, format);
    }
    const report = JSON.parse(runCli(['scan', file, '-q', '-o', 'json']).stdout) as JsonReport;
    assert.equal(report.summary.resources, 11);
    assert.deepEqual(report.errors, [], 'no check fails');
    assert.ok(report.findings.some((f) => f.checkId === 'rbac.dangling-binding' && f.path === 'roleRef.name'), 'roleRef.name toString is dangling');
  });

  it('does not break pss, netpol or rbac', () => {
    for (const args of [
      ['pss', 'check', file, '-o', 'json'],
      ['netpol', 'coverage', file, '-o', 'json'],
      ['rbac', 'who-can', 'constructor', '__proto__', file, '-A', '-o', 'json', '--allow-custom-verb'],
      ['rbac', 'subject', 'ServiceAccount:constructor/toString', file, '-o', 'json'],
    ]) {
      const run = runCli(args);
      assert.ok(run.code === 0 || run.code === 1, `${args.join(' ')}: ${run.code} ${run.stderr}`);
      assert.doesNotThrow(() => JSON.parse(run.stdout), args.join(' '));
    }
    const whoCan = JSON.parse(runCli(['rbac', 'who-can', 'get', 'pods', file, '-o', 'json']).stdout) as { unresolvedBindings: string[] };
    assert.deepEqual(whoCan.unresolvedBindings, ['ClusterRoleBinding/to-string → ClusterRole/toString']);
    const unknownKind = runCli(['rbac', 'subject', 'constructor:x', file]);
    assert.equal(unknownKind.code, 2);
    assert.match(unknownKind.stderr, /unknown subject kind "constructor"/);
  });
});

describe('values that cannot be converted to a primitive ({toString: 1}, {valueOf: 1})', () => {
  const file = join(fixtures, 'coercion-objects.yaml');
  const noCrash = (run: { stderr: string }, what: string) => assert.doesNotMatch(run.stderr, /TypeError|primitive value|\n\s+at /, what);

  it('is scanned by every reporter; the malformed fields are reported as invalid, their values described', () => {
    for (const format of REPORT_FORMATS) {
      const run = runCli(['scan', file, '-q', '-o', format]);
      // Fields the API types as booleans or integers hold maps: input errors (exit 2), the resources still checked.
      assert.equal(run.code, 2, `${format}: ${run.stderr}`);
      noCrash(run, format);
    }
    interface Report {
      summary: { resources: number };
      errors: Array<{ field?: string }>;
      findings: Array<{ checkId: string; rules?: string[]; path: string; message: string; resource: { name: string }; details?: { alsoFlaggedBy?: Array<{ checkId: string; message: string }> } }>;
    }
    const run = runCli(['scan', file, '-q', '-o', 'json']);
    const report = JSON.parse(run.stdout) as Report;
    assert.equal(report.summary.resources, 11);
    assert.deepEqual(report.errors.map((e) => e.field).sort(), [
      'spec.containers[0].securityContext.runAsGroup', 'spec.containers[0].securityContext.runAsNonRoot', 'spec.containers[0].securityContext.runAsUser',
      // NetworkPolicy port (int-or-string) and endPort, Service nodePort: typed by the API too.
      'spec.ingress[0].ports[0].endPort', 'spec.ingress[0].ports[0].port', 'spec.ingress[0].ports[1].endPort', 'spec.ingress[0].ports[2].port',
      'spec.ports[0].nodePort',
      'spec.template.spec.securityContext.runAsGroup', 'spec.template.spec.securityContext.runAsNonRoot', 'spec.template.spec.securityContext.runAsUser',
    ], 'only the typed fields the API server would reject; no check failed on any resource');
    // A finding flagged by several checks (one problem, one finding) lists them all in rules[], the others' messages in details.
    const flags = (f: Report['findings'][number], checkId: string) => (f.rules ?? [f.checkId]).includes(checkId);
    const paths = (checkId: string) => report.findings.filter((f) => flags(f, checkId)).map((f) => `${f.resource.name} ${f.path}`).sort();
    const message = (checkId: string, path: string) => {
      const finding = report.findings.find((f) => flags(f, checkId) && f.path === path);
      return finding?.checkId === checkId ? finding.message : finding?.details?.alsoFlaggedBy?.find((a) => a.checkId === checkId)?.message;
    };
    assert.deepEqual(paths('network.policy-invalid'), [
      'db spec.ingress[0].ports[0].endPort',
      'maps spec.ingress[0].from[0].podSelector',
      'maps spec.ingress[0].from[1].namespaceSelector',
      'maps spec.ingress[0].from[2].ipBlock.except',
      'maps spec.ingress[0].ports[0].port',
      'maps spec.ingress[0].ports[1].endPort',
      'maps spec.ingress[0].ports[2].port',
      'maps spec.podSelector',
      'maps spec.policyTypes[0]',
    ]);
    assert.equal(message('network.policy-invalid', 'spec.ingress[0].ports[0].port'), 'port {"toString":1} is neither a port number nor a port name');
    assert.deepEqual(paths('namespace.pss-labels-invalid'), [
      'shop metadata.labels["pod-security.kubernetes.io/audit"]',
      'shop metadata.labels["pod-security.kubernetes.io/enforce"]',
      'shop metadata.labels["pod-security.kubernetes.io/enforce-version"]',
      'shop metadata.labels["pod-security.kubernetes.io/warn-verison"]',
    ]);
    assert.deepEqual(paths('workload.proc-mount'), ['db spec.containers[0].securityContext.procMount', 'web spec.template.spec.containers[0].securityContext.procMount']);
    assert.equal(message('workload.proc-mount', 'spec.template.spec.containers[0].securityContext.procMount'), 'container "app" sets procMount: {"toString":1}');
    assert.match(message('pss.baseline', 'spec.template.spec.containers[0].securityContext.capabilities.add') ?? '', /must not include "SYS_ADMIN", \{"toString":1\} in securityContext\.capabilities\.add/);
    for (const checkId of ['workload.run-as-non-root', 'workload.low-user-id', 'workload.low-group-id', 'workload.apparmor', 'secrets.secret-key-ref-env',
      'network.nodeport-service', 'network.service-external-ips', 'network.loadbalancer-source-ranges', 'network.ingress-tls', 'pss.restricted']) {
      assert.ok(paths(checkId).length > 0, `${checkId} reports the malformed resource`);
    }
  });

  it('does not break pss, netpol or rbac', () => {
    for (const args of [
      ['pss', 'check', file, '-o', 'json'],
      ['pss', 'check', file],
      ['netpol', 'coverage', file, '-o', 'json'],
      ['netpol', 'coverage', file],
      ['netpol', 'reach', '--from', 'shop/web', '--to', 'shop/db', '--port', '5432', file, '-o', 'json'],
      ['netpol', 'reach', '--from', 'shop/db', '--to', 'shop/web', file],
      ['rbac', 'who-can', 'get', 'pods', file, '-A', '-o', 'json'],
      ['rbac', 'who-can', 'list', 'pods', file],
      ['rbac', 'subject', 'User:alice', file, '-o', 'json'],
    ]) {
      const run = runCli(args);
      // Exit 2 for the typed fields the API server would reject, reported on stderr; the answer is still given.
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.code} ${run.stderr}`);
      assert.ok(run.stderr.trim().split('\n').every((line) => /^annexa: \S+coercion-objects\.yaml:\d+:\d+: .*: must be (true or false|an integer|an integer or a string), not a (map|list)/.test(line)), run.stderr);
      noCrash(run, args.join(' '));
      if (args.includes('json')) assert.doesNotThrow(() => JSON.parse(run.stdout), args.join(' '));
    }
    type Coverage = { namespaces: Array<{ invalidPolicies: Array<{ name: string; problems: unknown[] }> }> };
    const coverage = JSON.parse(runCli(['netpol', 'coverage', file, '-o', 'json']).stdout) as Coverage;
    assert.deepEqual(coverage.namespaces[0]!.invalidPolicies.map((p) => [p.name, p.problems.length]), [['maps', 8], ['db', 1]]);
    // The invalid clusterRoleSelectors select nothing; the valid one still aggregates pod-reader.
    type WhoCan = { subjects: Array<{ kind: string; name: string }> };
    const whoCan = JSON.parse(runCli(['rbac', 'who-can', 'get', 'pods', file, '-A', '-o', 'json']).stdout) as WhoCan;
    assert.deepEqual(whoCan.subjects.map((s) => `${s.kind}:${s.name}`), ['Group:system:masters', 'User:alice']);
    type Pss = { results: Array<{ resource: { name: string }; violations: Array<{ check: string; detail: string }> }> };
    const pss = JSON.parse(runCli(['pss', 'check', file, '-o', 'json']).stdout) as Pss;
    const db = pss.results.find((r) => r.resource.name === 'db');
    assert.equal(db?.violations.find((v) => v.check === 'procMount_restricted')?.detail, 'container "db" must not set securityContext.procMount to {"valueOf":1}');
  });
});
