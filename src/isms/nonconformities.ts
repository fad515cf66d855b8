/**
 * Nonconformities (ISO/IEC 27001 clause 10.2) kept as `isms` evidence records: opened
 * automatically when a control fails in a recorded scan (one per control and scope), moved through
 * open → corrective-action → verified → closed with `annexa isms nc`, and closed only when a later
 * recorded scan of the same scope shows the control passing. The current state of each is the fold
 * of its records; nothing is ever edited in place.
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../resources/types.js';
import type { RecordDraft, RecordEnvelope } from '../evidence/types.js';
import type { ControlStatus } from '../posture/posture.js';

export const NC_STATUSES = ['open', 'corrective-action', 'verified', 'closed'] as const;
export type NcStatus = (typeof NC_STATUSES)[number];

export interface Nonconformity {
  id: string;
  control: string;
  scope: string;
  status: NcStatus;
  owner?: string;
  rootCause?: string;
  correctiveAction?: string;
  dueDate?: string;
  /** Evidence record that opened it (a scan, or an incident review). */
  openedBy: string;
  openedSeq: number;
  openedAt: string;
  source: 'scan' | 'incident';
  /** The checks whose findings failed the control when it was opened (empty when opened by hand). */
  checks: string[];
  /** Every record about it, in order: the trail an auditor follows. */
  history: Array<{ seq: number; record: string; time: string; event: string; detail?: string }>;
}

/** The scope name a record was made for. */
export function scopeName(scope: unknown): string {
  return scope && typeof scope === 'object' && !Array.isArray(scope) && typeof (scope as JsonObject).name === 'string' ? (scope as JsonObject).name as string : String(scope);
}

export interface NcPayload {
  kind: 'nonconformity';
  event: 'opened' | 'updated' | 'closed';
  nc: string;
  control?: string;
  scope?: string;
  owner?: string;
  status?: NcStatus;
  rootCause?: string;
  correctiveAction?: string;
  dueDate?: string;
  note?: string;
  source?: 'scan' | 'incident';
  evidence?: string;
  /** The checks whose findings failed the control when the nonconformity was opened. */
  checks?: string[];
}

function isNcPayload(payload: unknown): payload is NcPayload {
  return Boolean(payload) && typeof payload === 'object' && (payload as { kind?: unknown }).kind === 'nonconformity';
}

/** Folds isms records (in seq order) into the nonconformities they describe. */
export function foldNonconformities(records: Iterable<RecordEnvelope>): Map<string, Nonconformity> {
  const all = new Map<string, Nonconformity>();
  for (const record of records) {
    if (!isNcPayload(record.payload)) continue;
    const p = record.payload;
    if (p.event === 'opened') {
      const nc: Nonconformity = {
        id: p.nc, control: p.control ?? '?', scope: p.scope ?? scopeName(record.scope), status: 'open',
        openedBy: p.evidence ?? record.id, openedSeq: record.seq, openedAt: record.time, source: p.source ?? 'scan', checks: p.checks ?? [], history: [],
      };
      if (p.owner) nc.owner = p.owner;
      if (p.correctiveAction) nc.correctiveAction = p.correctiveAction;
      all.set(p.nc, nc);
    }
    const nc = all.get(p.nc);
    if (!nc) continue;
    if (p.status) nc.status = p.status;
    if (p.event === 'closed') nc.status = 'closed';
    if (p.rootCause !== undefined) nc.rootCause = p.rootCause;
    if (p.correctiveAction !== undefined) nc.correctiveAction = p.correctiveAction;
    if (p.dueDate !== undefined) nc.dueDate = p.dueDate;
    if (p.owner !== undefined) nc.owner = p.owner;
    const entry: Nonconformity['history'][number] = { seq: record.seq, record: record.id, time: record.time, event: p.event === 'updated' && p.status ? `status ${p.status}` : p.event };
    if (p.note) entry.detail = p.note;
    nc.history.push(entry);
  }
  return all;
}

export function newNcId(): string {
  return `NC-${randomUUID().slice(0, 8)}`;
}

export function ncDraft(scope: JsonObject, payload: NcPayload): RecordDraft {
  return { type: 'isms', scope, configDigest: null, inputDigest: null, payload: payload as unknown as JsonObject };
}

/** Drafts opening a nonconformity for each control the scan fails that has none open for its scope. */
export function autoOpenDrafts(controls: readonly ControlStatus[], scope: JsonObject, scanRecordId: string, existing: ReadonlyMap<string, Nonconformity>): RecordDraft[] {
  const name = scopeName(scope);
  const openControls = new Set([...existing.values()].filter((nc) => nc.status !== 'closed' && nc.scope === name).map((nc) => nc.control));
  return controls.filter((control) => control.status === 'fail' && !openControls.has(control.id)).map((control) => {
    const payload: NcPayload = {
      kind: 'nonconformity', event: 'opened', nc: newNcId(), control: control.id, scope: name, source: 'scan', evidence: scanRecordId,
      note: `${control.findings} finding${control.findings === 1 ? '' : 's'} from ${control.checksFailed.join(', ')}`,
      checks: [...control.checksFailed],
    };
    if (control.owner) payload.owner = control.owner;
    return ncDraft(scope, payload);
  });
}

interface RecordedControl {
  id: string;
  status: string;
  coverage?: { evaluated?: string[] };
}

function recordedControl(scan: RecordEnvelope, control: string): RecordedControl | undefined {
  const posture = (scan.payload as { posture?: RecordedControl[] }).posture;
  return posture?.find((c) => c.id === control);
}

/**
 * Whether a recorded scan shows the nonconformity corrected: the control passes, or (for a control
 * only partly automatable, which never shows `pass`) it is `partial` and every check that failed it
 * was evaluated again and found nothing at the failing threshold. A check that was disabled or did
 * not run cannot close it.
 */
function showsCorrected(nc: Nonconformity, recorded: RecordedControl | undefined): boolean {
  if (!recorded) return false;
  if (recorded.status === 'pass') return true;
  const evaluated = new Set(recorded.coverage?.evaluated ?? []);
  return recorded.status === 'partial' && nc.checks.length > 0 && nc.checks.every((check) => evaluated.has(check));
}

export class NcTransitionError extends Error {}

/** Checks that `to` may follow the nonconformity's current status (forward only; closing needs a passing scan). */
export function checkTransition(nc: Nonconformity, to: NcStatus, latestScanAfterOpening: RecordEnvelope | undefined): void {
  const from = NC_STATUSES.indexOf(nc.status);
  const target = NC_STATUSES.indexOf(to);
  if (nc.status === 'closed') throw new NcTransitionError(`${nc.id} is closed`);
  if (target < from) throw new NcTransitionError(`${nc.id} is ${nc.status}: statuses only move forward (${NC_STATUSES.join(' → ')})`);
  if (to !== 'closed') return;
  if (!latestScanAfterOpening) throw new NcTransitionError(`${nc.id} cannot be closed: no scan of scope "${nc.scope}" was recorded after it was opened`);
  const recorded = recordedControl(latestScanAfterOpening, nc.control);
  if (!showsCorrected(nc, recorded)) {
    const why = recorded?.status === 'partial' ? `partial without a new evaluation of ${nc.checks.join(', ') || 'the checks that failed it'}` : recorded?.status ?? 'absent';
    throw new NcTransitionError(`${nc.id} cannot be closed: the latest recorded scan of scope "${nc.scope}" (record ${latestScanAfterOpening.seq}, ${latestScanAfterOpening.time}) shows ${nc.control} as ${why}, not passing`);
  }
}
