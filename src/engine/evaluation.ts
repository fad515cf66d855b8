/**
 * The evaluation record: for every check of a run, whether it was evaluated (on how many in-scope
 * resources, with how many in-scope findings per severity) or why not. The engine yields it next
 * to the findings; control posture, the SoA and reports read it (posture is computed outside the
 * engine, from this record).
 */
import type { Check } from './check.js';
import type { Finding, Severity } from '../resources/types.js';

/**
 * Why a check produced no evidence: `disabled` in annexa.yaml; `cross-resource-off` (a cross-resource
 * check in a run with --no-cross-resource); `no-input-of-kinds` (no in-scope resource of the kinds it
 * reads); `errored` (it threw on at least one in-scope resource, so its result there is unknown);
 * `not-scanned` (no scan was made, e.g. `annexa soa` without paths); `kinds-unreadable` (a live
 * cluster refused or failed to list some of the kinds it reads, so what it saw is not the whole);
 * `not-covered` (imported evidence, such as a vulnerability report, that does not cover every
 * running image: src/interop/).
 */
export type NotEvaluatedReason = 'disabled' | 'cross-resource-off' | 'no-input-of-kinds' | 'errored' | 'not-scanned' | 'kinds-unreadable' | 'not-covered';
export const NOT_EVALUATED_REASONS: readonly NotEvaluatedReason[] = ['disabled', 'cross-resource-off', 'no-input-of-kinds', 'errored', 'not-scanned', 'kinds-unreadable', 'not-covered'];

export interface CheckEvaluation {
  check: string;
  /**
   * In-scope resources the check was applied to (per-resource checks), or in-scope resources of its
   * input kinds (cross-resource checks, which run once over the inventory).
   */
  resources: number;
  /** In-scope resources (or cross-resource runs) on which the check threw. */
  errors: number;
  /** In-scope findings per severity (severities without findings are absent). */
  findings: Partial<Record<Severity, number>>;
  /** Present when the check produced no (or incomplete) evidence. */
  notEvaluated?: NotEvaluatedReason;
}

export interface EvaluationRecord {
  /** Every check of the registry the run was given, disabled ones included, in registry order. */
  checks: CheckEvaluation[];
}

/** Collects the record while a scan runs: O(1) per resource-check pair and per finding. */
export class EvaluationRecorder {
  private readonly byId = new Map<string, CheckEvaluation>();
  private readonly skipped = new Map<string, NotEvaluatedReason>();

  constructor(registry: readonly Check[], disabled: readonly string[], crossResource: boolean) {
    const off = new Set(disabled);
    for (const check of registry) {
      this.byId.set(check.id, { check: check.id, resources: 0, errors: 0, findings: {} });
      if (off.has(check.id)) this.skipped.set(check.id, 'disabled');
      else if (!crossResource && check.scope === 'inventory') this.skipped.set(check.id, 'cross-resource-off');
    }
  }

  /** A check applied to one in-scope resource (or, for cross-resource checks, `count` in-scope input resources). */
  applied(checkId: string, count = 1): void {
    const entry = this.byId.get(checkId);
    if (entry) entry.resources += count;
  }

  errored(checkId: string): void {
    const entry = this.byId.get(checkId);
    if (entry) entry.errors += 1;
  }

  /** An in-scope finding; a merged one (one problem flagged by several checks, `rules`) counts for each of them. */
  finding(finding: Finding): void {
    for (const checkId of finding.rules ?? [finding.checkId]) {
      const entry = this.byId.get(checkId);
      if (entry) entry.findings[finding.severity] = (entry.findings[finding.severity] ?? 0) + 1;
    }
  }

  /** `count` in-scope findings of one severity for a check (a caller that keeps its own tallies: watch mode). */
  countFindings(checkId: string, severity: Severity, count: number): void {
    const entry = this.byId.get(checkId);
    if (entry && count > 0) entry.findings[severity] = (entry.findings[severity] ?? 0) + count;
  }

  record(): EvaluationRecord {
    const checks = [...this.byId.values()].map((entry) => {
      const reason = this.skipped.get(entry.check)
        ?? (entry.errors > 0 ? 'errored' : entry.resources === 0 ? 'no-input-of-kinds' : undefined);
      return reason === undefined ? entry : { ...entry, notEvaluated: reason };
    });
    return { checks };
  }
}

/** A record for a statement made without a scan: every check `not-scanned` (or `disabled`). */
export function unscannedRecord(registry: ReadonlyArray<Pick<Check, 'id'>>, disabled: readonly string[]): EvaluationRecord {
  const off = new Set(disabled);
  return {
    checks: registry.map((check) => ({
      check: check.id, resources: 0, errors: 0, findings: {}, notEvaluated: off.has(check.id) ? 'disabled' : 'not-scanned',
    })),
  };
}
