/** `annexa scan PATH...`: manifests in CI. */
import { Command, Option } from 'commander';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { builtinCheckIds, builtinChecks } from '../checks/index.js';
import { loadPolicyDirectory, policyChecks } from '../cel/policy-source.js';
import { runScan } from '../engine/scan.js';
import { redactInputErrors } from '../resources/redact.js';
import { parseSize } from '../sources/files.js';
import { noResourcesError, prepareInputs, type InputRequest } from '../sources/input.js';
import type { Finding, Severity } from '../resources/types.js';
import { isSeverity, SEVERITIES, severityRank } from '../resources/types.js';
import { loadConfig } from '../isms/config.js';
import { REPORTERS, REPORT_FORMATS } from '../report/index.js';
import type { PolicyReportApi } from '../report/policyreport.js';
import { policyReportApiOption } from '../report/policyreport-yaml.js';
import { openOutput, Progress, problemLine, reportProblems, UsageError, EXIT, noteConfig } from './io.js';
import { ScopeWatch } from './scope-warnings.js';
import { VERSION } from '../version.js';
import { ScanRecorder, teeSink } from '../evidence/scan-record.js';
import { openEvidenceStore, recordAndTell } from './evidence-io.js';
import { assessScan } from '../posture/outcome.js';
import { htmlSoaContext } from './html-context.js';
import { assessmentTime, AT_HELP, firstSeenIn, importedOutcome, printNotes, readImports } from './import.js';
import { ImportSession } from '../interop/session.js';
import { recordImport } from '../interop/evidence.js';

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
  allowEmpty?: boolean;
  namespace?: string[];
  severity?: string;
  sarifRoot?: string;
  /** False with `--no-cross-resource`. */
  crossResource?: boolean;
  store?: string;
  signingKey?: string;
  policy?: string[];
  policyreportApi?: PolicyReportApi;
  /** Other tools' reports taken in with the scan (src/interop/). */
  with?: string[];
  at?: string;
}

