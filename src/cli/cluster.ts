/** `annexa cluster`: the live cluster through the same checks as the manifests. */
import { Command, Option } from 'commander';
import { builtinCheckIds, builtinChecks } from '../checks/index.js';
import { runScan } from '../engine/scan.js';
import { assessScan } from '../posture/outcome.js';
import { redactInputErrors } from '../resources/redact.js';
import { severityRank, SEVERITIES } from '../resources/types.js';
import { loadConfig } from '../isms/config.js';
import { REPORTERS, REPORT_FORMATS } from '../report/index.js';
import { htmlSoaContext } from './html-context.js';
import type { PolicyReportApi } from '../report/policyreport.js';
import { policyReportApiOption } from '../report/policyreport-yaml.js';
import { ClusterConfigError, ClusterConnection } from '../sources/cluster/connection.js';
import { ClusterSource } from '../sources/cluster/source.js';
import { OwnerRollUp } from '../sources/cluster/owners.js';
import { coverageAwareOutcome, coverageJson, coverageLines, coverageReport } from '../sources/cluster/coverage.js';
import { PAGE_SIZE } from '../sources/cluster/list.js';
import { noteConfig, openOutput, problemLine, Progress, reportProblems, UsageError, WriteError, EXIT } from './io.js';
import { OutputError } from '../report/reporter.js';
import { failThreshold } from './scan.js';
import { VERSION } from '../version.js';
import { ScanRecorder, teeSink, type ClusterIdentity } from '../evidence/scan-record.js';
import type { EvidenceStore } from '../evidence/store.js';
import { openEvidenceStore, recordAndTell } from './evidence-io.js';

export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
  inCluster?: boolean;
  output: string;
  outputFile?: string;
  failOn: string;
  config?: string;
  quiet?: boolean;
  pageSize: string;
  requestTimeout: string;
  store?: string;
  signingKey?: string;
  policyreportApi?: PolicyReportApi;
}

/** The connection options shared by `cluster` and `drift`. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account)')
    .option('--context <name>', 'kubeconfig context to use (default: the current context)')
    .option('--in-cluster', "use the pod's service account (KUBERNETES_SERVICE_HOST and /var/run/secrets/kubernetes.io/serviceaccount)")
    .option('--page-size <n>', 'objects per list request, as kubectl --chunk-size', String(PAGE_SIZE))
    .option('--request-timeout <seconds>', 'give up on a request after this long', '60');
}

export function clusterCommand(): Command {
  const command = new Command('cluster')
    .description('Scan a live cluster with the built-in checks (read-only: get and list)')
    .option('-n, --namespace <ns>', 'namespaced kinds of this namespace only (cluster-scoped kinds are always read)')
    .option('-A, --all-namespaces', 'every namespace (the default when neither -n nor -A is given is the context namespace, as kubectl)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .option('--output-file <file>', 'write the report to a file instead of stdout')
    .addOption(policyReportApiOption())
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (or "never")').default('high'))
    .option('-c, --config <file>', 'annexa.yaml with scope, applicability and check settings (default: ./annexa.yaml)')
    .option('--store <path|url>', 'record the scan in an evidence store (SQLite file or postgres:// URL; default from evidence.store in annexa.yaml)')
    .option('--signing-key <file>', 'Ed25519 key (PEM) that signs the store\'s checkpoints (default: beside the store, created on first use)')
    .option('-q, --quiet', 'no progress output');
  return addConnectionOptions(command).action(async function (this: Command) {
    this.setOptionValue('exitCode', await runClusterCommand(this.opts<ClusterFlags>()));
  });
}

export function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number, not "${value}"`);
  return n;
}

/** The namespace to list: -n, all with -A, else the context's namespace (kubectl's rule). */
export function namespaceScope(flags: Pick<ClusterFlags, 'namespace' | 'allNamespaces'>, connection: ClusterConnection): string | undefined {
  if (flags.namespace !== undefined && flags.allNamespaces) throw new UsageError('-n and -A exclude each other');
  if (flags.allNamespaces) return undefined;
  return flags.namespace ?? connection.namespace;
}

