/**
 * `annexa cluster --store` (issue 16, item 1): a live-cluster scan recorded like `scan --store`,
 * with the posture judged on what could be read, the coverage per kind, and the context and cluster
 * as its scope. Through the real @kubernetes/client-node against the API double; read back with
 * `annexa evidence list/show/verify`.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Fixture, manifestsOf, TOKEN } from './support/kube-fixtures.js';
import { binPath, projectRoot } from './support/paths.js';
import { runCli, tempTree } from './support/scan-output.js';
import { runClusterCommand, type ClusterFlags } from '../src/cli/cluster.js';

const estateDir = join(projectRoot, 'examples', 'estate');

interface Control { id: string; status: string; coverage: { evaluated: string[]; notEvaluated: Array<{ check: string; reason: string }> } }
interface ClusterReport { findings: unknown[]; controls: Control[]; coverage: { forbidden: Array<{ kind: string }> } }
interface ScanRecord {
  seq: number;
  type: string;
  scope: { name: string; cluster?: { context: string; cluster: string; server: string; namespace: string | null } };
  inputDigest: string;
  payload: {
    command: string;
    summary: { resources: number; findings: number };
    findings: Array<{ checkId: string; location?: { file?: string } }>;
    posture: Control[];
    coverage: { context: string; read: Array<{ kind: string; items: number }>; forbidden: Array<{ kind: string; checks: string[] }>; checksNotEvaluated: string[] };
    secrets: Array<{ name: string; namespace?: string }>;
    inputs: unknown[];
  };
}

async function cluster(dir: string, kubeconfig: string, flags: Partial<ClusterFlags> = {}): Promise<{ code: number; report: ClusterReport }> {
  const outputFile = join(dir, 'report.json');
  const code = await runClusterCommand({ kubeconfig, output: 'json', outputFile, failOn: 'never', quiet: true, pageSize: '500', requestTimeout: '10', allNamespaces: true, ...flags });
  return { code, report: JSON.parse(readFileSync(outputFile, 'utf8')) as ClusterReport };
}

function evidence(dir: string, args: string[]): unknown {
  const run = runCli(['evidence', ...args], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

describe('annexa cluster --store', () => {
  const fixture = new Fixture();
  before(() => fixture.start({ objects: manifestsOf(estateDir), controllers: true, forbidden: ['networking.k8s.io/networkpolicies'] }));
  after(() => fixture.stop());

  it('records the scan as scan --store does, with the cluster identity as scope and the coverage per kind', async () => {
    const dir = tempTree();
    const store = join(dir, 'evidence.db');
    const { code, report } = await cluster(dir, fixture.kubeconfig(), { store });
    assert.equal(code, 0);
    const records = (evidence(dir, ['list', '--store', store, '--type', 'scan', '-o', 'json']) as { records: Array<{ seq: number; scope: ScanRecord['scope'] }> }).records;
    assert.equal(records.length, 1);
    const record = evidence(dir, ['show', String(records[0]!.seq), '--store', store]) as ScanRecord;
    assert.equal(record.type, 'scan');
    assert.equal(record.payload.command, 'cluster');
    assert.deepEqual(record.scope.cluster, { context: 'test', cluster: 'double', server: fixture.server, namespace: null });
    assert.deepEqual(records[0]!.scope, record.scope, 'evidence list shows the scope');
    assert.equal(record.payload.findings.length, report.findings.length);
    assert.ok(record.payload.findings.every((f) => f.location?.file === 'cluster/test' || f.location?.file?.startsWith('cluster/test/')), 'findings keep their cluster provenance');
    assert.equal(record.payload.coverage.context, 'test');
    assert.ok(record.payload.coverage.read.some((k) => k.kind === 'Pod' && k.items > 0));
    assert.deepEqual(record.payload.coverage.forbidden.map((g) => g.kind), ['NetworkPolicy']);
    assert.deepEqual(record.payload.inputs, [], 'no input files');
    assert.match(record.inputDigest, /^[0-9a-f]{64}$/);
    const statuses = (controls: Control[]) => controls.map((c) => `${c.id} ${c.status} ${c.coverage.notEvaluated.map((n) => `${n.check}:${n.reason}`).join(',')}`);
    assert.deepEqual(statuses(record.payload.posture), statuses(report.controls), 'the posture the report showed is the one recorded');
    assert.ok(record.payload.secrets.some((s) => s.name === 'cart-db' && s.namespace === 'shop'), 'Secrets by reference');
    const bytes = readFileSync(store);
    assert.equal(bytes.includes('do-not-print-me'), false, 'no Secret value in the store');
    assert.equal(bytes.includes(TOKEN), false, 'no bearer token in the store');
    const verify = evidence(dir, ['verify', '--store', store, '-o', 'json']) as { ok: boolean; records: number };
    assert.equal(verify.ok, true);
  });

  it('judges the posture on what could be read: a check whose kinds were forbidden gives no pass', async () => {
    const dir = tempTree();
    const store = join(dir, 'evidence.db');
    await cluster(dir, fixture.kubeconfig(), { store });
    const record = evidence(dir, ['show', '1', '--store', store]) as ScanRecord;
    assert.ok(record.payload.coverage.checksNotEvaluated.includes('network.policy-allows-all'));
    const touched = record.payload.posture.filter((c) => c.coverage.notEvaluated.some((n) => n.check === 'network.policy-allows-all'));
    assert.ok(touched.length > 0);
    for (const control of touched) {
      assert.deepEqual(control.coverage.notEvaluated.find((n) => n.check === 'network.policy-allows-all'), { check: 'network.policy-allows-all', reason: 'kinds-unreadable' });
      assert.notEqual(control.status, 'pass', control.id);
    }
    // The same cluster with every kind readable: the check is evaluated.
    const open = await new Fixture().start({ objects: manifestsOf(estateDir), controllers: true });
    try {
      const full = await cluster(dir, open.kubeconfig(), { store: join(dir, 'full.db') });
      assert.ok(full.report.controls.every((c) => !c.coverage.notEvaluated.some((n) => n.reason === 'kinds-unreadable')));
    } finally {
      await open.stop();
    }
  });

  it('takes the store from evidence.store in annexa.yaml; nothing is written without one', async () => {
    const dir = tempTree();
    await cluster(dir, fixture.kubeconfig());
    assert.equal(existsSync(join(dir, 'annexa.db')), false);
    const config = join(dir, 'annexa.yaml');
    writeFileSync(config, stringify({ scope: { name: 'prod', clusters: ['test'] }, evidence: { store: join(dir, 'from-config.db') } }));
    await cluster(dir, fixture.kubeconfig(), { config, namespace: 'shop', allNamespaces: false });
    const record = evidence(dir, ['show', '1', '--store', join(dir, 'from-config.db')]) as ScanRecord;
    assert.equal(record.scope.name, 'prod');
    assert.equal(record.scope.cluster?.namespace, 'shop');
  });

  it('from the bundled CLI: says where it recorded, and two scans chain', async () => {
    const dir = tempTree();
    const runOnce = () => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [binPath, 'cluster', '--kubeconfig', fixture.kubeconfig(), '-A', '-o', 'json', '--output-file', join(dir, 'out.json'), '--fail-on', 'never', '-q', '--store', 'annexa.db'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    const first = await runOnce();
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^annexa: recorded scan as evidence record 1 \(\S+\) in \S*annexa\.db; opened \d+ nonconformities$/m);
    const second = await runOnce();
    assert.match(second.stderr, /recorded scan as evidence record \d+ /);
    const list = evidence(dir, ['list', '--store', 'annexa.db', '--type', 'scan', '-o', 'json']) as { records: unknown[] };
    assert.equal(list.records.length, 2);
    assert.equal((evidence(dir, ['verify', '--store', 'annexa.db', '-o', 'json']) as { ok: boolean }).ok, true);
  });
});
