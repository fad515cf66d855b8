/**
 * Recorded scans and the evidence commands end to end (spawned CLI): what a scan record holds
 * (never a Secret value), the nonconformity lifecycle, export bundles and their tampering, and a
 * store that still verifies after its writer was killed mid-scan.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../src/evidence/canonical.js';
import { readTarGz, writeTarGz } from '../src/evidence/tar.js';
import { binPath, projectRoot } from './support/paths.js';
import { configKeeping, runCli, tempTree } from './support/scan-output.js';
import { generateCorpus } from '../bench/corpus.js';
import { builtinChecks } from '../src/checks/index.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');
const PRIVILEGED = 'workload.privileged-container';
/** The Annex A controls the privileged-container check evidences: each fails when it finds something. */
const PRIVILEGED_CONTROLS = [...builtinChecks.find((c) => c.id === PRIVILEGED)!.controls.iso27001].sort();
const SECRET_VALUES = ['c3VwZXItc2VjcmV0LWJhc2U2NC12YWx1ZQ==', 'super-secret-base64-value', 'plain-string-data-Zx81Qw', 'hunter2-env-literal-K9', 'AKIAIOSFODNN7EXAMPLE', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'];

/** A working directory with an annexa.yaml keeping only the privileged-container check, and the fixtures. */
function workspace(rest: Record<string, unknown> = {}): { dir: string; run(args: string[]): ReturnType<typeof runCli> } {
  const dir = tempTree();
  configKeeping(dir, [PRIVILEGED], {}, { scope: { name: 'shop' }, owners: [{ control: 'A.8.9', owner: 'Platform team' }], ...rest });
  for (const name of ['privileged.yaml', 'clean.yaml', 'secrets.yaml']) copyFileSync(join(fixtures, name), join(dir, name));
  return { dir, run: (args) => runCli(args, { cwd: dir }) };
}

function json(run: ReturnType<typeof runCli>): Record<string, unknown> {
  assert.equal(run.stderr.includes('Error:') && !run.stderr.includes('annexa:'), false, run.stderr);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('scan --store', () => {
  it('records summary, findings, posture, config and salted input digests, and nothing without --store', () => {
    const ws = workspace();
    assert.equal(ws.run(['scan', 'privileged.yaml', '-q']).code, 1);
    assert.equal(existsSync(join(ws.dir, 'annexa.db')), false, 'no store is written without --store');
    const scan = ws.run(['scan', 'privileged.yaml', '-q', '--store', 'annexa.db']);
    assert.equal(scan.code, 1);
    assert.match(scan.stderr, new RegExp(`recorded scan as evidence record 1 .*opened ${PRIVILEGED_CONTROLS.length} nonconformities`));
    const record = json(ws.run(['evidence', 'show', '1'])) as { type: string; payload: Record<string, unknown>; inputDigest: string; configDigest: string };
    assert.equal(record.type, 'scan');
    const payload = record.payload as { summary: { findings: number }; findings: Array<{ checkId: string }>; posture: Array<{ id: string; status: string }>; inputs: Array<{ file: string; digest: string }>; config: unknown };
    assert.equal(payload.summary.findings, 1);
    assert.deepEqual(payload.findings.map((f) => f.checkId), [PRIVILEGED]);
    assert.equal(payload.posture.find((c) => c.id === 'A.8.9')?.status, 'fail');
    assert.equal(payload.inputs[0]!.file, 'privileged.yaml');
    assert.match(payload.inputs[0]!.digest, /^[0-9a-f]{64}$/);
    assert.notEqual(payload.inputs[0]!.digest, sha256Hex(readFileSync(join(ws.dir, 'privileged.yaml'))), 'input digests are salted');
    assert.ok(payload.config, 'the config the scan ran with is recorded');
  });

  it('records excepted findings as excepted: they open no nonconformity', () => {
    const ws = workspace({ exceptions: [{ check: PRIVILEGED, resource: { kind: 'Pod', namespace: 'shop', name: 'web' }, justification: 'lab only', approvedBy: 'ciso@example.com', expires: '2999-12-31' }] });
    const scan = ws.run(['scan', 'privileged.yaml', '-q', '--store', 'annexa.db']);
    assert.equal(scan.code, 0, scan.stderr);
    assert.doesNotMatch(scan.stderr, /opened/);
    const payload = (json(ws.run(['evidence', 'show', '1'])) as { payload: { findings: unknown[]; excepted: Array<{ checkId: string; excepted: { approvedBy: string } }>; summary: { exceptedFindings: number } } }).payload;
    assert.deepEqual(payload.findings, []);
    assert.deepEqual(payload.excepted.map((f) => [f.checkId, f.excepted.approvedBy]), [[PRIVILEGED, 'ciso@example.com']]);
    assert.equal(payload.summary.exceptedFindings, 1);
  });

  it('takes the store from evidence.store in annexa.yaml', () => {
    const ws = workspace({ evidence: { store: 'from-config.db' } });
    ws.run(['scan', 'clean.yaml', '-q']);
    assert.equal(existsSync(join(ws.dir, 'from-config.db')), true);
  });

  it('never stores a Secret value: Secrets by metadata and key names', () => {
    const ws = workspace();
    ws.run(['scan', 'secrets.yaml', '-q', '--store', 'annexa.db']);
    const stored = readFileSync(join(ws.dir, 'annexa.db'));
    for (const value of SECRET_VALUES) assert.equal(stored.includes(value), false, `the store holds ${value}`);
    ws.run(['scan', 'secrets.yaml', '-q', '--store', 'annexa.db']);
    const secretsOf = (run: ReturnType<typeof runCli>) => (json(run) as { payload: { secrets: Array<Record<string, string>> } }).payload.secrets;
    const [secret] = secretsOf(ws.run(['evidence', 'show', '1']));
    assert.deepEqual({ ...secret, dataDigest: undefined }, { name: 'db', namespace: 'shop', dataDigest: undefined });
    assert.match(secret!.dataDigest!, /^[0-9a-f]{64}$/, 'the data is recorded as a salted digest');
    const scans = (json(ws.run(['evidence', 'list', '--type', 'scan', '-o', 'json'])) as { records: Array<{ seq: number }> }).records;
    assert.equal(scans.length, 2);
    assert.equal(secretsOf(ws.run(['evidence', 'show', String(scans[1]!.seq)]))[0]!.dataDigest, secret!.dataDigest, 'the same data gives the same digest in one store');
    // With every check (cross-resource ones keep Secrets in the inventory): type and key names too.
    const all = tempTree({ 'secrets.yaml': readFileSync(join(fixtures, 'secrets.yaml')) });
    runCli(['scan', 'secrets.yaml', '-q', '--store', 'annexa.db'], { cwd: all });
    const full = readFileSync(join(all, 'annexa.db'));
    for (const value of SECRET_VALUES) assert.equal(full.includes(value), false, `the store holds ${value}`);
    const [withKeys] = secretsOf(runCli(['evidence', 'show', '1'], { cwd: all }));
    assert.deepEqual({ ...withKeys, dataDigest: undefined }, { name: 'db', namespace: 'shop', type: 'Opaque', keys: ['api-token', 'password'], dataDigest: undefined });
    assert.notEqual(withKeys!.dataDigest, secret!.dataDigest, 'each store has its own salt');
  });

  it('refuses a store it cannot open with a usage error', () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'not-a-db'), 'plain text, not SQLite');
    const run = ws.run(['scan', 'clean.yaml', '-q', '--store', 'not-a-db']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--store not-a-db: cannot open the evidence store/);
  });
});

