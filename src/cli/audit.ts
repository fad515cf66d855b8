/** `annexa audit`: Kubernetes audit logs as evidence (analyze, policy, rbac, receive). */
import { Command, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { analyzeFiles, type AuditAnalysis } from '../audit/analyze.js';
import { renderAnalysisTable } from '../audit/render.js';
import { recordAuditAnalysis } from '../audit/record.js';
import { loadConfig, type AnnexaConfig } from '../isms/config.js';
import { builtinCheckIds } from '../checks/index.js';
import { SEVERITIES, severityRank } from '../resources/types.js';
import { EXIT, noteConfig, openOutput, reportProblems, UsageError } from './io.js';
import { openEvidenceStore } from './evidence-io.js';
import { instant } from './evidence.js';
import { failThreshold } from './scan.js';
import { auditPolicyCommand } from './audit-policy.js';
import { auditRbacCommand } from './audit-rbac.js';
import { auditReceiveCommand } from './audit-receive.js';

interface AnalyzeFlags {
  output: 'json' | 'table';
  outputFile?: string;
  since?: string;
  until?: string;
  store?: string;
  signingKey?: string;
  config?: string;
  failOn: string;
  burstThreshold?: string;
  burstWindow?: string;
  dedupeWindow?: string;
}

export function auditCommand(): Command {
  const audit = new Command('audit').description('Kubernetes audit logs as evidence: detections, audit policy review, least privilege from usage, webhook receiver');
  audit.addCommand(analyzeCommand());
  audit.addCommand(auditPolicyCommand());
  audit.addCommand(auditRbacCommand());
  audit.addCommand(auditReceiveCommand());
  return audit;
}

function analyzeCommand(): Command {
  return new Command('analyze')
    .description('read audit.k8s.io Event logs (JSON lines, gzip, EventList) and report detections')
    .argument('<files...>', 'audit log files (plain or gzip; rotated files in order)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'table']).default('table'))
    .option('--output-file <file>', 'write the report to a file instead of stdout')
    .option('--since <time>', 'only events at or after this date or RFC 3339 time')
    .option('--until <time>', 'only events before this date or RFC 3339 time')
    .option('--store <path|url>', 'record the analysis and its detections in an evidence store (type audit)')
    .option('--signing-key <file>', 'Ed25519 key (PEM) that signs the store\'s checkpoints')
    .option('-c, --config <file>', 'annexa.yaml (audit settings, evidence store; default: ./annexa.yaml)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a detection is at or above this severity (or "never")').default('never'))
    .option('--burst-threshold <n>', 'authorization failures by one identity or address that make a burst (default 10, or audit.burstThreshold)')
    .option('--burst-window <seconds>', 'the burst window (default 60, or audit.burstWindowSeconds)')
    .option('--dedupe-window <n>', 'requests whose stages are merged at once (default 10000, or audit.dedupeWindow)')
    .action(async function (this: Command, files: string[]) {
      this.setOptionValue('exitCode', await runAnalyze(files, this.opts<AnalyzeFlags>()));
    });
}

function positiveInteger(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${flag} must be a positive integer, not "${text}"`);
  return Number(text);
}

export function auditSettings(config: AnnexaConfig, flags: Pick<AnalyzeFlags, 'burstThreshold' | 'burstWindow' | 'dedupeWindow'>) {
  const threshold = positiveInteger(flags.burstThreshold, '--burst-threshold') ?? config.audit?.burstThreshold ?? 10;
  if (threshold < 2) throw new UsageError('--burst-threshold must be at least 2');
  return {
    burst: { threshold, windowSeconds: positiveInteger(flags.burstWindow, '--burst-window') ?? config.audit?.burstWindowSeconds ?? 60 },
    dedupeWindow: positiveInteger(flags.dedupeWindow, '--dedupe-window') ?? config.audit?.dedupeWindow ?? 10_000,
    config,
  };
}

async function runAnalyze(files: string[], flags: AnalyzeFlags): Promise<number> {
  const failOn = failThreshold(flags.failOn);
  const { config, file: configFile } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  noteConfig(flags.config, configFile);
  const since = instant(flags.since, '--since');
  const until = instant(flags.until, '--until');
  const settings = auditSettings(config, flags);
  const store = await openEvidenceStore(flags.store ?? config.evidence?.store, flags.signingKey ?? config.evidence?.signingKey);
  try {
    const analysis = await analyzeFiles(files, { ...settings, ...(since ? { since: new Date(since) } : {}), ...(until ? { until: new Date(until) } : {}) });
    const output = openOutput(flags.outputFile);
    try {
      output.write(flags.output === 'json' ? `${JSON.stringify(jsonReport(analysis), null, 2)}\n` : renderAnalysisTable(analysis));
      output.close();
    } catch (error) {
      output.abort();
      throw error;
    }
    reportProblems(analysis.errors);
    if (analysis.errorsOmitted > 0) process.stderr.write(`annexa: ${analysis.errorsOmitted} further unreadable lines not listed\n`);
    if (store) {
      const summary = await recordAuditAnalysis(store, analysis, { via: 'analyze', files }, randomUUID());
      process.stderr.write(`annexa: recorded audit analysis as evidence record ${summary.seq} (${summary.id}) with ${analysis.detections.length} detection record(s) in ${store.location}\n`);
    }
    // As `annexa scan`: input that could not be read makes the result incomplete, whatever was found.
    if (analysis.errors.length > 0) return EXIT.error;
    if (failOn === 'never') return EXIT.ok;
    const threshold = severityRank(failOn);
    return SEVERITIES.some((s) => severityRank(s) >= threshold && (analysis.summary.bySeverity[s] ?? 0) > 0) ? EXIT.findings : EXIT.ok;
  } finally {
    await store?.close();
  }
}

/** The JSON report: the contract (events, errors, detections, summary) plus what else was learnt. */
export function jsonReport(analysis: AuditAnalysis): Record<string, unknown> {
  return {
    events: analysis.events,
    records: analysis.records,
    outsidePeriod: analysis.outsidePeriod,
    period: analysis.period,
    errors: analysis.errors,
    ...(analysis.errorsOmitted > 0 ? { errorsOmitted: analysis.errorsOmitted } : {}),
    detections: analysis.detections,
    undetermined: analysis.undetermined,
    dedupe: analysis.dedupe,
    summary: analysis.summary,
  };
}