export async function openConnection(flags: Pick<ClusterFlags, 'kubeconfig' | 'context' | 'inCluster' | 'requestTimeout'>): Promise<ClusterConnection> {
  const timeoutMs = positiveInteger(flags.requestTimeout, '--request-timeout') * 1000;
  try {
    return await ClusterConnection.open({ kubeconfig: flags.kubeconfig, context: flags.context, inCluster: flags.inCluster, timeoutMs });
  } catch (error) {
    if (error instanceof ClusterConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** Passes the resources through, telling the progress line how many were read. */
async function* withProgress<T>(items: AsyncIterable<T>, progress: Progress): AsyncGenerator<T> {
  let count = 0;
  for await (const item of items) {
    count += 1;
    if (count % 500 === 0) progress.update(`reading the cluster: ${count} objects`);
    yield item;
  }
}

/** The API server's URL as recorded: user information (never expected there, but possible) left out. */
function serverWithoutCredentials(server: string): string {
  try {
    const url = new URL(server);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/+$/, '');
  } catch {
    return server;
  }
}

export async function runClusterCommand(flags: ClusterFlags): Promise<number> {
  const failOn = failThreshold(flags.failOn);
  const pageSize = positiveInteger(flags.pageSize, '--page-size');
  const { config, file: configFile } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  noteConfig(flags.config, configFile);
  const connection = await openConnection(flags);
  const namespace = namespaceScope(flags, connection);
  const store = await openEvidenceStore(flags.store ?? config.evidence?.store, flags.signingKey ?? config.evidence?.signingKey);
  try {
    return await scanCluster(flags, { config, configFile, connection, namespace, failOn, pageSize, store });
  } finally {
    await store?.close();
  }
}

interface ClusterRun {
  config: ReturnType<typeof loadConfig>['config'];
  configFile: string | undefined;
  connection: ClusterConnection;
  namespace: string | undefined;
  failOn: ReturnType<typeof failThreshold>;
  pageSize: number;
  store: EvidenceStore | undefined;
}

async function scanCluster(flags: ClusterFlags, { config, configFile, connection, namespace, failOn, pageSize, store }: ClusterRun): Promise<number> {
  const source = new ClusterSource(connection, { namespace, pageSize });
  const rollUp = new OwnerRollUp();

  const output = openOutput(flags.outputFile);
  const recorder = store ? new ScanRecorder() : undefined;
  const soa = flags.output === 'html' ? htmlSoaContext({ config, ...(configFile ? { configFile, configName: flags.config ?? 'annexa.yaml' } : {}) }) : undefined;
  const chosen = REPORTERS[flags.output as keyof typeof REPORTERS]({
    write: output.write, color: output.color, toolVersion: VERSION, ...(flags.policyreportApi ? { policyReportApi: flags.policyreportApi } : {}), ...(soa ? { html: soa.html } : {}),
  });
  const withSoa = soa ? teeSink(chosen, soa.sink) : chosen;
  const reporter = recorder ? teeSink(withSoa, recorder) : withSoa;
  const progress = Progress.for(Boolean(flags.quiet));
  let result;
  try {
    result = await runScan([], { config, checks: builtinChecks, resources: withProgress(source.resources(), progress), resourceHook: rollUp, workers: 0 }, reporter);
  } catch (error) {
    // A report that cannot be completed leaves no partial file.
    output.abort();
    if (error instanceof ClusterConfigError) throw new UsageError(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof OutputError || error instanceof WriteError) throw error;
    throw new UsageError(`cannot read the cluster at ${connection.server} (context ${connection.context}): ${code ? `${code}: ` : ''}${(error as Error).message}`);
  } finally {
    progress.done();
  }
  const assessed = assessScan(result, config, builtinChecks);
  const coverage = coverageReport(source.coverage, assessed.checks, connection.context, namespace);
  const outcome = coverageAwareOutcome(assessed, coverage, config, builtinChecks);
  redactInputErrors(outcome.errors);
  reportProblems(outcome.errors);
  try {
    reporter.finish({ ...outcome, coverage: coverageJson(coverage) });
  } catch (error) {
    output.abort();
    throw error;
  }
  if (flags.output === 'table' || flags.output === 'markdown') output.write(`\n${coverageLines(coverage).join('\n')}\n`);
  output.close();
  if (coverage.read.length === 0) {
    const reason = [...coverage.failed, ...coverage.forbidden][0]?.message ?? 'the server serves none of the kinds the checks read';
    process.stderr.write(problemLine({ file: connection.server, message: `nothing could be read (context ${connection.context}): ${reason}` }));
    return EXIT.error;
  }
  if (store && recorder) {
    const cluster: ClusterIdentity = {
      context: connection.context, cluster: connection.cluster, server: serverWithoutCredentials(connection.server),
      namespace: namespace ?? null, coverage: coverageJson(coverage),
    };
    await recordAndTell(store, { command: 'cluster', outcome, recorder, config, units: [], cluster });
  }
  if (flags.output !== 'table' && flags.output !== 'markdown' && (coverage.forbidden.length > 0 || coverage.failed.length > 0)) {
    const gaps = [...coverage.forbidden, ...coverage.failed].map((gap) => `${gap.kind} (${gap.message})`);
    process.stderr.write(problemLine({ file: connection.server, message: `not read, so not checked: ${gaps.join('; ')}` }, 'warning'));
  }
  if (outcome.errors.length > 0) return EXIT.error;
  if (failOn === 'never') return EXIT.ok;
  const threshold = severityRank(failOn);
  return SEVERITIES.some((s) => severityRank(s) >= threshold && outcome.summary.bySeverity[s] > 0) ? EXIT.findings : EXIT.ok;
}