describe('nonconformities', () => {
  it('are opened per failing control and scope, move forward only, and close only after a later passing scan', () => {
    const ws = workspace();
    ws.run(['scan', 'privileged.yaml', '-q', '--store', 'annexa.db']);
    const second = ws.run(['scan', 'privileged.yaml', '-q', '--store', 'annexa.db']);
    assert.doesNotMatch(second.stderr, /opened/, 'a control with an open nonconformity does not open another');
    const list = json(ws.run(['isms', 'nc', 'list', '-o', 'json'])) as { nonconformities: Array<{ id: string; control: string; status: string; owner?: string; scope: string }> };
    assert.deepEqual(list.nonconformities.map((n) => [n.control, n.status, n.scope]).sort(), PRIVILEGED_CONTROLS.map((c) => [c, 'open', 'shop']));
    assert.ok(PRIVILEGED_CONTROLS.includes('A.8.9'));
    const nc = list.nonconformities.find((n) => n.control === 'A.8.9')!;
    assert.equal(nc.owner, 'Platform team');

    assert.equal(ws.run(['isms', 'nc', 'update', nc.id, '--status', 'corrective-action', '--root-cause', 'no admission policy', '--corrective-action', 'enforce PSS restricted', '--due', '2027-01-31']).code, 0);
    const backwards = ws.run(['isms', 'nc', 'update', nc.id, '--status', 'open']);
    assert.equal(backwards.code, 2);
    assert.match(backwards.stderr, /only move forward/);
    assert.equal(ws.run(['isms', 'nc', 'update', nc.id, '--status', 'verified']).code, 0);

    const early = ws.run(['isms', 'nc', 'close', nc.id]);
    assert.equal(early.code, 2);
    assert.match(early.stderr, /shows A\.8\.9 as fail, not pass/);

    ws.run(['scan', 'clean.yaml', '-q', '--store', 'annexa.db']);
    const close = ws.run(['isms', 'nc', 'close', nc.id, '--note', 'PSS restricted enforced']);
    assert.equal(close.code, 0, close.stderr);
    const shown = json(ws.run(['isms', 'nc', 'show', nc.id])) as { status: string; rootCause: string; dueDate: string; history: Array<{ event: string }> };
    assert.equal(shown.status, 'closed');
    assert.equal(shown.rootCause, 'no admission policy');
    assert.equal(shown.dueDate, '2027-01-31');
    assert.deepEqual(shown.history.map((h) => h.event), ['opened', 'status corrective-action', 'status verified', 'closed']);
    assert.equal(ws.run(['evidence', 'verify']).code, 0);
  });
});

