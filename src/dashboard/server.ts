/**
 * The dashboard's HTTP layer: authentication on every data route (bearer token or session cookie),
 * CSRF on changes made with a cookie, roles, security headers on every answer, bounded request
 * bodies, the static front end, and the JSON API of views.ts and edits.ts.
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportBundle } from '../evidence/bundle.js';
import type { ToolIdentity } from '../evidence/chain.js';
import { HttpError, readJsonBody } from '../server/index.js';
import type { Asset } from './assets.js';
import { clearedCookie, csrfMatches, mayEdit, mayExport, sessionCookie, sessionIdOf, type Authenticator, type Principal, type Session } from './auth.js';
import type { DashboardData } from './data.js';
import { editSoaEntry, EditError, reviewException, updateNonconformity } from './edits.js';
import { controlDetailView, controlsView, evidenceView, exceptionsView, findingFilter, findingsView, nonconformitiesView, postureView, trendView } from './views.js';

/** JSON bodies of changes are small; anything larger is refused with 413. */
export const MAX_BODY_BYTES = 64 * 1024;

export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface DashboardHandlerOptions {
  data: DashboardData;
  auth: Authenticator;
  assets: ReadonlyMap<string, Asset>;
  tool: ToolIdentity;
  /** Whether the server speaks TLS (adds Strict-Transport-Security). */
  tls: boolean;
  now?: () => Date;
}

/** An HttpError with headers to send (WWW-Authenticate, Retry-After, Allow). */
class DashboardHttpError extends HttpError {
  constructor(status: number, message: string, readonly headers: Record<string, string>) {
    super(status, message);
  }
}

interface Caller extends Principal {
  /** Set when the caller came with the session cookie (changes then need the CSRF token). */
  session?: Session;
}

function securityHeaders(res: ServerResponse, tls: boolean): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (tls) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'send the body as application/json');
  return readJsonBody(req, MAX_BODY_BYTES);
}

/** A change made with the cookie must come from our own pages: same origin, and the session's CSRF token. */
function requireCsrf(req: IncomingMessage, caller: Caller): void {
  if (!caller.session) return;
  const header = req.headers['x-csrf-token'];
  if (!csrfMatches(caller.session, Array.isArray(header) ? header[0] : header)) throw new HttpError(403, 'missing or wrong CSRF token (X-CSRF-Token)');
}

function clientOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** Login posts come from our login page: a cross-site form cannot log a victim into our session. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function dashboardHandler(options: DashboardHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { data, auth, assets } = options;
  const now = options.now ?? (() => new Date());

  function caller(req: IncomingMessage): Caller | undefined {
    const bearer = req.headers.authorization;
    if (bearer !== undefined) return auth.principalOfHeader(bearer);
    const session = auth.session(sessionIdOf(req.headers.cookie));
    return session ? { user: session.user, role: session.role, session } : undefined;
  }

  function requireCaller(req: IncomingMessage): Caller {
    const found = caller(req);
    if (!found) throw new DashboardHttpError(401, 'authentication required: Authorization: Bearer TOKEN, or log in at /login', { 'WWW-Authenticate': 'Bearer realm="annexa"' });
    return found;
  }

  function sendAsset(req: IncomingMessage, res: ServerResponse, path: string): void {
    const asset = assets.get(path);
    if (!asset) throw new HttpError(404, 'not found');
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, { ETag: asset.etag });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': asset.body.length, ETag: asset.etag, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const client = clientOf(req);
    if (!sameOrigin(req)) throw new HttpError(403, 'login from another origin refused');
    if (!auth.mayTryLogin(client)) throw new DashboardHttpError(429, 'too many failed logins; wait a minute', { 'Retry-After': '60' });
    const body = await readJson(req);
    const token = body && typeof body === 'object' && typeof (body as { token?: unknown }).token === 'string' ? (body as { token: string }).token : '';
    const principal = token ? auth.principalOfToken(token) : undefined;
    if (!principal) {
      auth.recordFailure(client);
      throw new HttpError(401, 'wrong token');
    }
    const session = auth.openSession(principal);
    sendJson(res, 200, { user: session.user, role: session.role }, { 'Set-Cookie': sessionCookie(session) });
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, who: Caller): Promise<void> {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'POST') return change(req, res, path, who);
    if (method !== 'GET' && method !== 'HEAD') throw new DashboardHttpError(405, 'method not allowed', { Allow: 'GET, POST' });
    await data.refresh();
    if (path === '/api/session') return sendJson(res, 200, { user: who.user, role: who.role, csrf: who.session?.csrf ?? null, mayEdit: mayEdit(who.role), mayExport: mayExport(who.role) });
    if (path === '/api/posture') return sendJson(res, 200, postureView(data));
    if (path === '/api/controls') return sendJson(res, 200, controlsView(data));
    const control = /^\/api\/controls\/([^/]+)$/.exec(path);
    if (control) {
      const detail = controlDetailView(data, decodeURIComponent(control[1]!));
      if (!detail) throw new HttpError(404, `no Annex A control "${decodeURIComponent(control[1]!)}"`);
      return sendJson(res, 200, detail);
    }
    if (path === '/api/findings') {
      const filter = findingFilter(url.searchParams);
      if (typeof filter === 'string') throw new HttpError(400, filter);
      return sendJson(res, 200, findingsView(data, filter));
    }
    if (path === '/api/evidence') return sendJson(res, 200, evidenceView(data.evidenceLog(), await data.verification(), url.searchParams));
    if (path === '/api/nonconformities') return sendJson(res, 200, nonconformitiesView(data));
    if (path === '/api/exceptions') return sendJson(res, 200, exceptionsView(data, now()));
    if (path === '/api/trend') return sendJson(res, 200, trendView(data));
    if (path === '/api/export') return exportFor(res, url, who);
    throw new HttpError(404, 'no such API route');
  }

  async function exportFor(res: ServerResponse, url: URL, who: Caller): Promise<void> {
    if (!mayExport(who.role)) throw new HttpError(403, `role ${who.role} may not export bundles (auditor or admin)`);
    const period: { since?: string; until?: string } = {};
    for (const key of ['since', 'until'] as const) {
      const value = url.searchParams.get(key);
      if (value === null || value === '') continue;
      const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
      if (Number.isNaN(time)) throw new HttpError(400, `${key}: not a date or RFC 3339 time`);
      period[key] = new Date(time).toISOString();
    }
    const verified = await data.verification();
    if (!verified.ok) throw new HttpError(409, `the store does not verify (record ${verified.problem!.seq}); nothing exported`);
    // The bundle is written to a private temporary file and streamed from there (exports are not held in memory).
    const work = mkdtempSync(join(tmpdir(), 'annexa-dashboard-export-'));
    try {
      const file = join(work, 'annexa-evidence.tar.gz');
      await exportBundle(data.store, period, options.tool, file);
      res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Disposition': 'attachment; filename="annexa-evidence.tar.gz"', 'Content-Length': statSync(file).size, 'Cache-Control': 'no-store' });
      await pipeline(createReadStream(file), res);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  async function change(req: IncomingMessage, res: ServerResponse, path: string, who: Caller): Promise<void> {
    requireCsrf(req, who);
    if (!mayEdit(who.role)) throw new HttpError(403, `role ${who.role} may not change records (admin)`);
    const body = await readJson(req);
    const nc = /^\/api\/nonconformities\/([^/]+)$/.exec(path);
    const soa = /^\/api\/controls\/([^/]+)\/soa$/.exec(path);
    try {
      if (nc) return sendJson(res, 200, { record: await updateNonconformity(data, who, decodeURIComponent(nc[1]!), body) });
      if (soa) return sendJson(res, 200, { record: await editSoaEntry(data, who, decodeURIComponent(soa[1]!), body) });
      if (path === '/api/exceptions/review') return sendJson(res, 200, { record: await reviewException(data, who, body) });
    } catch (error) {
      if (error instanceof EditError) throw new HttpError(error.missing ? 404 : 400, error.message);
      throw error;
    }
    throw new HttpError(404, 'no such API route');
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/healthz' || path === '/readyz') return sendJson(res, 200, { ok: true });
    if (path === '/login' && method === 'POST') return login(req, res);
    if (path === '/logout' && method === 'POST') {
      const who = requireCaller(req);
      requireCsrf(req, who);
      if (who.session) auth.closeSession(who.session.id);
      return sendJson(res, 200, { ok: true }, { 'Set-Cookie': clearedCookie() });
    }
    if (path.startsWith('/api/')) return api(req, res, url, requireCaller(req));
    if (method !== 'GET' && method !== 'HEAD') throw new DashboardHttpError(405, 'method not allowed', { Allow: 'GET' });
    if (path === '/login') return sendAsset(req, res, '/login.html');
    if (path === '/' || path === '/index.html') {
      if (!caller(req)) {
        res.writeHead(303, { Location: '/login' });
        res.end();
        return;
      }
      return sendAsset(req, res, '/index.html');
    }
    return sendAsset(req, res, path);
  }

  return async (req, res) => {
    securityHeaders(res, options.tls);
    try {
      await route(req, res);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // After a refused body the rest of the request may be unread: the connection is not reused.
      if (error instanceof HttpError && error.status === 413) res.setHeader('Connection', 'close');
      if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message }, error instanceof DashboardHttpError ? error.headers : {});
      process.stderr.write(`annexa: dashboard: ${req.method} ${req.url?.split('?')[0]}: ${error instanceof Error ? error.message : String(error)}\n`);
      sendJson(res, 500, { error: 'internal error (see the server log)' });
    }
  };
}
