/** `annexa audit analyze | policy | rbac | receive manifests` end to end (spawned CLI). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli, tempTree } from './support/scan-output.js';
import { conformanceDir } from './support/paths.js';
import { mixedLog } from './support/audit-logs.js';
import { EvidenceStore } from '../src/evidence/store.js';

const DEMO = join(conformanceDir, 'audit', 'audit2rbac-demo');

describe('annexa audit analyze', () => {
  it('-o json: the detections, the truncated line on stderr as FILE:LINE, exit 2 for the unreadable line', () => {
    const { text, truncatedLine } = mixedLog();
    const dir = tempTree({ 'audit.log': text });
    const run = runCli(['audit', 'analyze', 'audit.log', '-o', 'json'], { cwd: dir });
    assert.equal(run.code, 2, run.stderr);
    const report = JSON.parse(run.stdout) as { events: number; errors: Array<{ line: number }>; detections: Array<{ ruleId: string; severity: string; user: string; verb: string; resource: string; controls: { iso27001: string[] } }>; summary: { byRule: Record<string, number>; byUser: Record<string, number> } };
    assert.deepEqual(report.detections.map((d) => [d.ruleId, d.severity, d.verb, d.resource]), [['audit.pod-exec', 'medium', 'create', 'pods/exec']]);
    assert.deepEqual(report.summary.byRule, { 'audit.pod-exec': 1 });
    assert.deepEqual(report.summary.byUser, { 'alice@example.com': 1 });
    assert.equal(report.errors[0]!.line, truncatedLine);
    assert.match(run.stderr, new RegExp(`^annexa: audit\\.log:${truncatedLine}: not valid JSON`, 'm'));
  });

  it('--fail-on medium exits 1 on a clean read with a medium detection; table output names rule and user', () => {
    const { text } = mixedLog();
    const clean = text.split('\n').filter((line) => line === '' || line.endsWith('}')).join('\n');
    const dir = tempTree({ 'audit.log': clean });
    const run = runCli(['audit', 'analyze', 'audit.log', '--fail-on', 'medium'], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /audit\.pod-exec\s+alice@example\.com\s+alice@example\.com executed a command in pod shop\/web-1 \(sh\)/);
    assert.equal(runCli(['audit', 'analyze', 'audit.log'], { cwd: dir }).code, 0);
    assert.equal(runCli(['audit', 'analyze', 'audit.log', '--burst-threshold', '1'], { cwd: dir }).code, 2);
  });

  it('--store records the analysis and one record per detection (type audit), without request bodies', async () => {
    const { text } = mixedLog();
    const dir = tempTree({ 'audit.log': text });
    const run = runCli(['audit', 'analyze', 'audit.log', '--store', 'evidence.db', '-o', 'json'], { cwd: dir });
    assert.match(run.stderr, /recorded audit analysis as evidence record 1 .* with 1 detection record/);
    const store = await EvidenceStore.open(join(dir, 'evidence.db'), { tool: { name: 'annexa', version: 'test' } });
    try {
      const records = [];
      for await (const envelope of store.envelopes({ type: 'audit' })) records.push(envelope);
      const payloads = records.map((r) => r.payload as Record<string, unknown>);
      assert.deepEqual(payloads.map((p) => p.kind), ['audit-analysis', 'audit-detection']);
      assert.equal(payloads[0]!.detections, 1);
      assert.equal(payloads[1]!.ruleId, 'audit.pod-exec');
      assert.equal(payloads[1]!.analysis, records[0]!.id);
      assert.equal((await store.verify()).ok, true);
    } finally {
      await store.close();
    }
    const listed = runCli(['evidence', 'list', '--store', 'evidence.db', '--type', 'audit'], { cwd: dir });
    assert.equal(listed.code, 0, listed.stderr);
  });
});

describe('annexa audit policy', () => {
  it('--generate writes a policy that passes its own validation', () => {
    const dir = tempTree();
    const generated = runCli(['audit', 'policy', '--generate', '--output-file', 'policy.yaml'], { cwd: dir });
    assert.equal(generated.code, 0, generated.stderr);
    const policy = parse(readFileSync(join(dir, 'policy.yaml'), 'utf8')) as { kind: string; omitStages: string[] };
    assert.equal(policy.kind, 'Policy');
    assert.deepEqual(policy.omitStages, ['RequestReceived']);
    const run = runCli(['audit', 'policy', 'policy.yaml', '-o', 'json'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout);
    const report = JSON.parse(run.stdout) as { findings: unknown[]; levels: Array<{ request: string; level: string }> };
    assert.deepEqual(report.findings, []);
    assert.equal(report.levels.find((l) => l.request === 'get secrets')!.level, 'Metadata');
    assert.equal(report.levels.find((l) => l.request === 'create pods')!.level, 'Request');
  });

  it('flags secret bodies, unlogged controls and the missing omitStages, naming the deciding rule and its line', () => {
    const dir = tempTree({
      'loud.yaml': 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    resources:\n      - group: admissionregistration.k8s.io\n  - level: RequestResponse\n',
    });
    const run = runCli(['audit', 'policy', 'loud.yaml', '-o', 'json'], { cwd: dir });
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout) as { findings: Array<{ id: string; rule?: number; line?: number; severity: string }> };
    const byId = new Map(report.findings.map((f) => [f.id, f]));
    assert.equal(byId.get('secrets-body')!.rule, 2);
    assert.equal(byId.get('secrets-body')!.line, 7);
    assert.equal(byId.get('tokenreviews-body')!.severity, 'high');
    assert.equal(byId.get('admission-logged')!.rule, 1);
    assert.ok(byId.has('omit-request-received'));
    assert.ok(!byId.has('exec-logged'));
  });

  it('the audit2rbac demo policy logs only four users: everyone else\'s access and changes are unrecorded', () => {
    const run = runCli(['audit', 'policy', join(DEMO, 'demo-policy.yaml'), '-o', 'json']);
    assert.equal(run.code, 1);
    const ids = (JSON.parse(run.stdout) as { findings: Array<{ id: string }> }).findings.map((f) => f.id);
    for (const id of ['rbac-logged', 'admission-logged', 'exec-logged', 'secrets-body', 'omit-request-received']) assert.ok(ids.includes(id), id);
  });

  it('bad input: a clear error with file and line, exit 2', () => {
    const dir = tempTree({ 'p.yaml': 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Loud\n', 'x.yaml': 'kind: Pod\n' });
    const run = runCli(['audit', 'policy', 'p.yaml'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^annexa: p\.yaml:4: rules\[0\]\.level: expected one of None, Metadata, Request, RequestResponse/m);
    assert.match(runCli(['audit', 'policy', 'x.yaml'], { cwd: dir }).stderr, /expected kind Policy/);
  });
});

describe('annexa audit rbac (audit2rbac conformance)', () => {
  it('--subject User:alice gives the Role audit2rbac documents: core configmaps, pods, secrets with get, list, watch in ns1', () => {
    const run = runCli(['audit', 'rbac', '--subject', 'User:alice', join(DEMO, 'demo.log'), '-o', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { requests: number; roles: Array<{ kind: string; metadata: { name: string; namespace?: string }; rules?: unknown; subjects?: unknown }> };
    assert.equal(report.requests, 3);
    assert.deepEqual(report.roles.map((r) => [r.kind, r.metadata.namespace]), [['Role', 'ns1'], ['RoleBinding', 'ns1']]);
    assert.deepEqual(report.roles[0]!.rules, [{ apiGroups: [''], resources: ['configmaps', 'pods', 'secrets'], verbs: ['get', 'list', 'watch'] }]);
    assert.deepEqual(report.roles[1]!.subjects, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }]);
  });

  it('--bindings lists the granted rules never used, and partly used rules with what was not used', () => {
    const dir = tempTree({
      'rbac.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: alice-ops, namespace: ns1 }
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [list, delete]
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: alice-ops, namespace: ns1 }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: alice-ops }
subjects: [{ kind: User, apiGroup: rbac.authorization.k8s.io, name: alice }]
`,
    });
    copyFileSync(join(DEMO, 'demo.log'), join(dir, 'demo.log'));
    const run = runCli(['audit', 'rbac', '--subject', 'User:alice', 'demo.log', '--bindings', 'rbac.yaml', '-o', 'json'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const unused = (JSON.parse(run.stdout) as { unusedGrants: Array<{ text: string; unusedPairs?: string[]; namespace?: string }> }).unusedGrants;
    assert.equal(unused.length, 2);
    assert.deepEqual(unused[0]!.unusedPairs, ['delete pods']);
    assert.equal(unused[1]!.unusedPairs, undefined);
    assert.match(unused[1]!.text, /deployments/);
    const yaml = runCli(['audit', 'rbac', '--subject', 'User:alice', 'demo.log', '--bindings', 'rbac.yaml'], { cwd: dir });
    assert.match(yaml.stdout, /# Granted but never used in the period \(2\):/);
    assert.equal(parse(yaml.stdout.split('---')[0]!).kind, 'Role');
  });

  it('a subject that is not KIND:[NS/]NAME is a usage error', () => {
    const run = runCli(['audit', 'rbac', '--subject', 'alice', join(DEMO, 'demo.log')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--subject: "alice" is not KIND:\[NS\/\]NAME/);
  });
});

describe('annexa audit receive manifests', () => {
  it('writes the webhook kubeconfig with the CA embedded and the token referenced, never embedded', () => {
    const dir = tempTree({ 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' });
    const run = runCli(['audit', 'receive', 'manifests', '--url', 'https://annexa-audit.annexa.svc:8443/audit', '--ca-file', 'ca.crt'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const config = parse(run.stdout) as { kind: string; clusters: Array<{ cluster: Record<string, string> }>; users: Array<{ user: Record<string, string> }> };
    assert.equal(config.kind, 'Config');
    assert.equal(config.clusters[0]!.cluster.server, 'https://annexa-audit.annexa.svc:8443/audit');
    assert.equal(Buffer.from(config.clusters[0]!.cluster['certificate-authority-data']!, 'base64').toString(), readFileSync(join(dir, 'ca.crt'), 'utf8'));
    assert.deepEqual(config.users[0]!.user, { tokenFile: '/etc/kubernetes/annexa-audit/token' });
    assert.match(run.stdout, /--audit-webhook-config-file/);
    assert.equal(runCli(['audit', 'receive', 'manifests', '--url', 'http://x:80/'], { cwd: dir }).code, 2);
  });

  it('receive refuses to start without TLS or without authentication', () => {
    const dir = tempTree();
    writeFileSync(join(dir, 'empty'), '');
    assert.match(runCli(['audit', 'receive', '--token', 't', '--store', 'e.db'], { cwd: dir }).stderr, /--tls-cert and --tls-key are required/);
    assert.match(runCli(['audit', 'receive', '--tls-cert', 'c', '--tls-key', 'k', '--store', 'e.db'], { cwd: dir }).stderr, /give --token-file/);
    assert.match(runCli(['audit', 'receive', '--tls-cert', 'c', '--tls-key', 'k', '--token-file', 'empty', '--store', 'e.db'], { cwd: dir }).stderr, /the file is empty/);
  });
});
