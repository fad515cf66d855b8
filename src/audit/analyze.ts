/**
 * The audit pipeline: records from the reader → period filter → one event per request (dedupe.ts)
 * → every detection → detections, with bursts aggregated per key and window. Holds no events beyond
 * the dedupe window and the burst keys' last `threshold` timestamps, so memory stays flat in log size.
 */
import type { ControlRefs, JsonObject, Severity } from '../resources/types.js';
import { makeConfig, type AnnexaConfig } from '../isms/config.js';
import { eventTime, resourcePath, timeMillis, type AuditEvent } from './event.js';
import type { AuditRecord, ReadError } from './reader.js';
import { readAuditFile } from './reader.js';
import { DEFAULT_DEDUPE_WINDOW, StageDeduplicator } from './dedupe.js';
import { isHit, type BurstDetection, type BurstSettings, type Detection, type DetectionContext, type EventDetection } from './detection.js';
import { auditDetections } from './detections/index.js';
import { auditWorkloadChecks } from './workload.js';

export const DEFAULT_BURST: BurstSettings = { threshold: 10, windowSeconds: 60 };
/** Errors kept in the result; the rest are counted (a binary file would otherwise give one per line). */
const MAX_ERRORS = 1000;
const MAX_UNDETERMINED_SAMPLES = 20;

export interface AuditDetectionRecord {
  ruleId: string;
  severity: Severity;
  time: string;
  auditID: string;
  user: string;
  impersonatedUser?: string;
  verb: string;
  resource: string;
  namespace: string;
  name: string;
  sourceIPs: string[];
  message: string;
  controls: ControlRefs;
  /** Burst detections: events counted in the window. */
  count?: number;
  details?: JsonObject;
  file?: string;
  line?: number;
}

export interface UndeterminedSample {
  ruleId: string;
  auditID: string;
  time: string;
  file?: string;
  line?: number;
  reason: string;
}

export interface AuditAnalysis {
  /** Requests evaluated (after merging the stages of each request and the period filter). */
  events: number;
  /** Event records read, every stage counted. */
  records: number;
  /** Records outside --since/--until (or without a time while a period was given). */
  outsidePeriod: number;
  errors: ReadError[];
  errorsOmitted: number;
  detections: AuditDetectionRecord[];
  /** Events a detection applied to but could not decide: the audit level left out the object. */
  undetermined: { byRule: Record<string, number>; samples: UndeterminedSample[] };
  dedupe: { window: number; merged: number; evictedEarly: number };
  period: { first?: string; last?: string };
  summary: { byRule: Record<string, number>; byUser: Record<string, number>; bySeverity: Record<string, number> };
}

export interface AnalyzerOptions {
  since?: Date;
  until?: Date;
  burst?: Partial<BurstSettings>;
  dedupeWindow?: number;
  detections?: readonly Detection[];
  config?: AnnexaConfig;
}

interface BurstState {
  /** The last `threshold` event times (ms), oldest first. */
  times: number[];
  /** The open detection of this key and when its window ends. */
  open?: { record: AuditDetectionRecord; until: number };
}

export class AuditAnalyzer {
  private readonly eventDetections: EventDetection[];
  private readonly burstDetections: BurstDetection[];
  private readonly ctx: DetectionContext;
  private readonly dedupe: StageDeduplicator<AuditRecord>;
  private readonly burst: BurstSettings;
  private readonly bursts = new Map<string, BurstState>();
  private readonly since: number;
  private readonly until: number;
  private readonly ready: AuditRecord[] = [];
  readonly result: AuditAnalysis;

  constructor(options: AnalyzerOptions = {}) {
    const detections = options.detections ?? auditDetections;
    this.eventDetections = detections.filter((d): d is EventDetection => d.kind === 'event');
    this.burstDetections = detections.filter((d): d is BurstDetection => d.kind === 'burst');
    this.ctx = { workloadChecks: auditWorkloadChecks(), checkContext: { config: options.config ?? makeConfig() } };
    const window = options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW;
    this.dedupe = new StageDeduplicator(window);
    this.burst = { ...DEFAULT_BURST, ...options.burst };
    this.since = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
    this.until = options.until?.getTime() ?? Number.POSITIVE_INFINITY;
    this.result = {
      events: 0, records: 0, outsidePeriod: 0, errors: [], errorsOmitted: 0, detections: [],
      undetermined: { byRule: {}, samples: [] },
      dedupe: { window, merged: 0, evictedEarly: 0 },
      period: {},
      summary: { byRule: {}, byUser: {}, bySeverity: {} },
    };
  }

  error(error: ReadError): void {
    if (this.result.errors.length < MAX_ERRORS) this.result.errors.push(error);
    else this.result.errorsOmitted += 1;
  }

  /** Takes one record; returns the detections it completed (none until its request's final stage). */
  push(record: AuditRecord): AuditDetectionRecord[] {
    this.result.records += 1;
    if (this.since !== Number.NEGATIVE_INFINITY || this.until !== Number.POSITIVE_INFINITY) {
      const t = timeMillis(eventTime(record.event));
      if (!(t >= this.since && t < this.until)) {
        this.result.outsidePeriod += 1;
        return [];
      }
    }
    this.dedupe.push(record, this.ready);
    return this.drain();
  }

  /** At the end of the input: requests whose final stage never came are evaluated as they are. */
  finish(): AuditDetectionRecord[] {
    this.dedupe.flush(this.ready);
    const found = this.drain();
    this.result.dedupe.merged = this.dedupe.stats.merged;
    this.result.dedupe.evictedEarly = this.dedupe.stats.evictedEarly;
    return found;
  }

