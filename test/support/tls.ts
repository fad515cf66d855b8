/** Test TLS material: a CA and a serving certificate for localhost written to a temporary directory. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type RequestOptions } from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { generateCa, generateServingCert, type PemPair } from '../../src/server/certs.js';

export interface TestTls {
  dir: string;
  ca: PemPair;
  certFile: string;
  keyFile: string;
  caFile: string;
}

export async function makeTestTls(prefix = 'annexa-tls-'): Promise<TestTls> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const ca = await generateCa({ commonName: 'annexa test CA' });
  const serving = await localhostCert(ca);
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  const caFile = join(dir, 'ca.crt');
  writeFileSync(certFile, serving.certPem);
  writeFileSync(keyFile, serving.keyPem);
  writeFileSync(caFile, ca.certPem);
  return { dir, ca, certFile, keyFile, caFile };
}

export function localhostCert(ca: PemPair, commonName = 'localhost'): Promise<PemPair> {
  return generateServingCert(ca, { commonName, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  peerCertificate: PeerCertificate;
}

/** One HTTPS request on a fresh connection (no agent), verifying the server against `ca`. */
export function httpsRequest(url: string, options: { method?: string; body?: string | Buffer; ca: string; headers?: Record<string, string>; cert?: string; key?: string; chunked?: boolean }): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const requestOptions: RequestOptions = { method: options.method ?? 'GET', ca: options.ca, agent: false, headers: { ...options.headers } };
    if (options.cert) requestOptions.cert = options.cert;
    if (options.key) requestOptions.key = options.key;
    if (options.body !== undefined && !options.chunked) requestOptions.headers = { ...requestOptions.headers, 'Content-Length': String(Buffer.byteLength(options.body)) };
    const req = request(url, requestOptions, (res) => {
      const chunks: Buffer[] = [];
      const peerCertificate = (res.socket as TLSSocket).getPeerCertificate();
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), peerCertificate }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body !== undefined) {
      if (options.chunked) {
        const body = Buffer.from(options.body);
        const step = 64 * 1024;
        for (let at = 0; at < body.length; at += step) req.write(body.subarray(at, at + step));
      } else req.write(options.body);
    }
    req.end();
  });
}
