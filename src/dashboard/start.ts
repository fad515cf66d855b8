/** Wires store, authentication, front end and listener into a running dashboard (`annexa serve`, `annexa demo`, tests). */
import type { EvidenceStore } from '../evidence/store.js';
import type { ToolIdentity } from '../evidence/chain.js';
import type { AnnexaConfig } from '../isms/config.js';
import { defaultAssetDir, loadAssets } from './assets.js';
import { Authenticator, generateToken, type DashboardUser } from './auth.js';
import { DashboardData } from './data.js';
import { listenDashboard, type RunningDashboard } from './listen.js';
import { dashboardHandler } from './server.js';

export interface StartOptions {
  store: EvidenceStore;
  config: AnnexaConfig;
  tool: ToolIdentity;
  host: string;
  port: number;
  tls?: { cert: string; key: string };
  /** The operator's token (ANNEXA_TOKEN); generated when absent. */
  token?: string;
  assetDir?: string;
  now?: () => Date;
  /** How long a chain verification is reused while nothing was appended (default 30 s). */
  verifyMaxAgeMs?: number;
}

export interface StartedDashboard extends RunningDashboard {
  token: string;
  /** True when the token was generated here (the caller prints it once). */
  generated: boolean;
  data: DashboardData;
}

export class DashboardSetupError extends Error {}

export async function startDashboard(options: StartOptions): Promise<StartedDashboard> {
  const assetDir = options.assetDir ?? defaultAssetDir();
  if (!assetDir) throw new DashboardSetupError('the dashboard front end is not built (dist/dashboard/index.html is missing): run npm run build');
  const token = options.token ?? generateToken();
  const users: DashboardUser[] = options.config.dashboard?.users ?? [];
  const data = new DashboardData(options.store, options.verifyMaxAgeMs !== undefined ? { verifyMaxAgeMs: options.verifyMaxAgeMs } : {});
  await data.refresh();
  const handler = dashboardHandler({
    data, auth: new Authenticator(token, users), assets: loadAssets(assetDir), tool: options.tool, tls: options.tls !== undefined,
    ...(options.now ? { now: options.now } : {}),
  });
  const running = await listenDashboard({ host: options.host, port: options.port, handler, ...(options.tls ? { tls: options.tls } : {}) });
  return { ...running, token, generated: options.token === undefined, data };
}
