/**
 * A dashboard over a demo store for tests: the store seeded from examples/ (as `annexa demo`),
 * served on a free loopback port with a known operator token and the users given.
 */
import { after } from 'node:test';
import { join } from 'node:path';
import { EvidenceStore } from '../../src/evidence/store.js';
import { seedDemo } from '../../src/dashboard/demo.js';
import { startDashboard, type StartedDashboard } from '../../src/dashboard/start.js';
import { makeConfig } from '../../src/isms/config.js';
import { tokenDigest } from '../../src/dashboard/auth.js';
import { projectRoot } from './paths.js';
import { tempTree } from './scan-output.js';
import { TOOL } from './evidence.js';

export const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';
export const VIEWER_TOKEN = 'viewer-token-for-tests-0123456789';
export const AUDITOR_TOKEN = 'auditor-token-for-tests-0123456789';

export interface TestDashboard extends StartedDashboard {
  store: EvidenceStore;
  /** The SQLite file of the store. */
  location: string;
  /** `url` without the trailing slash. */
  base: string;
}

/** Seeds a demo store and serves it; closed after the test file. */
export async function demoDashboard(now = new Date('2026-11-20T12:00:00Z'), options: { verifyMaxAgeMs?: number } = {}): Promise<TestDashboard> {
  const dir = tempTree();
  const store = await EvidenceStore.open(join(dir, 'annexa.db'), { tool: TOOL });
  await seedDemo(store, join(projectRoot, 'examples'), now);
  const config = makeConfig({
    dashboard: {
      users: [
        { name: 'vera', role: 'viewer', tokenSha256: tokenDigest(VIEWER_TOKEN).toString('hex') },
        { name: 'aude', role: 'auditor', tokenSha256: tokenDigest(AUDITOR_TOKEN).toString('hex') },
      ],
    },
  });
  const running = await startDashboard({ store, config, tool: TOOL, host: '127.0.0.1', port: 0, token: OPERATOR_TOKEN, assetDir: join(projectRoot, 'dist', 'dashboard'), now: () => now, ...options });
  after(async () => {
    await running.close(1000);
    await store.close();
  });
  return { ...running, store, location: join(dir, 'annexa.db'), base: running.url.replace(/\/$/, '') };
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** Logs in with a token and returns the session cookie (name=value) and the CSRF token. */
export async function login(base: string, token: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const response = await fetch(`${base}/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
  if (response.status !== 200) throw new Error(`login: ${response.status}`);
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const session = (await (await fetch(`${base}/api/session`, { headers: { Cookie: cookie } })).json()) as { csrf: string };
  return { cookie, csrf: session.csrf, setCookie };
}
