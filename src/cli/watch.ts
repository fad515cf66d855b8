/** `annexa watch`: keeps findings and posture of a live cluster current; metrics, health probes, evidence, PolicyReports. */
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { builtinCheckIds, builtinChecks } from '../checks/index.js';
import { loadConfig } from '../isms/config.js';
import { POLICY_REPORT_APIS, type PolicyReportApi } from '../report/policyreport.js';
import { createLogger, startServer, type Logger, type RunningServer } from '../server/index.js';
import type { EvidenceStore } from '../evidence/store.js';
import { ClusterConfigError } from '../sources/cluster/connection.js';
import { addConnectionOptions, namespaceScope, openConnection, positiveInteger, type ClusterFlags } from './cluster.js';
import { openEvidenceStore } from './evidence-io.js';
import { noteConfig, UsageError, EXIT } from './io.js';
import { Watcher, type FlushEvent } from '../watch/watcher.js';
import { createWatchMetrics } from '../watch/metrics.js';
import { WatchEvidence } from '../watch/evidence.js';
import { PolicyReportWriter } from '../watch/policyreports.js';

export interface WatchFlags extends Pick<ClusterFlags, 'kubeconfig' | 'context' | 'namespace' | 'allNamespaces' | 'inCluster' | 'pageSize' | 'requestTimeout' | 'config' | 'quiet'> {
  store?: string;
  interval: string;
  policyreports?: boolean;
  policyreportApi: string;
  metricsBindAddress: string;
  healthProbeBindAddress: string;
  metricsCertDir?: string;
  flushDelay: string;
}

export function watchCommand(): Command {
  const command = new Command('watch')
    .description('Watch a live cluster and keep findings and control posture current (metrics, health probes, evidence, PolicyReports)')
    .option('-n, --namespace <ns>', 'namespaced kinds of this namespace only (cluster-scoped kinds are always watched)')
    .option('-A, --all-namespaces', 'every namespace (default when neither -n nor -A is given: the context namespace, as kubectl)')
    .option('--store <path|url>', 'evidence store: a scan record on every --interval and on every control status change (default: evidence.store in annexa.yaml)')
    .option('--interval <duration>', 'how often every check runs over the whole estate and a scan is recorded (e.g. 30m, 1h; 0: never)', '1h')
    .option('--policyreports', 'write a PolicyReport per namespace and a ClusterPolicyReport, updated in place as findings change')
    .addOption(new Option('--policyreport-api <api>', 'the report API: wgpolicyk8s.io/v1alpha2 or openreports.io/v1alpha1').choices(POLICY_REPORT_APIS).default('wgpolicyk8s'))
    .option('--metrics-bind-address <host:port>', 'where GET /metrics is served ("0" turns it off)', ':8080')
    .option('--metrics-cert-dir <dir>', 'serve /metrics over HTTPS with tls.crt and tls.key from this directory (reloaded when they change)')
    .option('--health-probe-bind-address <host:port>', 'where /healthz and /readyz are served ("0" turns it off)', ':8081')
    .option('--flush-delay <ms>', 'how long changes are gathered before cross-resource checks run again', '50')
    .option('-c, --config <file>', 'annexa.yaml with scope, applicability and check settings (default: ./annexa.yaml)')
    .option('-q, --quiet', 'log warnings and errors only');
  return addConnectionOptions(command).action(async function (this: Command) {
    this.setOptionValue('exitCode', await runWatchCommand(this.opts<WatchFlags>()));
  });
}

/** `HOST:PORT`, `:PORT` (every interface) or `0` (off), as controller-runtime's flags. */
export function parseBindAddress(value: string, flag: string): { host: string; port: number } | undefined {
  if (value === '0') return undefined;
  const match = /^(.*):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new UsageError(`${flag} must be HOST:PORT, :PORT or 0, not "${value}"`);
  const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** `90s`, `30m`, `1h`, `2h30m`, `0` → milliseconds (0: off). */
export function parseDuration(value: string, flag: string): number {
  if (value === '0') return 0;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) throw new UsageError(`${flag} must be a duration such as 30s, 15m or 1h, not "${value}"`);
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * units[unit!]!, 0);
}

export interface WatchRun {
  /** Resolves when the watch has stopped, with the exit code. */
  done: Promise<number>;
  /** Stops the watch (as SIGTERM does). */
  stop(): void;
  watcher: Watcher;
  metricsUrl?: string;
  healthUrl?: string;
}

