/** `annexa serve` (the auditor dashboard over an evidence store) and `annexa demo` (the same, over a store seeded from examples/). */
import { Command } from 'commander';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinCheckIds } from '../checks/index.js';
import { loadConfig, type AnnexaConfig } from '../isms/config.js';
import type { EvidenceStore } from '../evidence/store.js';
import { DashboardSetupError, startDashboard, type StartedDashboard } from '../dashboard/start.js';
import { seedDemo } from '../dashboard/demo.js';
import { openEvidenceStore, TOOL } from './evidence-io.js';
import { storeFor } from './evidence.js';
import { UsageError } from './io.js';

interface ServeFlags {
  store?: string;
  config?: string;
  port: string;
  host: string;
  tlsCert?: string;
  tlsKey?: string;
}

function port(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) throw new UsageError(`--port must be a port number from 0 to 65535, not "${text}"`);
  return value;
}

function tlsOf(flags: ServeFlags): { cert: string; key: string } | undefined {
  if (!flags.tlsCert && !flags.tlsKey) return undefined;
  if (!flags.tlsCert || !flags.tlsKey) throw new UsageError('--tls-cert and --tls-key go together');
  for (const file of [flags.tlsCert, flags.tlsKey]) if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  return { cert: flags.tlsCert, key: flags.tlsKey };
}

function serverOptions(command: Command): Command {
  return command
    .option('--port <port>', 'port to listen on (0: any free port)', '8080')
    .option('--host <address>', 'address to listen on; plain HTTP only on a loopback address', '127.0.0.1')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (reloaded when the file changes)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert');
}

/** Starts the dashboard, tells where and with which token, and runs until SIGINT or SIGTERM. */
async function serveUntilStopped(store: EvidenceStore, config: AnnexaConfig, flags: ServeFlags): Promise<void> {
  const envToken = process.env.ANNEXA_TOKEN || undefined;
  if (envToken !== undefined && envToken.length < 16) throw new UsageError('ANNEXA_TOKEN must be at least 16 characters');
  let running: StartedDashboard;
  try {
    const tls = tlsOf(flags);
    running = await startDashboard({ store, config, tool: TOOL, host: flags.host, port: port(flags.port), ...(tls ? { tls } : {}), ...(envToken ? { token: envToken } : {}) });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot start the dashboard: ${(error as Error).message}`);
  }
  process.stderr.write(`annexa: dashboard at ${running.url} (store ${store.location}; stop with Ctrl-C)\n`);
  process.stderr.write(running.generated
    ? `annexa: token (shown once; set ANNEXA_TOKEN to choose your own): ${running.token}\n`
    : 'annexa: token: the value of ANNEXA_TOKEN\n');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write('annexa: dashboard stopping: finishing requests in flight\n');
      void running.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function serveCommand(): Command {
  return serverOptions(new Command('serve'))
    .description('Web dashboard over the evidence store for auditors: posture, controls, findings, evidence, nonconformities, exceptions')
    .option('--store <path|url>', 'evidence store: SQLite file or postgres:// URL (default: evidence.store in annexa.yaml, else ./annexa.db)')
    .option('-c, --config <file>', 'annexa.yaml: dashboard.users and the store (default: ./annexa.yaml)')
    .action(async function (this: Command) {
      const flags = this.opts<ServeFlags>();
      const { config } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
      const store = await storeFor(flags);
      try {
        await serveUntilStopped(store, config, flags);
      } finally {
        await store.close();
      }
    });
}

/** The package's examples/ folder (beside dist/). */
function examplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'examples', 'demo', 'exceptions.yaml'))) return join(dir, 'examples');
    dir = dirname(dir);
  }
  throw new UsageError('the examples/ folder of the annexa package is missing; the demo needs it');
}

export function demoCommand(): Command {
  return serverOptions(new Command('demo'))
    .description('Seed an evidence store from examples/ (recorded scans over five weeks, exceptions, nonconformities) and start the dashboard on it')
    .option('--dir <dir>', 'where to create the demo store (default: a new temporary directory)')
    .action(async function (this: Command) {
      const flags = this.opts<ServeFlags & { dir?: string }>();
      const dir = flags.dir ?? mkdtempSync(join(tmpdir(), 'annexa-demo-'));
      const location = join(dir, 'annexa.db');
      if (existsSync(location)) throw new UsageError(`${location} exists: the demo seeds a new store (give another --dir)`);
      const store = (await openEvidenceStore(location))!;
      try {
        const seeded = await seedDemo(store, examplesDir());
        process.stderr.write(`annexa: demo store ${location}: ${seeded.scans} recorded scans, ${seeded.records} evidence records\n`);
        process.stderr.write('annexa: no audit log is seeded: this build has no audit log reader\n');
        await serveUntilStopped(store, seeded.config, flags);
      } catch (error) {
        if (error instanceof DashboardSetupError) throw new UsageError(error.message);
        throw error;
      } finally {
        await store.close();
      }
    });
}
