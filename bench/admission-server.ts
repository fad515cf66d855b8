/**
 * The server side of bench/admission.bench.ts, run in a worker thread so that the load generator
 * (main thread) and the server do not share an event loop. `kind: 'annexa'` is `webhook serve`'s
 * handler on the shared server layer; `kind: 'bare'` is a plain node:https server that parses the
 * review and answers allowed: the floor.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { builtinChecks } from '../src/checks/index.js';
import { makeConfig } from '../src/isms/config.js';
import { admissionSettings } from '../src/admission/settings.js';
import { createWebhookHandler } from '../src/admission/webhook.js';
import { createMetrics, silentLogger, startServer } from '../src/server/index.js';

interface Options {
  kind: 'annexa' | 'bare';
  certFile: string;
  keyFile: string;
}

const options = workerData as Options;

async function start(): Promise<{ port: number; close(): Promise<void> }> {
  if (options.kind === 'bare') {
    const server = createServer({ cert: readFileSync(options.certFile), key: readFileSync(options.keyFile) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { uid: string } };
        const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }
  const config = makeConfig();
  const metrics = createMetrics();
  const running = await startServer({
    host: '127.0.0.1',
    port: 0,
    tls: { certFile: options.certFile, keyFile: options.keyFile },
    metrics,
    handler: createWebhookHandler({ checks: builtinChecks, config, settings: admissionSettings(config), logger: silentLogger, metrics }),
  });
  return { port: running.port, close: async () => void (await running.close()) };
}

const server = await start();
parentPort!.postMessage({ port: server.port });
parentPort!.on('message', (message: string) => {
  if (message === 'close') void server.close().then(() => process.exit(0));
});
