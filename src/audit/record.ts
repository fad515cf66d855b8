/**
 * Audit analyses as evidence: one `audit` record with the summary of what was read, and one per
 * detection, appended in one transaction (so a reader never sees a summary without its detections).
 */
import type { EvidenceStore } from '../evidence/store.js';
import type { AppendedRecord, RecordDraft } from '../evidence/types.js';
import type { JsonObject, JsonValue } from '../resources/types.js';
import type { AuditAnalysis, AuditDetectionRecord } from './analyze.js';

export interface AuditSource {
  /** `analyze` (files) or `receive` (webhook batches). */
  via: 'analyze' | 'receive';
  files?: string[];
  /** Receiver: the remote address of the batch. */
  peer?: string;
}

function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

export function detectionDraft(detection: AuditDetectionRecord, analysisId: string | undefined, source: AuditSource): RecordDraft {
  const payload: JsonObject = { kind: 'audit-detection', ...(toJson(detection) as JsonObject) };
  if (analysisId) payload.analysis = analysisId;
  return {
    type: 'audit',
    scope: toJson({ via: source.via, ...(detection.namespace ? { namespace: detection.namespace } : {}) }),
    configDigest: null,
    inputDigest: null,
    payload,
  };
}

export function analysisDraft(analysis: AuditAnalysis, source: AuditSource, id: string): RecordDraft {
  const payload: JsonObject = {
    kind: 'audit-analysis',
    via: source.via,
    events: analysis.events,
    records: analysis.records,
    outsidePeriod: analysis.outsidePeriod,
    errors: analysis.errors.length + analysis.errorsOmitted,
    period: toJson(analysis.period),
    detections: analysis.detections.length,
    summary: toJson(analysis.summary),
    undetermined: toJson(analysis.undetermined.byRule),
    dedupe: toJson(analysis.dedupe),
  };
  if (source.files) payload.files = source.files;
  if (source.peer) payload.peer = source.peer;
  return { id, type: 'audit', scope: toJson({ via: source.via }), configDigest: null, inputDigest: null, payload };
}

/** Appends the analysis summary and its detections; returns the summary record. */
export async function recordAuditAnalysis(store: EvidenceStore, analysis: AuditAnalysis, source: AuditSource, id: string): Promise<AppendedRecord> {
  const drafts = [analysisDraft(analysis, source, id), ...analysis.detections.map((d) => detectionDraft(d, id, source))];
  const [summary] = await store.append(drafts);
  return summary!;
}