describe('incidents, risks and ISMS records', () => {
  it('links incidents to evidence, keeps a timeline, and opens corrective actions from the review', () => {
    const ws = workspace({
      incidentScope: { namespaces: ['shop'] },
      risks: [{ id: 'R-1', description: 'Container escape', likelihood: 'medium', impact: 'high', treatment: 'mitigate', controls: ['A.8.9', 'A.5.24'] }],
    });
    ws.run(['scan', 'privileged.yaml', '-q', '--store', 'annexa.db']);
    const scanId = (json(ws.run(['evidence', 'show', '1'])) as { id: string }).id;
    assert.match(ws.run(['isms', 'incident', 'open', '--title', 'x', '--severity', 'high', '--namespace', 'payments']).stderr, /outside the incident scope.*payments/);
    assert.match(ws.run(['isms', 'incident', 'open', '--title', 'x', '--severity', 'high', '--link', 'no-such-record']).stderr, /no evidence record "no-such-record"/);
    const opened = ws.run(['isms', 'incident', 'open', '--title', 'Privileged pod abused', '--severity', 'high', '--namespace', 'shop', '--detected', '2026-11-30T10:00:00Z', '--link', scanId]);
    assert.equal(opened.code, 0, opened.stderr);
    const id = /opened (INC-[0-9a-f]+)/.exec(opened.stderr)![1]!;
    assert.equal(ws.run(['isms', 'incident', 'update', id, '--contained', '2026-11-30T12:00:00Z', '--note', 'pod deleted']).code, 0);
    const closed = ws.run(['isms', 'incident', 'close', id, '--review', 'no admission control', '--resolved', '2026-12-01', '--open-corrective-action', 'A.8.9:enforce PSS restricted in shop']);
    assert.equal(closed.code, 0, closed.stderr);
    const incident = json(ws.run(['isms', 'incident', 'show', id])) as { status: string; timeline: Record<string, string>; links: string[]; correctiveActions: string[] };
    assert.equal(incident.status, 'closed');
    assert.deepEqual(incident.timeline, { detected: '2026-11-30T10:00:00.000Z', contained: '2026-11-30T12:00:00.000Z', resolved: '2026-12-01T00:00:00.000Z' });
    assert.deepEqual(incident.links, [scanId]);
    assert.equal(incident.correctiveActions.length, 1);
    const ncs = json(ws.run(['isms', 'nc', 'list', '-o', 'json'])) as { nonconformities: Array<{ id: string; source: string; correctiveAction?: string }> };
    const fromIncident = ncs.nonconformities.find((n) => n.id === incident.correctiveActions[0]);
    assert.deepEqual([fromIncident?.source, fromIncident?.correctiveAction], ['incident', 'enforce PSS restricted in shop']);

    const risks = json(ws.run(['isms', 'risks', '-o', 'json'])) as { risks: Array<{ id: string; controlStatus: Array<{ control: string; status: string }> }> };
    assert.deepEqual(risks.risks[0]!.controlStatus, [{ control: 'A.8.9', status: 'fail' }, { control: 'A.5.24', status: 'manual' }]);

    const review = ws.run(['isms', 'record', 'management-review', '--title', 'Q4 review', '--date', '2026-12-01', '--summary', 'ok', '--evidence', scanId, '--decision', 'fund PSS rollout']);
    assert.equal(review.code, 0, review.stderr);
    const records = json(ws.run(['evidence', 'list', '--type', 'isms', '-o', 'json'])) as { records: Array<{ summary: string }> };
    assert.ok(records.records.some((r) => r.summary.startsWith('management-review')));
    assert.equal(ws.run(['evidence', 'verify']).code, 0);
  });
});

