/** `annexa scan PATH...`: manifests in CI. */
import { Command, Option } from 'commander';
import { builtinCheckIds, builtinChecks } from '../checks/index.js';
import { runScan } from '../engine/scan.js';
import { redactInputErrors } from '../resources/redact.js';
import { expandPaths, parseSize, DEFAULT_MAX_FILE_BYTES, type InputUnit } from '../sources/files.js';
import { kustomizeBuild } from '../sources/kustomize.js';
import type { InputError, Severity } from '../resources/types.js';
import { isSeverity, SEVERITIES, severityRank } from '../resources/types.js';
import { loadConfig } from '../isms/config.js';
import { REPORTERS, REPORT_FORMATS } from '../report/index.js';
import { openOutput, Progress, UsageError, EXIT } from './io.js';
import { VERSION } from '../version.js';

interface ScanFlags {
  output: string;
  outputFile?: string;
  failOn: string;
  config?: string;
  kustomize: string[];
  maxFileSize: string;
  quiet?: boolean;
  workers?: string;
  stdinFilename?: string;
  /** False with `--no-cross-resource`. */
  crossResource?: boolean;
}

export function scanCommand(): Command {
  return new Command('scan')
    .description('Scan Kubernetes manifests (files, directories, - for stdin) against the built-in checks')
    .argument('[paths...]', 'files or directories (.yaml, .yml, .json), or - for standard input')
    .addOption(new Option('-o, --output <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .option('--output-file <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (or "never")').default('high'))
    .option('-c, --config <file>', 'annexa.yaml with scope, applicability and check settings (default: ./annexa.yaml)')
    .option('-k, --kustomize <dir>', 'scan the output of `kubectl kustomize DIR` (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--max-file-size <size>', 'refuse files larger than this (e.g. 20MiB)', '20MiB')
    .option('-q, --quiet', 'no progress output')
    .option('--workers <n>', 'worker threads for large inputs (0 = none; default: automatic from 4 cores)')
    .option('--no-cross-resource', 'only the per-resource checks: nothing is kept between files, so memory stays bounded by the largest file')
    .option('--stdin-filename <path>', 'the file name under which standard input is reported (findings, SARIF locations)')
    .action(async function (this: Command, paths: string[]) {
      this.setOptionValue('exitCode', await runScanCommand(paths, this.opts<ScanFlags>()));
    });
}

export function failThreshold(value: string): Severity | 'never' {
  if (value === 'never' || isSeverity(value)) return value;
  throw new UsageError(`--fail-on must be one of ${[...SEVERITIES, 'never'].join(', ')}, not "${value}"`);
}

export async function runScanCommand(paths: string[], flags: ScanFlags): Promise<number> {
  const failOn = failThreshold(flags.failOn);
  const maxFileBytes = parseSize(flags.maxFileSize);
  if (maxFileBytes === undefined || maxFileBytes <= 0) throw new UsageError(`--max-file-size: cannot read "${flags.maxFileSize}" as a size`);
  if (paths.length === 0 && flags.kustomize.length === 0) throw new UsageError('scan needs at least one path (or - for stdin, or --kustomize DIR)');
  const workers = flags.workers === undefined ? undefined : Number(flags.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) throw new UsageError(`--workers must be a whole number, not "${flags.workers}"`);
  const { config } = loadConfig(flags.config, process.cwd(), builtinCheckIds);

  const stdinName = flags.stdinFilename;
  if (stdinName !== undefined && (stdinName === '' || stdinName === '-' || !paths.includes('-'))) {
    throw new UsageError('--stdin-filename names standard input: give it a file name and read - (for example: cat x.yaml | annexa scan - --stdin-filename x.yaml)');
  }
  const expanded = expandPaths(paths);
  const units: InputUnit[] = expanded.units.map((unit) => (unit.source === 'stdin' && stdinName !== undefined ? { ...unit, file: stdinName } : unit));
  const errors: InputError[] = [...expanded.errors];
  for (const dir of flags.kustomize) {
    const built = kustomizeBuild(dir, maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    if ('source' in built) units.push(built);
    else errors.push(built);
  }

  const output = openOutput(flags.outputFile);
  const reporter = REPORTERS[flags.output as keyof typeof REPORTERS]({ write: output.write, color: output.color, toolVersion: VERSION });
  const progress = Progress.for(Boolean(flags.quiet));
  const outcome = await runScan(units, {
    config,
    checks: flags.crossResource === false ? builtinChecks.filter((check) => check.scope !== 'inventory') : builtinChecks,
    maxFileBytes,
    ...(workers !== undefined ? { workers } : {}),
    progress: (done, total, resources) => progress.update(`scanning: ${done}/${total} files, ${resources} resources`),
  }, reporter, errors);
  progress.done();
  // Parser messages can quote the text they failed on (a value, maybe a password): keep them out.
  redactInputErrors(outcome.errors);
  reporter.finish(outcome);
  output.close();

  if (outcome.errors.length > 0) return EXIT.error;
  if (failOn === 'never') return EXIT.ok;
  const threshold = severityRank(failOn);
  const failing = SEVERITIES.some((s) => severityRank(s) >= threshold && outcome.summary.bySeverity[s] > 0);
  return failing ? EXIT.findings : EXIT.ok;
}
