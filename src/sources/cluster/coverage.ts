/**
 * What a cluster scan could see, and what follows for the checks: a kind that could not be read
 * (403 forbidden, 404 unavailable, …) is a gap in the evidence, never a pass. Each gap names the
 * checks that read the kind; checks all of whose kinds were unreadable were not evaluated at all.
 */
import type { Check } from '../../engine/check.js';
import type { EvaluationRecord } from '../../engine/evaluation.js';
import type { AnnexaConfig } from '../../isms/config.js';
import { computePosture } from '../../posture/posture.js';
import type { ScanOutcome } from '../../posture/outcome.js';
import type { JsonObject } from '../../resources/types.js';
import { POD_TEMPLATE_KINDS } from '../../resources/workloads.js';
import type { KindCoverage } from './source.js';

/** The kinds a check reads. */
export function kindsOfCheck(check: Check): readonly string[] {
  if (check.scope === 'pod') return POD_TEMPLATE_KINDS;
  if (check.scope === 'resource') return check.kinds;
  return check.inputKinds;
}

export interface CoverageReport {
  context: string;
  /** The namespace listed (`-n`), or null for all namespaces. */
  namespace: string | null;
  read: Array<{ kind: string; apiVersion: string; items: number; inconsistent?: boolean }>;
  forbidden: CoverageGap[];
  unavailable: CoverageGap[];
  /** Other failures (401, 5xx). */
  failed: CoverageGap[];
  /** Checks none of whose kinds could be read: their result is unknown. */
  checksNotEvaluated: string[];
  /** Checks with some of their kinds unreadable: their result covers only what was read. */
  checksPartiallyEvaluated: string[];
}

export interface CoverageGap {
  kind: string;
  apiVersion?: string;
  /** The server's reason. */
  message: string;
  /** Checks that read this kind and so could not evaluate its objects (none for an unavailable kind: it has no objects). */
  checks: string[];
  /** Objects read before the list failed. */
  items?: number;
}

export function coverageReport(kinds: readonly KindCoverage[], checks: readonly Check[], context: string, namespace: string | undefined): CoverageReport {
  const report: CoverageReport = { context, namespace: namespace ?? null, read: [], forbidden: [], unavailable: [], failed: [], checksNotEvaluated: [], checksPartiallyEvaluated: [] };
  const unreadable = new Set<string>();
  const known = new Set(kinds.map((k) => k.kind));
  for (const kind of kinds) {
    if (kind.state === 'read') {
      const entry: CoverageReport['read'][number] = { kind: kind.kind, apiVersion: kind.apiVersion ?? '', items: kind.items };
      if (kind.inconsistent) entry.inconsistent = true;
      report.read.push(entry);
      continue;
    }
    // A kind the server does not serve has no objects to miss; a kind it refused to list does.
    const gap: CoverageGap = { kind: kind.kind, message: kind.message ?? kind.state, checks: [] };
    if (kind.state !== 'unavailable') {
      unreadable.add(kind.kind);
      gap.checks = checks.filter((c) => kindsOfCheck(c).includes(kind.kind)).map((c) => c.id);
    }
    if (kind.apiVersion !== undefined) gap.apiVersion = kind.apiVersion;
    if (kind.items > 0) gap.items = kind.items;
    if (kind.state === 'forbidden') report.forbidden.push(gap);
    else if (kind.state === 'unavailable') report.unavailable.push(gap);
    else report.failed.push(gap);
  }
  for (const check of checks) {
    // Only the kinds the source tried to read count: a check about kinds a cluster never has is not a gap.
    const wanted = kindsOfCheck(check).filter((kind) => known.has(kind));
    const missing = wanted.filter((kind) => unreadable.has(kind));
    if (missing.length === 0) continue;
    if (missing.length === wanted.length) report.checksNotEvaluated.push(check.id);
    else report.checksPartiallyEvaluated.push(check.id);
  }
  return report;
}

/**
 * The outcome with its posture judged on what could be read: a check that could not list some of
 * the kinds it reads gave incomplete evidence (`kinds-unreadable`), so its controls are at best
 * `partial` (or `not-assessed` when nothing else was evaluated), never `pass`. Its findings still
 * count: what it did see failing fails the control.
 */
export function coverageAwareOutcome(outcome: ScanOutcome, coverage: CoverageReport, config: AnnexaConfig, registry: readonly Check[]): ScanOutcome {
  const incomplete = new Set([...coverage.checksNotEvaluated, ...coverage.checksPartiallyEvaluated]);
  if (incomplete.size === 0) return outcome;
  const evaluation: EvaluationRecord = {
    checks: outcome.evaluation.checks.map((entry) => (incomplete.has(entry.check) && (entry.notEvaluated === undefined || entry.notEvaluated === 'no-input-of-kinds') ? { ...entry, notEvaluated: 'kinds-unreadable' as const } : entry)),
  };
  return { ...outcome, evaluation, controls: computePosture({ config, checks: registry, evaluation }) };
}

export function coverageJson(report: CoverageReport): JsonObject {
  return JSON.parse(JSON.stringify(report)) as JsonObject;
}

/** Coverage as text lines for the table and markdown outputs. */
export function coverageLines(report: CoverageReport): string[] {
  const lines = [`Cluster coverage (context ${report.context}, ${report.namespace === null ? 'all namespaces' : `namespace ${report.namespace}`}): ${report.read.length} kinds read, ${report.read.reduce((n, k) => n + k.items, 0)} objects`];
  for (const [label, gaps] of [['forbidden', report.forbidden], ['unavailable', report.unavailable], ['failed', report.failed]] as const) {
    for (const gap of gaps) lines.push(`  ${label}: ${gap.kind} (${gap.message})${gap.checks.length > 0 ? `: ${gap.checks.length} checks could not see its objects` : ''}`);
  }
  if (report.checksNotEvaluated.length > 0) lines.push(`  checks not evaluated (none of their kinds readable): ${report.checksNotEvaluated.join(', ')}`);
  if (report.checksPartiallyEvaluated.length > 0) lines.push(`  checks evaluated on part of their kinds: ${report.checksPartiallyEvaluated.length} (see coverage in -o json)`);
  return lines;
}