/** Starts watching; resolves once the first full evaluation is done (the servers answer before that: /readyz is 503 until then). */
export async function startWatch(flags: WatchFlags, logger: Logger = createLogger({ level: flags.quiet ? 'warn' : 'info', base: { component: 'watch' } })): Promise<WatchRun> {
  const interval = parseDuration(flags.interval, '--interval');
  const flushDelayMs = Number(flags.flushDelay);
  if (!Number.isInteger(flushDelayMs) || flushDelayMs < 0) throw new UsageError(`--flush-delay must be a whole number of milliseconds, not "${flags.flushDelay}"`);
  const metricsAt = parseBindAddress(flags.metricsBindAddress, '--metrics-bind-address');
  const healthAt = parseBindAddress(flags.healthProbeBindAddress, '--health-probe-bind-address');
  const pageSize = positiveInteger(flags.pageSize, '--page-size');
  const { config, file: configFile } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  noteConfig(flags.config, configFile);
  const connection = await openConnection(flags);
  const namespace = namespaceScope(flags, connection);
  const watcher = new Watcher({ connection, config, registry: builtinChecks, namespace, pageSize, flushDelayMs });
  const store: EvidenceStore | undefined = await openEvidenceStore(flags.store ?? config.evidence?.store);
  const evidence = store ? new WatchEvidence(store, watcher.live, config, builtinChecks) : undefined;
  const reports = flags.policyreports ? new PolicyReportWriter(connection, { api: flags.policyreportApi as PolicyReportApi, checks: builtinChecks, namespace, logger }) : undefined;
  const metrics = createWatchMetrics();
  const servers: RunningServer[] = [];
  const notFound = (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  };
  if (healthAt) servers.push(await startServer({ ...healthAt, handler: notFound, logger, ready: () => watcher.ready, healthy: () => watcher.healthy }));
  if (metricsAt) {
    const tls = flags.metricsCertDir ? { certFile: join(flags.metricsCertDir, 'tls.crt'), keyFile: join(flags.metricsCertDir, 'tls.key') } : undefined;
    servers.push(await startServer({ ...metricsAt, ...(tls ? { tls } : {}), handler: notFound, logger, metrics: metrics.metrics }));
  }
  let writing: Promise<unknown> = Promise.resolve();
  /** Evidence and reports are written one after the other, never blocking the evaluation. */
  const later = (what: string, task: () => Promise<unknown>) => {
    writing = writing.then(task).catch((error: unknown) => logger.error(`${what} failed`, { error: (error as Error).message }));
  };
  watcher.on({
    flush: (event: FlushEvent) => {
      metrics.flushed(event, watcher);
      if (event.transitions.length > 0) {
        logger.info('control status changed', { transitions: event.transitions.map((t) => `${t.control} ${t.from}→${t.to}`), changes: event.changeCount });
        if (evidence && !event.full) later('recording the posture change', () => evidence.record('posture-change', event));
      }
      if (reports) later('writing PolicyReports', () => reports.write(watcher.live));
    },
    restart: (kind, reason) => {
      metrics.restarted(kind, reason);
      logger.debug('watch restarted', { kind, reason });
    },
    kindState: (kind, state, message) => {
      if (state !== 'watching') logger.warn('watch not running', { kind, state, ...(message ? { reason: message } : {}) });
    },
  });
  logger.info('listing the cluster', { server: connection.server, context: connection.context, namespace: namespace ?? '(all)' });
  try {
    await watcher.start();
  } catch (error) {
    for (const server of servers) await server.close(1000);
    await store?.close();
    if (error instanceof ClusterConfigError) throw new UsageError(error.message);
    throw new UsageError(`cannot watch the cluster at ${connection.server} (context ${connection.context}): ${(error as Error).message}`);
  }
  logger.info('watching', { objects: watcher.live.size, kinds: watcher.kinds.length, unserved: watcher.unserved });
  if (evidence) later('recording the initial scan', () => evidence.record('initial'));
  const timer = interval > 0 ? setInterval(() => {
    void watcher.evaluateAll().then(() => {
      if (evidence) later('recording the scheduled scan', () => evidence.record('schedule'));
    });
  }, interval) : undefined;
  let stopRequested: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => { stopRequested = resolve; });
  const onSignal = () => stopRequested();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const done = stopped.then(async () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    if (timer) clearInterval(timer);
    logger.info('shutting down');
    await watcher.stop();
    await writing;
    for (const server of servers) await server.close();
    await store?.close();
    return EXIT.ok;
  });
  const urlOf = (at: { host: string; port: number } | undefined, index: number) => (at ? servers[index]?.url : undefined);
  const run: WatchRun = { done, stop: () => stopRequested(), watcher };
  const healthUrl = urlOf(healthAt, 0);
  const metricsUrl = urlOf(metricsAt, healthAt ? 1 : 0);
  if (healthUrl) run.healthUrl = healthUrl;
  if (metricsUrl) run.metricsUrl = metricsUrl;
  return run;
}

export async function runWatchCommand(flags: WatchFlags): Promise<number> {
  const run = await startWatch(flags);
  return run.done;
}
