/** `annexa import FILE...`: other tools' results (Trivy, Grype, SBOMs, policy reports) as control evidence. */
import { Command, Option } from 'commander';
import type { Check } from '../engine/check.js';
import { builtinCheckIds, builtinChecks } from '../checks/index.js';
import { unscannedRecord } from '../engine/evaluation.js';
import type { ScanResult, ScanSink, ScanSummary } from '../engine/scan.js';
import { Inventory } from '../inventory/inventory.js';
import { loadConfig, type AnnexaConfig } from '../isms/config.js';
import { assessScan, type ScanOutcome } from '../posture/outcome.js';
import { REPORTERS } from '../report/index.js';
import type { Finding, InputError, Severity } from '../resources/types.js';
import { SEVERITIES, severityRank } from '../resources/types.js';
import { IMPORT_FORMATS, isImportFormat, type ImportedFile, type ImportFormat } from '../interop/types.js';
import { readImportFile } from '../interop/read.js';
import { ImportInputError } from '../interop/formats/common.js';
import { annotateControls, ImportSession, type SessionResult } from '../interop/session.js';
import { loadFirstSeen, recordImport } from '../interop/evidence.js';
import type { EvidenceStore } from '../evidence/store.js';
import { VERSION } from '../version.js';
import { openOutput, reportProblems, UsageError, EXIT, noteConfig, terminalSafe } from './io.js';
import { openEvidenceStore } from './evidence-io.js';
import { failThreshold } from './scan.js';

/** Output formats of `annexa import` (the scan reporters; findings stream the same way). */
export const IMPORT_OUTPUTS = ['table', 'json', 'sarif', 'junit', 'markdown'] as const;

interface ImportFlags {
  format: string;
  output: string;
  outputFile?: string;
  failOn: string;
  config?: string;
  store?: string;
  signingKey?: string;
  at?: string;
}

export function importCommand(): Command {
  return new Command('import')
    .description('Take in other tools\' results (Trivy, Grype, CycloneDX/SPDX SBOMs, PolicyReports, OpenReports, Gatekeeper, Kubescape, Trivy Operator) as evidence for Annex A controls')
    .argument('<files...>', 'report files (JSON or YAML); the format of each is told by its content')
    .addOption(new Option('--format <format>', 'require this format for every file instead of detecting it').choices(['auto', ...IMPORT_FORMATS]).default('auto'))
    .addOption(new Option('-o, --output <format>', 'output format').choices([...IMPORT_OUTPUTS]).default('table'))
    .option('--output-file <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (or "never")').default('high'))
    .option('-c, --config <file>', 'annexa.yaml (SLA days, vulnerability exceptions, policy mappings under interop:)')
    .option('--store <path|url>', 'record the import in an evidence store (SQLite file or postgres:// URL; default from evidence.store in annexa.yaml); earlier imports there give the first time a vulnerability was seen')
    .option('--signing-key <file>', 'Ed25519 key (PEM) that signs the store\'s checkpoints')
    .option('--at <date>', AT_HELP)
    .action(async function (this: Command, files: string[]) {
      this.setOptionValue('exitCode', await runImportCommand(files, this.opts<ImportFlags>()));
    });
}

export const AT_HELP = 'judge remediation SLAs and exceptions as of this date (YYYY-MM-DD or RFC 3339; default: now), e.g. to reproduce an earlier assessment';

/** `--at`: the instant SLAs and exceptions are judged at. */
export function assessmentTime(at: string | undefined): Date {
  if (at === undefined) return new Date();
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(at) ? `${at}T00:00:00Z` : at);
  if (Number.isNaN(ms)) throw new UsageError(`--at takes a date as YYYY-MM-DD or an RFC 3339 time, not "${at}"`);
  return new Date(ms);
}

