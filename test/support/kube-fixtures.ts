/**
 * Credentials and kubeconfigs for tests against the API double (kube-api-double.ts): a test CA,
 * a server certificate for 127.0.0.1 and a client certificate, made with `openssl` at test time in
 * a temporary folder (nothing is fetched), and kubeconfig files for the token, client-certificate
 * and exec-plugin methods kubectl supports.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { KubeApiDouble, type DoubleOptions, type KubeObject } from './kube-api-double.js';

export const TOKEN = 'test-token-7f3a';

/** The manifests of a directory as objects (to load into the double). */
export function manifestsOf(dir: string): KubeObject[] {
  return readdirSync(dir).sort().flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJSON() as KubeObject).filter((o) => o !== null));
}



export interface TestPki {
  dir: string;
  ca: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function tempDir(prefix = 'annexa-cluster-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A CA, a server certificate (CN and SAN 127.0.0.1) and a client certificate (CN tester, O testers), all signed by the CA. */
export function makePki(dir: string): TestPki {
  const days = ['-days', '2'];
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=annexa-test-ca', ...days]);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-extfile', 'server.ext', ...days]);
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/O=testers/CN=tester']);
  openssl(dir, ['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-extfile', 'client.ext', ...days]);
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { dir, ca: read('ca.crt'), serverKey: read('server.key'), serverCert: read('server.crt'), clientKey: read('client.key'), clientCert: read('client.crt') };
}

export type KubeUser =
  | { token: string }
  | { clientCert: string; clientKey: string }
  | { execToken: string };

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Writes a kubeconfig with one context `test` (namespace `namespace`) and returns its path. */
export function writeKubeconfig(dir: string, server: string, user: KubeUser, options: { ca?: string; namespace?: string; file?: string } = {}): string {
  let userEntry: Record<string, unknown>;
  if ('token' in user) userEntry = { token: user.token };
  else if ('clientCert' in user) userEntry = { 'client-certificate-data': b64(user.clientCert), 'client-key-data': b64(user.clientKey) };
  else {
    // An exec credential plugin, as `aws eks get-token` or `kubelogin` are: a program that prints an ExecCredential.
    const plugin = join(dir, 'credential-plugin.mjs');
    writeFileSync(plugin, `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: process.env.TEST_TOKEN } }));\n`);
    userEntry = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin], env: [{ name: 'TEST_TOKEN', value: user.execToken }], interactiveMode: 'Never' } };
  }
  const cluster: Record<string, unknown> = { server };
  if (options.ca) cluster['certificate-authority-data'] = b64(options.ca);
  const context: Record<string, unknown> = { cluster: 'double', user: 'tester' };
  if (options.namespace) context.namespace = options.namespace;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'double', cluster }],
    users: [{ name: 'tester', user: userEntry }],
    contexts: [{ name: 'test', context }],
    'current-context': 'test',
  };
  const file = join(dir, options.file ?? 'kubeconfig');
  writeFileSync(file, stringify(config));
  return file;
}

/** A double on HTTPS with the test CA, and a kubeconfig for it. */
export class Fixture {
  readonly tmp = tempDir();
  readonly pki: TestPki = makePki(this.tmp.dir);
  double!: KubeApiDouble;
  server = '';

  async start(options: Omit<DoubleOptions, 'tls'>): Promise<this> {
    this.double = new KubeApiDouble({ auth: { tokens: [TOKEN], clientCertificates: true }, ...options, tls: { key: this.pki.serverKey, cert: this.pki.serverCert, ca: this.pki.ca } });
    this.server = await this.double.start();
    return this;
  }

  kubeconfig(user: KubeUser = { token: TOKEN }, file = 'kubeconfig', namespace?: string): string {
    return writeKubeconfig(this.tmp.dir, this.server, user, { ca: this.pki.ca, file, ...(namespace ? { namespace } : {}) });
  }

  async stop(): Promise<void> {
    await this.double.stop();
    this.tmp.remove();
  }
}

