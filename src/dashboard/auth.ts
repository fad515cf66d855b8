/**
 * Who may use the dashboard: bearer tokens (the operator's from ANNEXA_TOKEN or generated on start,
 * and the users of annexa.yaml `dashboard.users`, kept there only as SHA-256 digests), sessions for
 * the browser (an opaque id in a Secure, HttpOnly, SameSite=Strict cookie) with a CSRF token each,
 * roles, and a bound on failed logins. Tokens are compared as digests in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const ROLES = ['viewer', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do beyond reading. */
export function mayExport(role: Role): boolean {
  return role === 'auditor' || role === 'admin';
}

export function mayEdit(role: Role): boolean {
  return role === 'admin';
}

export interface Principal {
  user: string;
  role: Role;
}

export interface DashboardUser {
  name: string;
  role: Role;
  /** Hex SHA-256 of the user's token. */
  tokenSha256: string;
}

export const SESSION_COOKIE = 'annexa_session';
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const MAX_SESSIONS = 1000;
/** Failed logins allowed per client address per window before 429. */
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 60 * 1000;

export interface Session extends Principal {
  id: string;
  csrf: string;
  expires: number;
}

export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A token of 32 random bytes, URL-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export class Authenticator {
  private readonly users: Array<{ principal: Principal; digest: Buffer }>;
  private readonly sessions = new Map<string, Session>();
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(operatorToken: string, users: readonly DashboardUser[] = [], private readonly now: () => number = Date.now) {
    this.users = [
      { principal: { user: 'operator', role: 'admin' }, digest: tokenDigest(operatorToken) },
      ...users.map((u) => ({ principal: { user: u.name, role: u.role }, digest: Buffer.from(u.tokenSha256, 'hex') })),
    ];
  }

  /** The principal a token belongs to; every user is compared, so the time taken does not tell which matched. */
  principalOfToken(token: string): Principal | undefined {
    const digest = tokenDigest(token);
    let found: Principal | undefined;
    for (const user of this.users) if (user.digest.length === digest.length && timingSafeEqual(user.digest, digest)) found = user.principal;
    return found;
  }

  /** `Authorization: Bearer …` → principal. */
  principalOfHeader(header: string | undefined): Principal | undefined {
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    return match ? this.principalOfToken(match[1]!) : undefined;
  }

  /** False when the client has failed too often lately: the caller answers 429. */
  mayTryLogin(client: string): boolean {
    const entry = this.failures.get(client);
    if (!entry || this.now() - entry.since > FAILURE_WINDOW_MS) return true;
    return entry.count < MAX_FAILURES;
  }

  recordFailure(client: string): void {
    const entry = this.failures.get(client);
    if (!entry || this.now() - entry.since > FAILURE_WINDOW_MS) this.failures.set(client, { count: 1, since: this.now() });
    else entry.count += 1;
    if (this.failures.size > MAX_SESSIONS) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A new session for a principal; the oldest is dropped past the bound. */
  openSession(principal: Principal): Session {
    this.dropExpired();
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const session: Session = { ...principal, id: randomBytes(32).toString('base64url'), csrf: randomBytes(32).toString('base64url'), expires: this.now() + SESSION_TTL_MS };
    this.sessions.set(session.id, session);
    return session;
  }

  session(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expires <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  closeSession(id: string): void {
    this.sessions.delete(id);
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) if (session.expires <= now) this.sessions.delete(id);
  }
}

/** The session cookie's value from a Cookie header. */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=');
  }
  return undefined;
}

/** Set-Cookie for a session: Secure, HttpOnly, SameSite=Strict, the whole site, expiring with it. */
export function sessionCookie(session: Session): string {
  return `${SESSION_COOKIE}=${session.id}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(SESSION_TTL_MS / 1000)}`;
}

export function clearedCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`;
}

/** Compares a CSRF token from a header with the session's, in constant time. */
export function csrfMatches(session: Session, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
