/**
 * What the dashboard shows, read from the evidence store: the latest recorded scan (posture,
 * findings, excepted findings, the config it ran with), a slim copy of every scan's posture for the
 * trend, every `isms` record (nonconformities, SoA edits) and one line per record for the evidence
 * log. Reads are incremental: each refresh asks the store only for rows after the last one seen,
 * so a request costs one query however large the store is.
 */
import { buildTrend, type Trend } from '../evidence/period.js';
import type { EvidenceStore, VerifyReport } from '../evidence/store.js';
import type { RecordEnvelope, StoredRow } from '../evidence/types.js';
import { configSchema, DEFAULT_CONFIG, type AnnexaConfig } from '../isms/config.js';
import { foldNonconformities, scopeName, type Nonconformity } from '../isms/nonconformities.js';
import type { JsonObject } from '../resources/types.js';
import { summaryOf } from '../cli/evidence.js';

const PAGE = 2000;

/** A recorded finding as the store keeps it (compactFinding). */
export interface StoredFinding {
  checkId: string;
  severity: string;
  resource: { apiVersion?: string; kind: string; namespace?: string; name: string };
  path: string;
  message: string;
  controls: string[];
  location?: { file?: string; line?: number; column?: number };
  excepted?: { check: string; justification: string; approvedBy: string; expires: string; ticket?: string };
}

/** A control's entry in a recorded scan's posture (posture/posture.ts ControlStatus, as JSON). */
export interface StoredControl {
  id: string;
  title: string;
  theme: string;
  status: string;
  automation?: string;
  findings?: number;
  checks?: string[];
  findingsByCheck?: Record<string, number>;
  checksFailed?: string[];
  coverage?: { evaluated?: string[]; notEvaluated?: Array<{ check: string; reason: string }> };
  observations?: Array<{ check: string; severity: string; findings: number }>;
  owner?: string;
  justification?: string;
  conflict?: string;
}

export interface LatestScan {
  seq: number;
  id: string;
  time: string;
  scope: string;
  summary: JsonObject;
  posture: StoredControl[];
  findings: StoredFinding[];
  excepted: StoredFinding[];
  config: AnnexaConfig;
}

/** One line of the evidence log. */
export interface EvidenceLine {
  seq: number;
  id: string;
  type: string;
  time: string;
  scope: string;
  summary: string;
  hash: string;
  /** Annex A controls the record is about (a scan: none listed here; an isms record: its control). */
  control?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function arrayOf<T>(value: unknown, accept: (item: unknown) => boolean): T[] {
  return Array.isArray(value) ? (value.filter(accept) as T[]) : [];
}

const isFinding = (item: unknown) => isObject(item) && typeof item.checkId === 'string' && isObject(item.resource);
const isControl = (item: unknown) => isObject(item) && typeof item.id === 'string' && typeof item.status === 'string';

/** The config a scan ran with, as recorded; the defaults when the record holds none that validates. */
function recordedConfig(value: unknown): AnnexaConfig {
  const parsed = configSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : DEFAULT_CONFIG;
}

function latestScanOf(record: RecordEnvelope): LatestScan {
  const payload = isObject(record.payload) ? record.payload : {};
  return {
    seq: record.seq, id: record.id, time: record.time, scope: scopeName(record.scope),
    summary: isObject(payload.summary) ? (payload.summary as JsonObject) : {},
    posture: arrayOf<StoredControl>(payload.posture, isControl),
    findings: arrayOf<StoredFinding>(payload.findings, isFinding),
    excepted: arrayOf<StoredFinding>(payload.excepted, isFinding),
    config: recordedConfig(payload.config),
  };
}

/** What the trend needs of a scan: its posture statuses only (one entry per control). */
function slimScan(record: RecordEnvelope): RecordEnvelope {
  const posture = arrayOf<StoredControl>(isObject(record.payload) ? record.payload.posture : undefined, isControl)
    .map(({ id, title, theme, status }) => ({ id, title, theme, status }));
  return { ...record, payload: { posture } };
}

function controlOf(record: RecordEnvelope): string | undefined {
  return isObject(record.payload) && typeof record.payload.control === 'string' ? record.payload.control : undefined;
}

export class DashboardData {
  private lastSeq = 0;
  private latest: LatestScan | undefined;
  private readonly scans: RecordEnvelope[] = [];
  private readonly isms: RecordEnvelope[] = [];
  private readonly log: EvidenceLine[] = [];
  private verified: { seq: number; at: number; report: VerifyReport } | undefined;
  private refreshing: Promise<void> | undefined;
  /** Views computed from the records read so far; emptied when a record is added. */
  private readonly memo = new Map<string, unknown>();

  private readonly verifyMaxAgeMs: number;
  private readonly now: () => number;

  /**
   * `verifyMaxAgeMs`: how long a chain verification is reused while nothing was appended (rows
   * changed in place, which only a new verification reveals, show within that time).
   */
  constructor(readonly store: EvidenceStore, options: { verifyMaxAgeMs?: number; now?: () => number } = {}) {
    this.verifyMaxAgeMs = options.verifyMaxAgeMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** Reads the rows appended since the last refresh; concurrent callers share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.readNewRows().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async readNewRows(): Promise<void> {
    for (;;) {
      const page = await this.store.backend.page(this.lastSeq, PAGE);
      for (const row of page) this.add(row);
      if (page.length < PAGE) return;
    }
  }

  private add(row: StoredRow): void {
    const record = JSON.parse(row.body) as RecordEnvelope;
    this.lastSeq = row.seq;
    this.memo.clear();
    const line: EvidenceLine = { seq: record.seq, id: record.id, type: record.type, time: record.time, scope: scopeName(record.scope), summary: summaryOf(record), hash: row.hash };
    const control = controlOf(record);
    if (control) line.control = control;
    this.log.push(line);
    if (record.type === 'scan') {
      this.latest = latestScanOf(record);
      this.scans.push(slimScan(record));
    } else if (record.type === 'isms') {
      this.isms.push(record);
    }
  }

  get head(): number {
    return this.lastSeq;
  }

  latestScan(): LatestScan | undefined {
    return this.latest;
  }

  /** The config in force: the one the latest recorded scan ran with. */
  config(): AnnexaConfig {
    return this.latest?.config ?? DEFAULT_CONFIG;
  }

  /** `compute()` once per state of the store: views are recomputed only after records were added. */
  private cached<T>(key: string, compute: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, compute());
    return this.memo.get(key) as T;
  }

  trend(): Trend {
    return this.cached('trend', () => buildTrend(this.scans));
  }

  nonconformities(): Nonconformity[] {
    return this.cached('nonconformities', () => [...foldNonconformities(this.isms).values()]);
  }

  ismsRecords(): readonly RecordEnvelope[] {
    return this.isms;
  }

  /** The latest scan of a scope recorded after `seq` (what closing a nonconformity is judged on). */
  latestScanOfScopeAfter(scope: string, seq: number): RecordEnvelope | undefined {
    return this.scans.filter((scan) => scan.seq > seq && scopeName(scan.scope) === scope).at(-1);
  }

  evidenceLog(): readonly EvidenceLine[] {
    return this.log;
  }

  /** The chain's verification, recomputed when records were appended or the last one is older than verifyMaxAgeMs. */
  async verification(): Promise<VerifyReport> {
    const fresh = this.verified && this.verified.seq === this.lastSeq && this.now() - this.verified.at < this.verifyMaxAgeMs;
    if (!fresh) this.verified = { seq: this.lastSeq, at: this.now(), report: await this.store.verify() };
    return this.verified!.report;
  }
}
