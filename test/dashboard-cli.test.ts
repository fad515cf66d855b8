/**
 * `annexa serve` and `annexa demo` as commands (spawned CLI): usage errors, the demo printing URL
 * and a generated token once, HTTPS with a certificate, graceful stop on SIGTERM with exit 0.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { join } from 'node:path';
import { binPath } from './support/paths.js';
import { runCli, tempTree } from './support/scan-output.js';
import { makePki } from './support/kube-fixtures.js';

interface Started {
  child: ChildProcess;
  stderr: () => string;
  url: string;
  token?: string;
}

/** Spawns the CLI and waits until it prints the dashboard's URL (and the token when generated). */
function startCli(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [binPath, ...args], { env: { ...process.env, NO_COLOR: '1', ANNEXA_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const url = /dashboard at (\S+)/.exec(text)?.[1];
      const token = /token \(shown once[^)]*\): (\S+)/.exec(text)?.[1];
      if (url && (token || /token: the value of ANNEXA_TOKEN/.test(text))) resolve({ child, stderr: () => text, url, ...(token ? { token } : {}) });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before serving: ${text}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));
}

function httpsGet(url: string, ca: string, headers: Record<string, string>): Promise<{ status: number; hsts: string | undefined }> {
  return new Promise((resolve, reject) => {
    request(url, { ca, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, hsts: response.headers['strict-transport-security'] as string | undefined }));
    }).on('error', reject).end();
  });
}

describe('annexa serve / demo', () => {
  it('refuses to start without a store, and refuses plain HTTP on a non-loopback address', () => {
    const dir = tempTree();
    const missing = runCli(['serve', '--store', join(dir, 'none.db')], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no evidence store at .*none\.db/);
    const open = runCli(['demo', '--dir', dir, '--host', '0.0.0.0', '--port', '0'], { cwd: dir });
    assert.equal(open.code, 2);
    assert.match(open.stderr, /plain HTTP is served on a loopback address only; give --tls-cert and --tls-key/);
    const halfTls = runCli(['serve', '--store', join(dir, 'annexa.db'), '--tls-cert', 'x.crt'], { cwd: dir });
    assert.equal(halfTls.code, 2);
    assert.match(halfTls.stderr, /--tls-cert and --tls-key go together/);
    const shortToken = runCli(['serve', '--store', join(dir, 'annexa.db')], { cwd: dir, env: { ANNEXA_TOKEN: 'short' } });
    assert.equal(shortToken.code, 2);
    assert.match(shortToken.stderr, /ANNEXA_TOKEN must be at least 16 characters/);
  });

  it('demo seeds a store, prints URL and a generated token once, serves it, and stops on SIGTERM with exit 0', async () => {
    const dir = tempTree();
    const started = await startCli(['demo', '--dir', dir, '--port', '0']);
    assert.match(started.stderr(), /demo store .*annexa\.db: 4 recorded scans, \d+ evidence records/);
    assert.match(started.stderr(), /no audit log is seeded/);
    assert.ok(started.token && started.token.length >= 40);
    assert.equal(started.stderr().split(started.token).length - 1, 1, 'the token is printed once');
    assert.equal((await fetch(`${started.url}api/posture`)).status, 401);
    const posture = await fetch(`${started.url}api/posture`, { headers: { Authorization: `Bearer ${started.token}` } });
    assert.equal(posture.status, 200);
    assert.equal(((await posture.json()) as { scan: { scope: string } }).scan.scope, 'Shop platform');
    started.child.kill('SIGTERM');
    assert.equal(await exitOf(started.child), 0);
    assert.match(started.stderr(), /dashboard stopping/);
  });

  it('serves HTTPS with --tls-cert/--tls-key on any address, with HSTS, and takes the token from ANNEXA_TOKEN without printing it', async () => {
    const dir = tempTree();
    const pki = makePki(dir);
    const token = 'a-token-chosen-by-the-operator-42';
    const started = await startCli(['demo', '--dir', join(dir), '--port', '0', '--tls-cert', join(dir, 'server.crt'), '--tls-key', join(dir, 'server.key')], { ANNEXA_TOKEN: token });
    assert.match(started.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(started.stderr().includes(token), false);
    const ok = await httpsGet(`${started.url}api/trend`, pki.ca, { Authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200);
    assert.match(ok.hsts ?? '', /max-age=\d+/);
    assert.equal((await httpsGet(`${started.url}api/trend`, pki.ca, { Authorization: 'Bearer wrong-token-0123456789' })).status, 401);
    started.child.kill('SIGTERM');
    assert.equal(await exitOf(started.child), 0);
  });
});
