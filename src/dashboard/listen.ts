/**
 * Starts the dashboard on the shared server layer (src/server: TLS with certificate reload,
 * timeouts, /healthz and /readyz, graceful shutdown draining requests in flight). Plain HTTP is
 * served on a loopback address only: the dashboard exposes evidence and takes a bearer token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { startServer } from '../server/index.js';

export interface ListenOptions {
  host: string;
  port: number;
  tls?: { cert: string; key: string };
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

export interface RunningDashboard {
  /** The dashboard's address with a trailing slash, e.g. http://127.0.0.1:8080/ */
  url: string;
  port: number;
  close(deadlineMs?: number): Promise<void>;
}

/** Loopback names and addresses: the only places plain HTTP is served. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export async function listenDashboard(options: ListenOptions): Promise<RunningDashboard> {
  const { tls } = options;
  if (!tls && !isLoopback(options.host)) throw new Error(`plain HTTP is served on a loopback address only; give --tls-cert and --tls-key to listen on ${options.host}`);
  const running = await startServer({
    host: options.host,
    port: options.port,
    handler: (req, res) => options.handler(req, res),
    ...(tls ? { tls: { certFile: tls.cert, keyFile: tls.key } } : {}),
  });
  return { url: `${running.url}/`, port: running.port, close: async (deadlineMs) => void (await running.close(deadlineMs)) };
}
