/**
 * The HTTP(S) layer every Annexa server shares (webhook, audit receiver, dashboard, watch metrics):
 * TLS with certificate reload, bounded bodies, timeouts, `/healthz`, `/readyz`, optional `/metrics`,
 * errors mapped to JSON responses, and a graceful shutdown that drains in-flight requests.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { HttpError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';
import { loadTlsOptions, watchTlsFiles, type TlsFiles, type TlsReloader } from './tls.js';

export interface ServerLimits {
  /** Largest request body `readBody(req, limits.maxBodyBytes)` accepts; default 3 MiB (the API server's own limit for admission). */
  maxBodyBytes: number;
  /** Time to receive the request headers; default 10 s. */
  headersTimeoutMs: number;
  /** Time to receive the whole request; default 30 s. */
  requestTimeoutMs: number;
  /** Time for the handler to answer once the request is in; 503 after it; default 30 s. */
  handlerTimeoutMs: number;
  /** How long an idle keep-alive connection is kept; default 65 s (longer than common load-balancer idle timeouts). */
  keepAliveTimeoutMs: number;
  /** Longest wait for in-flight requests at shutdown before connections are cut; default 10 s. */
  shutdownDeadlineMs: number;
  /** Connections served at once; further ones are refused by the kernel backlog; default 1024. */
  maxConnections: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: 3 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  handlerTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  shutdownDeadlineMs: 10_000,
  maxConnections: 1024,
};

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, context: RequestContext) => void | Promise<void>;

export interface RequestContext {
  limits: ServerLimits;
  logger: Logger;
  /** The path without the query string. */
  path: string;
  url: URL;
}

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** HTTPS when given, plain HTTP otherwise (only for loopback or behind a TLS-terminating proxy). */
  tls?: TlsFiles;
  handler: RequestHandler;
  limits?: Partial<ServerLimits>;
  logger?: Logger;
  /** Serves GET /metrics and counts requests and their latency when given. */
  metrics?: ServerMetrics;
  /** Extra readiness condition for /readyz (e.g. the evidence store is open); the server is never ready while it shuts down. */
  ready?: () => boolean;
  /** Liveness condition for /healthz (e.g. a watcher whose watches keep failing); default: always healthy. */
  healthy?: () => boolean;
  /** Route label for metrics; default: the path itself for the built-in routes, else "other". Keep the label set small. */
  routeOf?: (path: string) => string;
  /** Called after each TLS reload attempt (tests, logs). */
  onTlsReload?: (result: true | Error) => void;
  /** Debounce for TLS file changes; default 100 ms. */
  tlsReloadDebounceMs?: number;
}

export interface RunningServer {
  server: Server;
  /** e.g. https://127.0.0.1:8443 */
  url: string;
  port: number;
  /** Whether /readyz answers 200. */
  readonly ready: boolean;
  /** Requests being handled right now. */
  readonly inFlight: number;
  /** TLS reloads applied so far (0 without TLS). */
  readonly tlsGeneration: number;
  /**
   * Graceful shutdown: stop accepting, mark not ready, let in-flight requests finish (their
   * connections are closed after the response) up to the deadline, then cut what is left.
   * Resolves with the number of requests that were cut.
   */
  close(deadlineMs?: number): Promise<number>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '0.0.0.0';
  const listener = (req: IncomingMessage, res: ServerResponse) => void dispatch(req, res);
  const server = options.tls
    ? createHttpsServer({ ...loadTlsOptions(options.tls), ...(options.tls.clientCaFile ? { requestCert: true, rejectUnauthorized: !options.tls.clientCertOptional } : {}) }, listener)
    : createHttpServer(listener);
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  // Bounded header size (16 KiB is Node's default) and no slowloris: headersTimeout covers it.