describe('evidence bundles', () => {
  function exported(): { ws: ReturnType<typeof workspace>; bundle: string; key: string } {
    const ws = workspace();
    ws.run(['scan', 'privileged.yaml', '-q', '--store', 'annexa.db']);
    ws.run(['scan', 'clean.yaml', '-q', '--store', 'annexa.db']);
    const run = ws.run(['evidence', 'export', '--out', 'bundle.tar.gz']);
    assert.equal(run.code, 0, run.stderr);
    return { ws, bundle: join(ws.dir, 'bundle.tar.gz'), key: join(ws.dir, 'annexa.db.ed25519.pem') };
  }

  /** Rewrites the bundle with `change` applied to its entries. */
  function rewrite(bundle: string, change: (entries: Array<{ name: string; data: Buffer }>) => Array<{ name: string; data: Buffer }>): string {
    const out = `${bundle}.tampered.tar.gz`;
    writeFileSync(out, writeTarGz(change(readTarGz(readFileSync(bundle)))));
    return out;
  }

  it('holds the manifest, records, checkpoints, posture summary, SoA, public key and README, and verifies', () => {
    const { ws, bundle, key } = exported();
    const names = readTarGz(readFileSync(bundle)).map((e) => e.name).sort();
    assert.deepEqual(names, ['README.md', 'checkpoints.json', 'manifest.json', 'posture-summary.json', 'public-key.pem', 'records.jsonl', 'soa.json']);
    const run = ws.run(['evidence', 'verify-bundle', bundle, '--public-key', key, '-o', 'json']);
    assert.equal(run.code, 0, run.stdout);
    const report = JSON.parse(run.stdout) as { ok: boolean; records: number; key: { source: string } };
    assert.deepEqual([report.ok, report.records, report.key.source], [true, 5, 'given']);
  });

  it('fails on an edited, missing or extra file, an edited manifest, and the wrong key', () => {
    const { ws, bundle, key } = exported();
    const edited = rewrite(bundle, (entries) => entries.map((e) => (e.name === 'records.jsonl' ? { ...e, data: Buffer.from(e.data.toString().replace('"shop"', '"shop2"')) } : e)));
    assert.match(ws.run(['evidence', 'verify-bundle', edited, '--public-key', key]).stdout, /records\.jsonl: sha256 differs/);
    const missing = rewrite(bundle, (entries) => entries.filter((e) => e.name !== 'soa.json'));
    assert.match(ws.run(['evidence', 'verify-bundle', missing, '--public-key', key]).stdout, /soa\.json: listed in the manifest but missing/);
    const extra = rewrite(bundle, (entries) => [...entries, { name: 'extra.txt', data: Buffer.from('x') }]);
    assert.match(ws.run(['evidence', 'verify-bundle', extra, '--public-key', key]).stdout, /extra\.txt: not listed/);
    // Edit a record and update its sha256 in the manifest: the manifest signature no longer verifies.
    const rehashed = rewrite(bundle, (entries) => {
      const records = Buffer.from(entries.find((e) => e.name === 'records.jsonl')!.data.toString().replace('"shop"', '"shop2"'));
      const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString()) as { files: Array<{ name: string; sha256: string; bytes: number }> };
      for (const file of manifest.files) if (file.name === 'records.jsonl') Object.assign(file, { sha256: sha256Hex(records), bytes: records.length });
      return entries.map((e) => (e.name === 'records.jsonl' ? { ...e, data: records } : e.name === 'manifest.json' ? { ...e, data: Buffer.from(JSON.stringify(manifest)) } : e));
    });
    const run = ws.run(['evidence', 'verify-bundle', rehashed, '--public-key', key]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /signature does not verify/);
    assert.match(run.stdout, /records\.jsonl: record 1 was changed/);
    const other = tempTree();
    const otherKey = runCli(['scan', join(fixtures, 'clean.yaml'), '-q', '--store', join(other, 'x.db')], { cwd: other });
    assert.equal(otherKey.code, 0, otherKey.stderr);
    assert.match(ws.run(['evidence', 'verify-bundle', bundle, '--public-key', join(other, 'x.db.ed25519.pem')]).stdout, /signature does not verify with the given public key/);
    for (const file of [edited, missing, extra]) assert.equal(ws.run(['evidence', 'verify-bundle', file, '--public-key', key]).code, 1);
  });

  it('exports only the records of a period', () => {
    const { ws } = exported();
    const run = ws.run(['evidence', 'export', '--out', 'future.tar.gz', '--since', '2999-01-01']);
    assert.equal(run.code, 0, run.stderr);
    const manifest = JSON.parse(readTarGz(readFileSync(join(ws.dir, 'future.tar.gz'))).find((e) => e.name === 'manifest.json')!.data.toString()) as { records: { count: number } };
    assert.equal(manifest.records.count, 0);
    assert.equal(ws.run(['evidence', 'verify-bundle', 'future.tar.gz']).code, 0);
  });
});

