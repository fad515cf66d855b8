/** `annexa drift --baseline DIR`: what runs against what git declares. */
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import type { InputError, Resource } from '../resources/types.js';
import { digestSecretValues, redactInputErrors } from '../resources/redact.js';
import { expandPaths, readBounded, DEFAULT_MAX_FILE_BYTES } from '../sources/files.js';
import { parseManifestText } from '../sources/yaml-documents.js';
import { ClusterSource } from '../sources/cluster/source.js';
import { coverageJson, coverageReport } from '../sources/cluster/coverage.js';
import { DriftCollector, driftScope, namespacedFrom, DEFAULT_UNMANAGED_KINDS, type DriftReport } from '../drift/drift.js';
import { driftMarkdown, driftTable } from '../drift/render.js';
import { addConnectionOptions, openConnection, positiveInteger } from './cluster.js';
import { openOutput, problemLine, reportProblems, UsageError, EXIT } from './io.js';

const DRIFT_FORMATS = ['json', 'table', 'markdown'] as const;

interface DriftFlags {
  baseline: string[];
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  output: (typeof DRIFT_FORMATS)[number];
  outputFile?: string;
  pageSize: string;
  requestTimeout: string;
  unmanagedKinds: string;
  /** False with --no-unmanaged. */
  unmanaged?: boolean;
}

export function driftCommand(): Command {
  const command = new Command('drift')
    .description('Compare the live cluster with a baseline of manifests: missing, unmanaged, modified and unverified objects')
    .requiredOption('-b, --baseline <path>', 'manifests as intended (file or directory; repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .addOption(new Option('-o, --output <format>', 'output format').choices(DRIFT_FORMATS).default('table'))
    .option('--output-file <file>', 'write the report to a file instead of stdout')
    .option('--unmanaged-kinds <kinds>', 'cluster-scoped kinds searched for unmanaged objects besides the baseline\'s kinds (comma-separated)', DEFAULT_UNMANAGED_KINDS.join(','))
    .option('--no-unmanaged', 'do not look for unmanaged objects');
  return addConnectionOptions(command).action(async function (this: Command) {
    this.setOptionValue('exitCode', await runDriftCommand(this.opts<DriftFlags>()));
  });
}

/** The baseline's resources, Secret values replaced by salted digests; bad files are reported and skipped. */
function readBaseline(paths: readonly string[], salt: string): { resources: Resource[]; errors: InputError[] } {
  const expanded = expandPaths(paths);
  const errors: InputError[] = [...expanded.errors];
  const resources: Resource[] = [];
  for (const unit of expanded.units) {
    if (unit.source !== 'file') {
      errors.push({ file: unit.file, message: 'the baseline is read from files and directories, not standard input' });
      continue;
    }
    const read = readBounded(unit.file, DEFAULT_MAX_FILE_BYTES);
    if ('error' in read) {
      errors.push(read.error);
      continue;
    }
    const parsed = parseManifestText(read.text, unit, undefined, (resource) => digestSecretValues(resource, salt));
    parsed.release();
    resources.push(...parsed.resources);
    errors.push(...parsed.errors);
  }
  return { resources, errors: redactInputErrors(errors) };
}

function hasDrift(report: DriftReport): boolean {
  return report.missing.length + report.unmanaged.length + report.modified.length > 0;
}

export async function runDriftCommand(flags: DriftFlags): Promise<number> {
  const pageSize = positiveInteger(flags.pageSize, '--page-size');
  // Per run: digests of one run cannot be compared with another's, nor guessed from.
  const salt = randomBytes(16).toString('hex');
  const baseline = readBaseline(flags.baseline, salt);
  reportProblems(baseline.errors);
  if (baseline.resources.length === 0) throw new UsageError(`the baseline (${flags.baseline.join(', ')}) declares no Kubernetes objects`);

  const unmanagedKinds = flags.unmanaged === false ? [] : flags.unmanagedKinds.split(',').map((k) => k.trim()).filter(Boolean);
  const scope = driftScope(baseline.resources, unmanagedKinds);
  if (flags.unmanaged === false) scope.unmanagedKinds.clear();
  const connection = await openConnection(flags);
  const source = new ClusterSource(connection, { kinds: scope.kinds, pageSize, protect: (resource) => digestSecretValues(resource, salt) });
  let report: DriftReport;
  try {
    const discovery = await source.prepare();
    const collector = new DriftCollector(baseline.resources, scope, namespacedFrom(discovery.resources));
    for await (const resource of source.resources()) collector.add(resource);
    report = collector.report(source.coverage);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read the cluster at ${connection.server} (context ${connection.context}): ${code ? `${code}: ` : ''}${(error as Error).message}`);
  }
  const coverage = coverageReport(source.coverage, [], connection.context, undefined);

  const output = openOutput(flags.outputFile);
  try {
    if (flags.output === 'json') output.write(`${JSON.stringify({ ...report, coverage: coverageJson(coverage) }, null, 2)}\n`);
    else if (flags.output === 'markdown') output.write(driftMarkdown(report));
    else output.write(driftTable(report));
  } catch (error) {
    output.abort();
    throw error;
  }
  output.close();

  if (coverage.read.length === 0) {
    process.stderr.write(problemLine({ file: connection.server, message: `nothing could be read (context ${connection.context})` }));
    return EXIT.error;
  }
  if (report.unverified.length > 0) process.stderr.write(problemLine({ file: connection.server, message: `${report.unverified.length} declared objects could not be read (unverified): not counted as drift, not known to match` }, 'warning'));
  if (baseline.errors.length > 0) return EXIT.error;
  return hasDrift(report) ? EXIT.findings : EXIT.ok;
}