  let shuttingDown = false;
  let inFlight = 0;
  const drainWaiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (error: Error) => logger.debug('TLS handshake failed', { error: error.message }));
  server.on('clientError', (error: Error, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
    logger.debug('malformed HTTP request', { error: error.message });
  });

  let reloader: TlsReloader | undefined;
  if (options.tls && 'setSecureContext' in server) {
    const httpsServer = server;
    reloader = watchTlsFiles({
      files: options.tls,
      apply: (context) => httpsServer.setSecureContext(context),
      logger,
      debounceMs: options.tlsReloadDebounceMs,
      onReload: options.onTlsReload,
    });
  }

  const routeOf = options.routeOf ?? ((path: string) => (BUILTIN_ROUTES.has(path) ? path : 'other'));

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    inFlight += 1;
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (shuttingDown) res.setHeader('Connection', 'close');
    const timer = setTimeout(() => {
      if (!res.headersSent) sendJson(res, 503, { error: 'request timed out' });
      else if (!res.writableEnded) res.destroy();
    }, limits.handlerTimeoutMs);
    try {
      if (!(await builtin(req, res, path))) await options.handler(req, res, { limits, logger, path, url });
      if (!res.writableEnded) await waitForEnd(res);
    } catch (error) {
      answerError(res, error, logger, path);
    } finally {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(path);
      options.metrics?.httpRequests.inc({ route, method: req.method ?? 'UNKNOWN', code: String(res.statusCode) });
      options.metrics?.httpDuration.observe({ route }, seconds);
      inFlight -= 1;
      if (inFlight === 0) for (const wake of drainWaiters) wake();
    }
  }

  async function builtin(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/healthz') {
      const isHealthy = options.healthy?.() ?? true;
      sendText(res, isHealthy ? 200 : 503, isHealthy ? 'ok\n' : 'unhealthy\n');
      return true;
    }
    if (path === '/readyz') {
      const isReady = !shuttingDown && (options.ready?.() ?? true);
      sendText(res, isReady ? 200 : 503, isReady ? 'ok\n' : 'not ready\n');
      return true;
    }
    if (path === '/metrics' && options.metrics) {
      const { contentType, body } = await options.metrics.render();
      res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return true;
    }
    return false;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error('server error', { error }));
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `${options.tls ? 'https' : 'http'}://${shownHost}:${address.port}`;
  logger.info('listening', { url, tls: Boolean(options.tls), mutualTls: Boolean(options.tls?.clientCaFile) });

  let closing: Promise<number> | undefined;
  const close = (deadlineMs = limits.shutdownDeadlineMs): Promise<number> => {
    closing ??= (async () => {
      shuttingDown = true;
      reloader?.close();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained = await waitForDrain(deadlineMs);
      const cut = drained ? 0 : inFlight;
      if (!drained) logger.warn('shutdown deadline reached; closing connections with requests in flight', { inFlight });
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await stopped;
      logger.info('stopped', { url, cut });
      return cut;
    })();
    return closing;
  };

  function waitForDrain(deadlineMs: number): Promise<boolean> {
    if (inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        drainWaiters.delete(wake);
        resolve(value);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), deadlineMs);
      drainWaiters.add(wake);
    });
  }

  return {
    server,
    url,
    port: address.port,
    get ready() {
      return !shuttingDown && (options.ready?.() ?? true);
    },
    get inFlight() {
      return inFlight;
    },
    get tlsGeneration() {
      return reloader?.generation ?? 0;
    },
    close,
  };
}

const BUILTIN_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

function waitForEnd(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.writableEnded) return resolve();
    res.once('finish', resolve);
    res.once('close', resolve);
  });
}

function answerError(res: ServerResponse, error: unknown, logger: Logger, path: string): void {
  const status = error instanceof HttpError ? error.status : 500;
  const message = error instanceof HttpError ? error.message : 'internal error';
  if (!(error instanceof HttpError)) logger.error('handler failed', { path, error });
  if (res.writableEnded) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // After a refused body the rest of the request may be unread: do not reuse the connection.
  if (status === 413) res.setHeader('Connection', 'close');
  sendJson(res, status, { error: message });
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Closes the server gracefully on the first SIGTERM or SIGINT (a second one exits at once).
 * Resolves when the server has stopped; the returned function removes the handlers.
 */
export function closeOnSignals(running: RunningServer, logger: Logger = silentLogger, onClosed?: (cut: number) => void): () => void {
  let received = false;
  const handle = (signal: NodeJS.Signals) => {
    if (received) {
      logger.warn('second signal; exiting now', { signal });
      process.exit(130);
    }
    received = true;
    logger.info('shutting down', { signal, inFlight: running.inFlight });
    void running.close().then((cut) => onClosed?.(cut));
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
  return () => {
    process.off('SIGTERM', handle);
    process.off('SIGINT', handle);
  };
}
