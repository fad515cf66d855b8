/**
 * Control posture: each Annex A control's status from the evaluation record a scan yields (which
 * mapped check ran on how many in-scope resources, with which findings, or why it did not run).
 *
 * - `not-applicable`: excluded in annexa.yaml (a failing finding on it is reported as a conflict);
 * - `fail`: a mapped check has an in-scope finding at or above `posture.failOn` (default medium;
 *   `info` findings never fail a control);
 * - `manual`: no check maps to the control;
 * - `not-assessed`: checks map to it but none was evaluated (no relevant input, disabled, …);
 * - `pass`: the catalog judges the control fully automatable, every mapped check was evaluated on
 *   resources of the kinds it needs, and nothing failed;
 * - `partial`: what ran passed, but some mapped check was not evaluated or the control is only
 *   partly automatable.
 */
import type { Check } from '../engine/check.js';
import type { CheckEvaluation, EvaluationRecord, NotEvaluatedReason } from '../engine/evaluation.js';
import { unscannedRecord } from '../engine/evaluation.js';
import { SEVERITIES, severityRank, type Severity } from '../resources/types.js';
import type { AnnexaConfig } from '../isms/config.js';
import type { Theme } from '../frameworks/annex-a-titles.js';
import { ISO27001_CONTROLS, automationOf, checksByControl, type AnnexAControl } from '../frameworks/iso27001.js';
import type { Automation } from '../frameworks/types.js';

export type ControlStatusValue = 'pass' | 'fail' | 'partial' | 'not-assessed' | 'manual' | 'not-applicable';
export const CONTROL_STATUSES: readonly ControlStatusValue[] = ['pass', 'fail', 'partial', 'not-assessed', 'manual', 'not-applicable'];

/** Severities that can fail a control (`info` never does). */
export type FailThreshold = Exclude<Severity, 'info'>;
export const DEFAULT_FAIL_THRESHOLD: FailThreshold = 'medium';

export interface NotEvaluatedCheck {
  check: string;
  reason: NotEvaluatedReason;
}

export interface ControlCoverage {
  /** Mapped checks evaluated on in-scope resources of the kinds they need. */
  evaluated: string[];
  /** Mapped checks that gave no (or incomplete) evidence, and why. */
  notEvaluated: NotEvaluatedCheck[];
}

/** In-scope findings below the failing threshold: reported, not counted against the control. */
export interface Observation {
  check: string;
  severity: Severity;
  findings: number;
}

export interface ControlStatus {
  id: string;
  title: string;
  theme: Theme;
  status: ControlStatusValue;
  /** How far the mapped checks can evidence the control (catalog judgement; `manual` when none maps). */
  automation: Automation;
  /** In-scope findings at or above the failing threshold. */
  findings: number;
  /** Every check mapped to the control, disabled ones included. */
  checks: string[];
  /** Findings at or above the threshold per mapped check (only checks with such findings). */
  findingsByCheck: Record<string, number>;
  /** Mapped checks that were evaluated (same as coverage.evaluated). */
  checksEvaluated: string[];
  /** Mapped checks with findings at or above the threshold. */
  checksFailed: string[];
  coverage: ControlCoverage;
  observations: Observation[];
  /** Other tools whose imported results this control's status rests on (`annexa import`, `scan --with`). */
  evidenceSources?: string[];
  /** For controls evidenced by imported vulnerability reports (A.8.8): running images no imported report covers. */
  imagesWithoutVulnerabilityReport?: string[];
  /** Set when annexa.yaml excludes the control but mapped checks fail on it: the exclusion is contradicted. */
  conflict?: string;
  justification?: string;
  owner?: string;
}

export interface PostureInput {
  config: AnnexaConfig;
  /**
   * The whole registry the run was given (disabled checks included: they are listed, and prevent pass),
   * plus any rules of imported evidence (src/interop/): posture reads only their ids and controls.
   */
  checks: ReadonlyArray<Pick<Check, 'id' | 'controls'>>;
  /** What the engine yielded; without it (no scan) every check is `not-scanned`. */
  evaluation?: EvaluationRecord;
  /** The catalog to judge against (tests pass a reduced one). */
  catalog?: readonly AnnexAControl[];
}