describe('evidence trend and verify', () => {
  it('shows pass/fail per control over recorded scans', () => {
    const ws = workspace();
    ws.run(['scan', 'privileged.yaml', '-q', '--store', 'annexa.db']);
    ws.run(['scan', 'clean.yaml', '-q', '--store', 'annexa.db']);
    const trend = json(ws.run(['evidence', 'trend', '-o', 'json'])) as { scans: unknown[]; controls: Array<{ id: string; statuses: string[] }>; themes: Array<{ theme: string; points: Array<Record<string, number>> }> };
    assert.equal(trend.scans.length, 2);
    // A.8.9 is only partly automatable: once its findings are gone it is `partial`, never `pass`.
    assert.deepEqual(trend.controls.find((c) => c.id === 'A.8.9')?.statuses, ['fail', 'partial']);
    const technological = trend.themes.find((t) => t.theme === 'technological')!;
    assert.deepEqual([technological.points[0]!.fail, technological.points[1]!.fail ?? 0], [PRIVILEGED_CONTROLS.filter((c) => c.startsWith('A.8.')).length, 0]);
  });

  it('exits 1 naming the first broken record, 2 without a store', () => {
    const ws = workspace();
    assert.equal(ws.run(['evidence', 'verify']).code, 2);
    ws.run(['scan', 'privileged.yaml', '-q', '--store', 'annexa.db']);
    const ok = ws.run(['evidence', 'verify']);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /OK: every record, link and checkpoint verifies/);
  });
});

