/** `annexa pss check`: JSON shape, table, exit codes, stdin and input errors. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../src/cli/main.js';
import { runPssCheck, type PssReport } from '../src/cli/pss.js';
import { conformanceDir } from './support/paths.js';

let dir: string;

const ALLOWED_POD = `apiVersion: v1
kind: Pod
metadata: { name: ok, namespace: shop }
spec:
  securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
  containers:
    - name: app
      image: nginx
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
`;

const WORKLOADS = `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop }
data: { a: b }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx
          securityContext: { allowPrivilegeEscalation: true }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: report, namespace: shop }
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          hostPID: true
          containers:
            - name: job
              image: busybox
`;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(...args: string[]): Promise<{ code: number; out: string }> {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.txt`);
  const code = await main(['node', 'annexa', 'pss', 'check', ...args, '--output-file', out]);
  let text = '';
  try {
    text = readFileSync(out, 'utf8');
  } catch {
    text = '';
  }
  return { code, out: text };
}

describe('annexa pss check', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'annexa-pss-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the JSON contract and exits 1 when a workload is rejected', async () => {
    const path = file('workloads.yaml', WORKLOADS);
    const { code, out } = await run(path, '--level', 'baseline', '--version', 'v1.30', '-o', 'json');
    assert.equal(code, 1);
    const report = JSON.parse(out) as PssReport;
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.summary, { workloads: 2, allowed: 1, rejected: 1, rejectedInScope: 1, outOfScope: 0 });
    assert.deepEqual(report.results[0], {
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      location: { file: path, line: 6, column: 1 },
      level: 'baseline', version: 'v1.30', effectiveVersion: 'v1.30', allowed: true, violations: [],
    });
    const cron = report.results[1]!;
    assert.deepEqual(cron.resource, { apiVersion: 'batch/v1', kind: 'CronJob', namespace: 'shop', name: 'report' });
    assert.equal(cron.location.line, 17);
    assert.equal(cron.allowed, false);
    assert.deepEqual(cron.violations, [{
      check: 'hostNamespaces', reason: 'host namespaces', detail: 'hostPID=true', paths: ['spec.jobTemplate.spec.template.spec.hostPID'],
    }]);
  });

  it('reports the requested and the effective version for latest', async () => {
    const { code, out } = await run(file('workloads-latest.yaml', WORKLOADS), '-o', 'json');
    assert.equal(code, 1);
    const report = JSON.parse(out) as PssReport;
    assert.ok(report.results.every((r) => r.level === 'restricted' && r.version === 'latest' && r.effectiveVersion === 'v1.37'));
    assert.deepEqual(report.results[0]!.violations.map((v) => v.check),
      ['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']);
    assert.equal(report.results[0]!.violations[0]!.detail, 'container "app" must set securityContext.allowPrivilegeEscalation=false');
  });

  it('exits 0 when everything is allowed, with one table row per workload', async () => {
    const { code, out } = await run(file('ok.yaml', ALLOWED_POD), '--level', 'restricted');
    assert.equal(code, 0);
    const lines = out.trim().split('\n');
    assert.match(lines[0]!, /^VERDICT\s+RESOURCE\s+LOCATION\s+POLICY\s+VIOLATIONS$/);
    assert.match(lines[1]!, /^ALLOWED\s+Pod\/shop\/ok\s+\S+ok\.yaml:1\s+restricted:latest\s+-$/);
    assert.equal(lines.at(-1), '1 workload: 1 allowed, 0 rejected');
  });

  it('shows rejections and their upstream wording in the table', async () => {
    const { code, out } = await run(file('table.yaml', WORKLOADS), '--level', 'baseline');
    assert.equal(code, 1);
    assert.match(out, /REJECTED\s+CronJob\/shop\/report\s+\S+table\.yaml:17\s+baseline:latest\s+hostNamespaces: host namespaces \(hostPID=true\)/);
    assert.match(out, /2 workloads: 1 allowed, 1 rejected/);
  });

  it('evaluates a directory of upstream fixtures', async () => {
    const { code, out } = await run(join(conformanceDir, 'pss', 'baseline', 'v1.37', 'pass'), '--level', 'baseline', '--version', 'v1.37', '-o', 'json');
    assert.equal(code, 0);
    const report = JSON.parse(out) as PssReport;
    assert.ok(report.results.length > 10);
    assert.ok(report.results.every((r) => r.allowed));
  });

  it('exits 2 on input errors after evaluating what it could', async () => {
    const broken = file('broken.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: { name: x\n');
    const noTemplate = file('no-template.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: empty }\nspec: {}\n');
    const { code, out } = await run(file('ok2.yaml', ALLOWED_POD), broken, noTemplate, join(dir, 'missing.yaml'), '-o', 'json');
    assert.equal(code, 2);
    const report = JSON.parse(out) as PssReport;
    assert.equal(report.results.length, 1);
    assert.deepEqual(report.errors.map((e) => e.file).sort(), [broken, join(dir, 'missing.yaml'), noTemplate].sort());
    assert.ok(report.errors.some((e) => e.message.includes('Deployment empty: spec.template: a Deployment needs a pod template (spec.template)')));
  });

  it('exits 2 on usage errors', async () => {
    const path = file('usage.yaml', ALLOWED_POD);
    assert.equal((await run(path, '--version', '1.30')).code, 2);
    assert.equal((await run(path, '--level', 'strict')).code, 2);
    assert.equal((await run(path, '-o', 'sarif')).code, 2);
    assert.equal((await run()).code, 2);
  });

  it('reads standard input', async () => {
    const out = join(dir, 'stdin.json');
    const code = await runPssCheck(['-'], { level: 'baseline', version: 'latest', output: 'json', outputFile: out, maxFileSize: '1MiB' }, Readable.from([WORKLOADS]));
    assert.equal(code, 1);
    const report = JSON.parse(readFileSync(out, 'utf8')) as PssReport;
    assert.deepEqual(report.results.map((r) => [r.resource.name, r.location.file, r.allowed]), [['web', '-', true], ['report', '-', false]]);
  });
});

describe('annexa pss check: ISMS scope', () => {
  it('marks workloads of excluded namespaces out of scope; they do not fail the run', async () => {
    const scopeDir = mkdtempSync(join(tmpdir(), 'annexa-pss-scope-'));
    try {
      const config = join(scopeDir, 'annexa.yaml');
      writeFileSync(config, 'scope:\n  namespaces:\n    exclude:\n      - name: shop\n        justification: Legacy shop, replaced in Q3\n');
      const out = join(scopeDir, 'report.json');
      const flags = { level: 'baseline', version: 'latest', output: 'json' as const, outputFile: out, maxFileSize: '1MiB' };
      assert.equal(await runPssCheck(['-'], flags, Readable.from([WORKLOADS])), 1, 'without a scope the rejected workload fails the run');
      assert.equal(await runPssCheck(['-'], { ...flags, config }, Readable.from([WORKLOADS])), 0);
      const report = JSON.parse(readFileSync(out, 'utf8')) as PssReport;
      assert.ok(report.summary.rejected > 0);
      assert.equal(report.summary.rejectedInScope, 0);
      assert.equal(report.summary.outOfScope, report.results.length);
      assert.deepEqual(report.results[0]!.outOfScope, { reason: 'Legacy shop, replaced in Q3' });
    } finally {
      rmSync(scopeDir, { recursive: true, force: true });
    }
  });
});
