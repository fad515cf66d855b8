/**
 * Evidence from watch mode: a scan record of the current estate on a schedule (`--interval`), and
 * one whenever a control's status changes, with the change in its payload (`trigger`): which
 * controls went from what to what, the object changes of that moment, and the findings that
 * appeared on the controls' checks. The record is the same `scan` record `annexa scan --store`
 * writes (findings, posture, evaluation record, Secrets by reference), so trends and bundles read it
 * as any other; failing controls open nonconformities as for any scan.
 */
import type { Check } from '../engine/check.js';
import type { EvidenceStore } from '../evidence/store.js';
import { recordScan, type RecordedScan } from '../evidence/record-scan.js';
import { compactFinding, ScanRecorder } from '../evidence/scan-record.js';
import type { ScanSummary } from '../engine/scan.js';
import type { AnnexaConfig } from '../isms/config.js';
import type { ScanOutcome } from '../posture/outcome.js';
import { redactInputErrors } from '../resources/redact.js';
import { SEVERITIES, type JsonObject, type JsonValue, type Severity } from '../resources/types.js';
import type { FlushEvent } from './watcher.js';
import type { LiveEvaluation } from './live-evaluation.js';

export type RecordReason = 'initial' | 'schedule' | 'posture-change';

/** The scan outcome of the estate as the live evaluation holds it now. */
export function liveOutcome(live: LiveEvaluation, registry: readonly Check[], config: AnnexaConfig, recorder: ScanRecorder): ScanOutcome {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const summary: ScanSummary = { files: 0, resources: live.size, skippedDocuments: 0, findings: 0, outOfScopeFindings: 0, exceptedFindings: 0, bySeverity };
  const findings = [...live.findings()];
  for (const finding of findings) {
    if (finding.outOfScope) summary.outOfScopeFindings += 1;
    else if (finding.excepted) summary.exceptedFindings = (summary.exceptedFindings ?? 0) + 1;
    else {
      summary.findings += 1;
      bySeverity[finding.severity] += 1;
    }
  }
  recorder.inventoryFindings(findings);
  recorder.secrets.push(...live.secretRefs());
  const disabled = new Set(config.checks.disabled);
  return {
    summary,
    evaluation: live.evaluationRecord(),
    errors: redactInputErrors(live.errors()),
    checks: registry.filter((check) => !disabled.has(check.id)),
    inventory: live.inventory(),
    controls: [...live.posture],
  };
}

/** The `trigger` of a record: why it was made and, for a posture change, what changed. */
export function triggerOf(reason: RecordReason, event: FlushEvent | undefined): JsonObject {
  const trigger: JsonObject = { reason };
  if (reason !== 'posture-change' || !event) return trigger;
  trigger.transitions = event.transitions.map((t): JsonObject => ({
    control: t.control, title: t.title, from: t.from, to: t.to, checksFailed: [...t.checksFailed],
    causes: t.causes.map(compactFinding),
  }));
  trigger.changes = event.changes.map((c) => ({ type: c.type, resource: { ...c.resource }, ...(c.resourceVersion ? { resourceVersion: c.resourceVersion } : {}) }) as JsonValue);
  trigger.changeCount = event.changeCount;
  return trigger;
}

export class WatchEvidence {
  /** Records written (for tests and logs). */
  readonly written: Array<{ reason: RecordReason; record: RecordedScan }> = [];

  constructor(
    private readonly store: EvidenceStore,
    private readonly live: LiveEvaluation,
    private readonly config: AnnexaConfig,
    private readonly registry: readonly Check[],
  ) {}

  async record(reason: RecordReason, event?: FlushEvent): Promise<RecordedScan> {
    const recorder = new ScanRecorder();
    const outcome = liveOutcome(this.live, this.registry, this.config, recorder);
    const record = await recordScan(this.store, { command: 'watch', outcome, recorder, config: this.config, units: [], extra: { trigger: triggerOf(reason, event) } });
    this.written.push({ reason, record });
    return record;
  }
}
