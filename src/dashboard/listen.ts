/**
 * Starts the dashboard: HTTPS when a certificate is given (reloaded when its files change), plain
 * HTTP on a loopback address only; request and header timeouts; a graceful close that stops
 * accepting, lets requests in flight finish (up to a deadline) and closes idle connections.
 */
import { createServer as createHttpServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { readFileSync, watchFile, unwatchFile } from 'node:fs';
import { isIP } from 'node:net';

export interface ListenOptions {
  host: string;
  port: number;
  tls?: { cert: string; key: string };
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

export interface RunningDashboard {
  url: string;
  port: number;
  close(deadlineMs?: number): Promise<void>;
}

export const REQUEST_TIMEOUT_MS = 30_000;

/** Loopback names and addresses: the only places plain HTTP is served. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function tlsFiles(tls: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(tls.cert), key: readFileSync(tls.key) };
}

export async function listenDashboard(options: ListenOptions): Promise<RunningDashboard> {
  const { tls } = options;
  if (!tls && !isLoopback(options.host)) throw new Error(`plain HTTP is served on a loopback address only; give --tls-cert and --tls-key to listen on ${options.host}`);
  const handle = (req: IncomingMessage, res: ServerResponse) => void options.handler(req, res);
  const server: Server | HttpsServer = tls ? createHttpsServer(tlsFiles(tls), handle) : createHttpServer(handle);
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  const reload = () => {
    try {
      (server as HttpsServer).setSecureContext(tlsFiles(tls!));
    } catch (error) {
      process.stderr.write(`annexa: dashboard: keeping the previous certificate: ${(error as Error).message}\n`);
    }
  };
  if (tls) for (const file of [tls.cert, tls.key]) watchFile(file, { interval: 2000 }, reload);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${tls ? 'https' : 'http'}://${shownHost}:${port}/`,
    port,
    close: (deadlineMs = 10_000) => new Promise<void>((resolve) => {
      if (tls) for (const file of [tls.cert, tls.key]) unwatchFile(file, reload);
      const timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      server.closeIdleConnections();
    }),
  };
}