export function failThresholdOf(config: AnnexaConfig): FailThreshold {
  return config.posture.failOn;
}

function atOrAbove(severity: Severity, threshold: FailThreshold): boolean {
  return severity !== 'info' && severityRank(severity) >= severityRank(threshold);
}

function failingCount(entry: CheckEvaluation | undefined, threshold: FailThreshold): number {
  if (!entry) return 0;
  let count = 0;
  for (const severity of SEVERITIES) if (atOrAbove(severity, threshold)) count += entry.findings[severity] ?? 0;
  return count;
}

function observationsOf(mapped: readonly CheckEvaluation[], threshold: FailThreshold): Observation[] {
  const out: Observation[] = [];
  for (const entry of mapped) {
    for (const severity of SEVERITIES) {
      const findings = entry.findings[severity] ?? 0;
      if (findings > 0 && !atOrAbove(severity, threshold)) out.push({ check: entry.check, severity, findings });
    }
  }
  return out;
}

function statusOf(excluded: boolean, failing: number, automation: Automation, coverage: ControlCoverage): ControlStatusValue {
  if (excluded) return 'not-applicable';
  if (failing > 0) return 'fail';
  if (automation === 'manual') return 'manual';
  if (coverage.evaluated.length === 0) return 'not-assessed';
  return automation === 'automated' && coverage.notEvaluated.length === 0 ? 'pass' : 'partial';
}

function controlStatus(control: AnnexAControl, mappedIds: readonly string[], record: ReadonlyMap<string, CheckEvaluation>, config: AnnexaConfig): ControlStatus {
  const threshold = failThresholdOf(config);
  const mapped = mappedIds.map((id) => record.get(id) ?? { check: id, resources: 0, errors: 0, findings: {}, notEvaluated: 'not-scanned' as const });
  const coverage: ControlCoverage = {
    evaluated: mapped.filter((e) => e.notEvaluated === undefined).map((e) => e.check),
    notEvaluated: mapped.filter((e) => e.notEvaluated !== undefined).map((e) => ({ check: e.check, reason: e.notEvaluated! })),
  };
  const findingsByCheck: Record<string, number> = {};
  let findings = 0;
  for (const entry of mapped) {
    const count = failingCount(entry, threshold);
    if (count > 0) findingsByCheck[entry.check] = count;
    findings += count;
  }
  const exclusion = config.applicability.find((a) => a.control === control.id && !a.applicable);
  const automation = automationOf(control, mappedIds);
  const result: ControlStatus = {
    id: control.id, title: control.title, theme: control.theme,
    status: statusOf(exclusion !== undefined, findings, automation, coverage),
    automation, findings, checks: [...mappedIds], findingsByCheck,
    checksEvaluated: coverage.evaluated, checksFailed: Object.keys(findingsByCheck),
    coverage, observations: observationsOf(mapped, threshold),
  };
  if (exclusion) {
    result.justification = exclusion.justification;
    if (findings > 0) result.conflict = `excluded in annexa.yaml, but ${findings} in-scope finding${findings === 1 ? '' : 's'} at or above ${threshold} from ${result.checksFailed.join(', ')} contradict the exclusion`;
  }
  const owner = ownerOf(config, control.id);
  if (owner) result.owner = owner;
  return result;
}

/** The owner of a control: its record in `controls`, else the `owners` entry. */
export function ownerOf(config: AnnexaConfig, id: string): string | undefined {
  return config.controls.find((c) => c.control === id)?.owner ?? config.owners.find((o) => o.control === id)?.owner;
}

/** Every Annex A control's status: the one function every consumer (scan reports, SoA) uses. */
export function computePosture(input: PostureInput): ControlStatus[] {
  const { config, checks } = input;
  const evaluation = input.evaluation ?? unscannedRecord(checks, config.checks.disabled);
  const record = new Map(evaluation.checks.map((entry) => [entry.check, entry]));
  const mapped = checksByControl(checks);
  return (input.catalog ?? ISO27001_CONTROLS).map((control) => controlStatus(control, mapped.get(control.id) ?? [], record, config));
}