  private drain(): AuditDetectionRecord[] {
    if (this.ready.length === 0) return [];
    const found: AuditDetectionRecord[] = [];
    for (const record of this.ready) this.evaluate(record, found);
    this.ready.length = 0;
    return found;
  }

  private evaluate(record: AuditRecord, found: AuditDetectionRecord[]): void {
    const { event } = record;
    this.result.events += 1;
    const time = eventTime(event) ?? '';
    if (time) {
      if (this.result.period.first === undefined || time < this.result.period.first) this.result.period.first = time;
      if (this.result.period.last === undefined || time > this.result.period.last) this.result.period.last = time;
    }
    for (const detection of this.eventDetections) {
      const outcome = detection.detect(event, this.ctx);
      if (outcome === undefined) continue;
      if (isHit(outcome)) {
        const out = detectionRecord(detection, record, outcome.message, outcome.severity ?? detection.severity, time);
        if (outcome.details) out.details = outcome.details;
        this.add(out, found);
      } else {
        this.noteUndetermined(detection.id, record, time, outcome.undetermined);
      }
    }
    for (const detection of this.burstDetections) {
      const keys = detection.keys(event);
      for (const key of keys) this.countBurst(detection, key, record, time, found);
    }
  }

  private add(record: AuditDetectionRecord, found: AuditDetectionRecord[]): void {
    this.result.detections.push(record);
    found.push(record);
    const { summary } = this.result;
    summary.byRule[record.ruleId] = (summary.byRule[record.ruleId] ?? 0) + 1;
    summary.byUser[record.user] = (summary.byUser[record.user] ?? 0) + 1;
    summary.bySeverity[record.severity] = (summary.bySeverity[record.severity] ?? 0) + 1;
  }

  private noteUndetermined(ruleId: string, record: AuditRecord, time: string, reason: string): void {
    const { undetermined } = this.result;
    undetermined.byRule[ruleId] = (undetermined.byRule[ruleId] ?? 0) + 1;
    if (undetermined.samples.length < MAX_UNDETERMINED_SAMPLES) {
      undetermined.samples.push({ ruleId, auditID: record.event.auditID ?? '', time, file: record.file, line: record.line, reason });
    }
  }

  /**
   * One detection per key and window: fires when `threshold` events fall within `windowSeconds`,
   * then counts further events of the key into it until the window (from the first counted event) ends.
   */
  private countBurst(detection: BurstDetection, key: string, record: AuditRecord, time: string, found: AuditDetectionRecord[]): void {
    const t = timeMillis(time);
    if (Number.isNaN(t)) return;
    const stateKey = `${detection.id}\u0000${key}`;
    let state = this.bursts.get(stateKey);
    if (!state) {
      if (this.bursts.size >= 100_000) this.sweepBursts(t);
      state = { times: [] };
      this.bursts.set(stateKey, state);
    }
    const { threshold, windowSeconds } = this.burst;
    const windowMs = windowSeconds * 1000;
    if (state.open && t < state.open.until) {
      const open = state.open.record;
      open.count = (open.count ?? 0) + 1;
      open.message = detection.describe(key, open.count, this.burst);
      return;
    }
    state.open = undefined;
    state.times.push(t);
    if (state.times.length > threshold) state.times.shift();
    const first = state.times[0]!;
    if (state.times.length < threshold || t - first > windowMs) return;
    const out = detectionRecord(detection, record, detection.describe(key, threshold, this.burst), detection.severity, time);
    out.count = threshold;
    out.details = { key, windowStart: new Date(first).toISOString(), windowSeconds, threshold };
    state.open = { record: out, until: first + windowMs };
    state.times = [];
    this.add(out, found);
  }

  /** Forgets keys with nothing in the last window (bounds the key map on logs with many identities). */
  private sweepBursts(now: number): void {
    const windowMs = this.burst.windowSeconds * 1000;
    for (const [key, state] of this.bursts) {
      const last = state.times[state.times.length - 1] ?? state.open?.until ?? Number.NEGATIVE_INFINITY;
      if (now - last > windowMs) this.bursts.delete(key);
    }
  }
}

function detectionRecord(detection: Detection, record: AuditRecord, message: string, severity: Severity, time: string): AuditDetectionRecord {
  const event: AuditEvent = record.event;
  const ref = event.objectRef ?? {};
  const out: AuditDetectionRecord = {
    ruleId: detection.id,
    severity,
    time,
    auditID: event.auditID ?? '',
    user: event.user?.username ?? '',
    verb: event.verb ?? '',
    resource: resourcePath(event),
    namespace: ref.namespace ?? '',
    name: ref.name ?? '',
    sourceIPs: event.sourceIPs ?? [],
    message,
    controls: detection.controls,
    file: record.file,
    line: record.line,
  };
  if (event.impersonatedUser?.username) out.impersonatedUser = event.impersonatedUser.username;
  return out;
}

/** Analyzes audit log files in order, streaming each. */
export async function analyzeFiles(files: readonly string[], options: AnalyzerOptions = {}): Promise<AuditAnalysis> {
  const analyzer = new AuditAnalyzer(options);
  const onError = (error: ReadError) => analyzer.error(error);
  for (const file of files) {
    for await (const record of readAuditFile(file, { onError })) analyzer.push(record);
  }
  analyzer.finish();
  return analyzer.result;
}

/** Analyzes records already in memory (tests, the receiver's batches). */
export function analyzeRecords(records: Iterable<AuditRecord>, options: AnalyzerOptions = {}): AuditAnalysis {
  const analyzer = new AuditAnalyzer(options);
  for (const record of records) analyzer.push(record);
  analyzer.finish();
  return analyzer.result;
}
