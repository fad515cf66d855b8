/**
 * Admission latency over TLS at 32 concurrent keep-alive connections: `annexa webhook serve`'s
 * handler (every per-resource check, the decision, metrics) against a bare node:https server that
 * only parses the review and answers allowed, measured side by side in the same run. Each server
 * runs in its own worker thread; the load generator sends a mix of an allowed hardened Pod and a
 * denied privileged Deployment and records each request's latency. Reported: p50, p99, throughput,
 * errors, and the annexa/bare ratio.
 */
import { Worker } from 'node:worker_threads';
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import type { Benchmark } from './context.js';
import { ROOT } from './run.js';
import { makeTestTls } from '../test/support/tls.js';
import { admissionReview, HARDENED_POD, privilegedPod } from '../test/support/admission.js';

const CONNECTIONS = 32;

interface Result {
  p50: number;
  p99: number;
  perSecond: number;
  errors: number;
  requests: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function bodies(): string[] {
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: (privilegedPod() as any).spec } } };
  return Array.from({ length: 64 }, (_, i) => JSON.stringify(admissionReview(i % 2 === 0 ? HARDENED_POD : deployment, { uid: `uid-${i}` })));
}

function send(agent: Agent, port: number, ca: string, body: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/validate', method: 'POST', agent, ca, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && text.includes('"uid"')));
      res.on('error', () => resolve(false));
    });
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

async function load(port: number, ca: string, total: number): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS, ca });
  const payloads = bodies();
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  // Warm-up: TLS handshakes on every connection, JIT.
  await Promise.all(Array.from({ length: CONNECTIONS * 4 }, (_, i) => send(agent, port, ca, payloads[i % payloads.length]!)));
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (next < total) {
      const body = payloads[next++ % payloads.length]!;
      const t0 = performance.now();
      const ok = await send(agent, port, ca, body);
      latencies.push(performance.now() - t0);
      if (!ok) errors += 1;
    }
  }));
  const elapsed = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), perSecond: (latencies.length / elapsed) * 1000, errors, requests: latencies.length };
}

async function measure(kind: 'annexa' | 'bare', tls: { certFile: string; keyFile: string; ca: string }, total: number): Promise<Result> {
  const worker = new Worker(join(ROOT, 'dist', 'bench', 'admission-server.js'), { workerData: { kind, certFile: tls.certFile, keyFile: tls.keyFile } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port: number }) => resolve(message.port));
    worker.once('error', reject);
  });
  try {
    return await load(port, tls.ca, total);
  } finally {
    worker.postMessage('close');
    await new Promise((resolve) => worker.once('exit', resolve));
  }
}

const admission: Benchmark = async (ctx) => {
  const tls = await makeTestTls('annexa-bench-tls-');
  const files = { certFile: tls.certFile, keyFile: tls.keyFile, ca: tls.ca.certPem };
  const total = ctx.quick ? 2_000 : 20_000;
  const bare = await measure('bare', files, total);
  const annexa = await measure('annexa', files, total);
  const row = (name: string, r: Result) => ({ server: name, requests: r.requests, errors: r.errors, 'p50 ms': r.p50, 'p99 ms': r.p99, 'reviews/s': Math.round(r.perSecond) });
  ctx.table(`Admission reviews over TLS, ${CONNECTIONS} concurrent keep-alive connections (half allowed Pods, half denied Deployments)`, [
    row('bare node:https (parse + allowed)', bare),
    row('annexa webhook (all per-resource checks)', annexa),
    { server: 'ratio annexa / bare', 'p50 ms': annexa.p50 / bare.p50, 'p99 ms': annexa.p99 / bare.p99, 'reviews/s': annexa.perSecond / bare.perSecond },
  ]);
};

export default admission;