describe('bad input to the evidence commands', () => {
  it('is a usage error (exit 2) naming the problem, never a stack trace or a password', () => {
    const ws = workspace();
    ws.run(['scan', 'clean.yaml', '-q', '--store', 'annexa.db']);
    writeFileSync(join(ws.dir, 'not-a-key.pem'), 'not a key');
    const cases: Array<[string[], RegExp]> = [
      [['evidence', 'verify', '--public-key', 'missing.pem'], /^annexa: missing\.pem: cannot read a public key/],
      [['evidence', 'verify-bundle', 'missing.tar.gz'], /^annexa: missing\.tar\.gz: cannot read/],
      [['evidence', 'show', 'no-such-id'], /^annexa: no evidence record "no-such-id"/],
      [['evidence', 'list', '--since', 'yesterday'], /^annexa: --since: "yesterday" is not a date/],
      [['evidence', 'list', '--type', 'scans'], /^annexa: --type must be one of scan, admission, audit, isms, import/],
      [['scan', 'clean.yaml', '-q', '--store', 'annexa.db', '--signing-key', 'not-a-key.pem'], /^annexa: not-a-key\.pem: cannot read the signing key/],
      [['scan', 'clean.yaml', '-q', '--store', 'postgres://annexa:hunter2-pw@127.0.0.1:1/x'], /^annexa: --store postgres:\/\/annexa:\*\*\*@127\.0\.0\.1:1\/x: cannot open the evidence store: postgres:\/\/annexa:\*\*\*@127\.0\.0\.1:1\/x: cannot connect/],
    ];
    for (const [args, message] of cases) {
      const run = ws.run(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      // Other lines (a note naming the annexa.yaml in use) may come first.
      assert.match(run.stderr, new RegExp(message.source, 'm'), args.join(' '));
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
      assert.doesNotMatch(run.stderr, /hunter2-pw/, 'no password');
    }
  });
});

describe('a writer killed mid-scan', () => {
  it('leaves a store that verifies (kill -9 during a large recorded scan)', async () => {
    const dir = tempTree();
    generateCorpus(join(dir, 'corpus'), 4000, 7);
    const store = join(dir, 'annexa.db');
    const first = runCli(['scan', join(dir, 'corpus'), '-q', '--store', store, '--fail-on', 'never', '-o', 'json', '--output-file', join(dir, 'first.json')], { cwd: dir, timeout: 300_000 });
    assert.equal(first.code, 0, first.stderr);
    const walSize = () => (existsSync(`${store}-wal`) ? statSync(`${store}-wal`).size : 0);
    const before = walSize();
    // A second scan: killed as soon as its write to the store has begun (the WAL grows), or at the
    // latest part-way through the time the first scan took, so it cannot finish first.
    const child = spawn(process.execPath, [binPath, 'scan', join(dir, 'corpus'), '-q', '--store', store, '--fail-on', 'never', '-o', 'json', '--output-file', join(dir, 'second.json')], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (walSize() !== before || Date.now() - started > first.ms * 0.6 || child.exitCode !== null) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 2);
    });
    const signal = await exited;
    assert.equal(signal, 'SIGKILL', 'the scan was killed before it finished');
    const verify = runCli(['evidence', 'verify', '--store', store, '-o', 'json'], { cwd: dir });
    const report = JSON.parse(verify.stdout) as { ok: boolean; records: number };
    assert.equal(report.ok, true, verify.stdout);
    assert.equal(verify.code, 0);
    assert.ok(report.records >= 1);
    // And the store takes the next scan.
    assert.equal(runCli(['scan', join(fixtures, 'clean.yaml'), '-q', '--store', store], { cwd: dir }).code, 0);
    assert.equal(runCli(['evidence', 'verify', '--store', store], { cwd: dir }).code, 0);
  });
});