export function scanCommand(): Command {
  return new Command('scan')
    .description('Scan Kubernetes manifests (files, directories, - for stdin) against the built-in checks')
    .argument('[paths...]', 'files or directories (.yaml, .yml, .json), or - for standard input')
    .addOption(new Option('-o, --output <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .option('--output-file <file>', 'write the report to a file instead of stdout')
    .addOption(policyReportApiOption())
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (or "never")').default('high'))
    .option('-c, --config <file>', 'annexa.yaml with scope, applicability and check settings (default: ./annexa.yaml)')
    .option('-k, --kustomize <dir>', 'scan the output of `kubectl kustomize DIR` (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--max-file-size <size>', 'refuse files larger than this (e.g. 20MiB)', '20MiB')
    .option('-q, --quiet', 'no progress output')
    .option('--workers <n>', 'worker threads for large inputs (0 = none; default: automatic from 4 cores)')
    .option('--no-cross-resource', 'only the per-resource checks: nothing is kept between files, so memory stays bounded by the largest file')
    .option('-n, --namespace <ns>', 'report only findings about resources of this namespace (repeatable); everything is still read, for cross-resource checks', (value: string, previous: string[] = []) => [...previous, value])
    .option('--severity <list>', 'report only findings of these severities, e.g. critical,high (the control posture still counts all)')
    .option('--sarif-root <dir>', 'the directory SARIF artifact URIs are relative to, so that code scanning maps them to repository files (default: the git top level, else the working directory)')
    .option('--store <path|url>', 'record the scan in an evidence store (SQLite file or postgres:// URL; default from evidence.store in annexa.yaml)')
    .option('--signing-key <file>', 'Ed25519 key (PEM) that signs the store\'s checkpoints (default: beside the store, created on first use)')
    .option('--with <files...>', 'other tools\' reports (Trivy, Grype, SBOMs, PolicyReports, Gatekeeper, Kubescape, Trivy Operator) to take in with the scan, matched to the scanned workloads (give the paths to scan before --with, or use --)')
    .option('--at <date>', AT_HELP)
    .option('--allow-empty', 'accept input that yields no Kubernetes resource (exit 0 instead of 2), e.g. a generated directory that may be empty')
    .option('--policy <dir>', 'also evaluate the ValidatingAdmissionPolicy objects in DIR (bindings and params beside them) with CEL; repeatable', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--stdin-filename <path>', 'the file name under which standard input is reported (findings, SARIF locations)')
    .action(async function (this: Command, paths: string[]) {
      this.setOptionValue('exitCode', await runScanCommand(paths, this.opts<ScanFlags>()));
    });
}

/** `-n` and `--severity` as a filter of reported findings. */
function reportFilter(flags: ScanFlags): { report?(finding: Finding): boolean } {
  const namespaces = flags.namespace && flags.namespace.length > 0 ? new Set(flags.namespace) : undefined;
  const severities = flags.severity === undefined ? undefined : new Set(flags.severity.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
  if (severities) {
    const unknown = [...severities].filter((s) => !isSeverity(s));
    if (unknown.length > 0 || severities.size === 0) throw new UsageError(`--severity takes a list of ${SEVERITIES.join(', ')}, not "${flags.severity}"`);
  }
  if (!namespaces && !severities) return {};
  return {
    report: (finding) => (!severities || severities.has(finding.severity))
      && (!namespaces || namespaces.has(finding.resource.namespace ?? (finding.resource.kind === 'Namespace' ? finding.resource.name : ''))),
  };
}

/** `--sarif-root`, else the top level of the git repository around the working directory, else the working directory. */
function sarifRoot(explicit: string | undefined): string {
  if (explicit !== undefined) return resolve(explicit);
  const git = spawnSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  const top = git.status === 0 ? git.stdout.trim() : '';
  return top !== '' ? top : process.cwd();
}

/** More threads than this only adds memory and start-up time on any machine a scan runs on. */
const MAX_WORKERS = 64;

export function failThreshold(text: string): Severity | 'never' {
  const value = text.toLowerCase();
  if (value === 'never' || isSeverity(value)) return value;
  throw new UsageError(`--fail-on must be one of ${[...SEVERITIES, 'never'].join(', ')}, not "${value}"`);
}

export async function runScanCommand(paths: string[], flags: ScanFlags): Promise<number> {
  const failOn = failThreshold(flags.failOn);
  const maxFileBytes = parseSize(flags.maxFileSize);
  if (maxFileBytes === undefined || maxFileBytes <= 0) throw new UsageError(`--max-file-size: cannot read "${flags.maxFileSize}" as a size`);
  if (paths.length === 0 && flags.kustomize.length === 0) throw new UsageError('scan needs at least one path (or - for stdin, or --kustomize DIR)');
  const workers = flags.workers === undefined ? undefined : Number(flags.workers);
  if (workers !== undefined && (flags.workers!.trim() === '' || !Number.isInteger(workers) || workers < 0 || workers > MAX_WORKERS)) {
    throw new UsageError(`--workers must be a whole number from 0 to ${MAX_WORKERS}, not "${flags.workers}"`);
  }
  const { config, file: configFile } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  noteConfig(flags.config, configFile);

  const stdinName = flags.stdinFilename;
  if (stdinName !== undefined && (stdinName === '' || stdinName === '-' || !paths.includes('-'))) {
    throw new UsageError('--stdin-filename names standard input: give it a file name and read - (for example: cat x.yaml | annexa scan - --stdin-filename x.yaml)');
  }
  const request: InputRequest = { paths, kustomize: flags.kustomize, maxFileBytes, allowEmpty: Boolean(flags.allowEmpty), ...(stdinName !== undefined ? { stdinFilename: stdinName } : {}) };
  const filter = reportFilter(flags);
  const { units, errors, notes } = prepareInputs(request);

  const policies = (flags.policy ?? []).map((dir) => loadPolicyDirectory(dir));
  for (const loaded of policies) errors.push(...loaded.errors);
  const checks = policies.length === 0 ? builtinChecks : [...builtinChecks, ...policies.flatMap(policyChecks)];
  const now = assessmentTime(flags.at);
  const imports = flags.with && flags.with.length > 0 ? await readImports(flags.with, 'auto') : undefined;
  if (imports) errors.push(...imports.errors);

  const output = openOutput(flags.outputFile);
  const store = await openEvidenceStore(flags.store ?? config.evidence?.store, flags.signingKey ?? config.evidence?.signingKey);
  try {
    const firstSeen = imports ? await firstSeenIn(store) : new Map<string, string>();
    const session = imports ? new ImportSession(imports.imported, imports.errors, { config, checks, firstSeen, now, ...filter }) : undefined;
    const root = flags.output === 'sarif' ? sarifRoot(flags.sarifRoot) : undefined;
    const recorder = store ? new ScanRecorder() : undefined;
    const soa = flags.output === 'html' ? htmlSoaContext({ config, ...(configFile ? { configFile, configName: flags.config ?? 'annexa.yaml' } : {}), units, crossResource: flags.crossResource !== false }) : undefined;
    const chosen = REPORTERS[flags.output as keyof typeof REPORTERS]({
      write: output.write, color: output.color, toolVersion: VERSION, ...(root ? { root } : {}), ...(flags.policyreportApi ? { policyReportApi: flags.policyreportApi } : {}),
      filtered: filter.report !== undefined, ...(soa ? { html: soa.html } : {}),
    });
    const withSoa = soa ? teeSink(chosen, soa.sink) : chosen;
    const reporter = recorder ? teeSink(withSoa, recorder) : withSoa;
    const progress = Progress.for(Boolean(flags.quiet));
    const scope = new ScopeWatch();
    const scopeSink = scope.wrap(reporter);
    const result = await runScan(units, {
      config,
      checks,
      crossResource: flags.crossResource !== false,
      now,
      maxFileBytes,
      ...(workers !== undefined ? { workers } : {}),
      ...filter,
      progress: (done, total, resources) => progress.update(`scanning: ${done}/${total} files, ${resources} resources`),
    }, session ? session.wrap(scopeSink) : scopeSink, errors).catch((error: unknown) => {
      // A report that cannot be completed (its rows' temporary file is full, …) leaves no partial file.
      output.abort();
      throw error;
    });
    progress.done();
    const imported = session ? session.finish(scopeSink, result.summary, result.evaluation) : undefined;
    const outcome = session && imported ? importedOutcome(result, session, imported, config, checks) : assessScan(result, config, checks);
    const empty = outcome.summary.resources === 0;
    if (empty && !flags.allowEmpty && outcome.errors.length === 0) outcome.errors.push(noResourcesError(request));
    // Parser messages can quote the text they failed on (a value, maybe a password): keep them out.
    redactInputErrors(outcome.errors);
    reportProblems(outcome.errors, notes);
    for (const warning of scope.warnings(flags.config ?? configFile ?? 'annexa.yaml')) process.stderr.write(problemLine(warning, 'warning'));
    if (imported) printNotes(imported.notes);
    // Nothing read, nothing judged: no control posture for an empty input.
    const judged = empty ? { ...outcome, controls: [] } : outcome;
    try {
      reporter.finish(judged);
    } catch (error) {
      output.abort();
      throw error;
    }
    output.close();
    for (const notice of outcome.exceptionNotices ?? []) process.stderr.write(problemLine({ file: flags.config ?? configFile ?? 'annexa.yaml', message: notice.message }, 'warning'));
    if (store && recorder) await recordAndTell(store, { command: 'scan', outcome: judged, recorder, config, units });
    if (store && imported && imports) {
      const record = await recordImport(store, { command: 'scan --with', config, files: imports.imported.map((f) => f.file), findings: imported.findings, summary: imported.summary, seen: imported.seen, firstSeen });
      process.stderr.write(`annexa: recorded the imported results as evidence record ${record.seq} (${record.id}) in ${store.location}\n`);
    }

    if (outcome.errors.length > 0) return EXIT.error;
    if (failOn === 'never') return EXIT.ok;
    const threshold = severityRank(failOn);
    const failing = SEVERITIES.some((s) => severityRank(s) >= threshold && outcome.summary.bySeverity[s] > 0);
    return failing ? EXIT.findings : EXIT.ok;
  } finally {
    await store?.close();
  }
}