/** Reads every file; a file that cannot be imported is an input error, and the others are still read. */
export async function readImports(files: readonly string[], format: ImportFormat | 'auto'): Promise<{ imported: ImportedFile[]; errors: InputError[] }> {
  const imported: ImportedFile[] = [];
  const errors: InputError[] = [];
  for (const file of files) {
    try {
      imported.push(await readImportFile(file, { format }));
    } catch (error) {
      if (!(error instanceof ImportInputError)) throw error;
      const message = error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message;
      errors.push({ file, ...(error.line !== undefined ? { line: error.line } : {}), message });
    }
  }
  return { imported, errors };
}

/** The store's first sightings, when there is a store. */
export async function firstSeenIn(store: EvidenceStore | undefined): Promise<Map<string, string>> {
  return store ? loadFirstSeen(store) : new Map();
}

export function printNotes(notes: readonly string[]): void {
  for (const note of notes) process.stderr.write(`annexa: note: ${terminalSafe(note)}\n`);
}

/** The outcome with imported evidence: posture over the registry and the import rules, controls naming their tools. */
export function importedOutcome(result: ScanResult, session: ImportSession, imported: SessionResult, config: AnnexaConfig, checks: readonly Check[] = builtinChecks): ScanOutcome {
  const outcome = assessScan({ ...result, evaluation: imported.evaluation, imports: imported.summary }, config, [...checks, ...imported.rules]);
  return { ...outcome, controls: annotateControls(outcome.controls, session, imported) };
}

function emptySummary(files: number): ScanSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  return { files, resources: 0, skippedDocuments: 0, findings: 0, outOfScopeFindings: 0, exceptedFindings: 0, bySeverity };
}

export function exitCodeFor(outcome: ScanOutcome, failOn: Severity | 'never'): number {
  if (outcome.errors.length > 0) return EXIT.error;
  if (failOn === 'never') return EXIT.ok;
  const threshold = severityRank(failOn);
  return SEVERITIES.some((s) => severityRank(s) >= threshold && outcome.summary.bySeverity[s] > 0) ? EXIT.findings : EXIT.ok;
}

export async function runImportCommand(files: string[], flags: ImportFlags): Promise<number> {
  const failOn = failThreshold(flags.failOn);
  const now = assessmentTime(flags.at);
  if (flags.format !== 'auto' && !isImportFormat(flags.format)) throw new UsageError(`--format must be one of auto, ${IMPORT_FORMATS.join(', ')}`);
  const { config, file: configFile } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  noteConfig(flags.config, configFile);
  const { imported, errors } = await readImports(files, flags.format as ImportFormat | 'auto');
  const output = openOutput(flags.outputFile);
  const store = await openEvidenceStore(flags.store ?? config.evidence?.store, flags.signingKey ?? config.evidence?.signingKey);
  try {
    const firstSeen = await firstSeenIn(store);
    const session = new ImportSession(imported, errors, { config, checks: builtinChecks, firstSeen, now });
    const reporter = REPORTERS[flags.output as keyof typeof REPORTERS]({ write: output.write, color: output.color, toolVersion: VERSION });
    const collected: Finding[] = [];
    const sink: ScanSink = {
      resource: () => undefined,
      inventoryFindings: (findings) => {
        if (store) collected.push(...findings);
        reporter.inventoryFindings?.(findings);
      },
    };
    const summary = emptySummary(imported.length);
    const result = session.finish(sink, summary, unscannedRecord(builtinChecks, config.checks.disabled));
    const base: ScanResult = { summary, evaluation: result.evaluation, errors, checks: [...builtinChecks], inventory: new Inventory() };
    const outcome = importedOutcome(base, session, result, config);
    reportProblems(outcome.errors);
    printNotes(result.notes);
    try {
      reporter.finish(outcome);
    } catch (error) {
      output.abort();
      throw error;
    }
    output.close();
    if (store) {
      const record = await recordImport(store, { command: 'import', config, files: imported.map((f) => f.file), findings: collected, summary: result.summary, seen: result.seen, firstSeen });
      process.stderr.write(`annexa: recorded the import as evidence record ${record.seq} (${record.id}) in ${store.location}\n`);
    }
    return exitCodeFor(outcome, failOn);
  } finally {
    await store?.close();
  }
}

