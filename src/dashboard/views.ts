/**
 * The JSON the dashboard API answers with: pure functions of what DashboardData read from the
 * store. Nothing here writes; edits are in edits.ts.
 */
import { ISO27001_CONTROLS, THEMES, isoControl } from '../frameworks/iso27001.js';
import { SEVERITIES, severityRank, isSeverity } from '../resources/types.js';
import type { AnnexaConfig } from '../isms/config.js';
import type { Nonconformity } from '../isms/nonconformities.js';
import type { Trend } from '../evidence/period.js';
import type { VerifyReport } from '../evidence/store.js';
import type { RecordEnvelope } from '../evidence/types.js';
import type { DashboardData, EvidenceLine, LatestScan, StoredControl, StoredFinding } from './data.js';

export interface ScanHeader {
  seq: number;
  id: string;
  time: string;
  scope: string;
  summary: Record<string, unknown>;
}

function header(scan: LatestScan): ScanHeader {
  return { seq: scan.seq, id: scan.id, time: scan.time, scope: scan.scope, summary: scan.summary };
}

/** Posture by theme from the latest scan, and the status counts over all controls. */
export function postureView(data: DashboardData): { scan: ScanHeader | null; themes: Array<{ theme: string; counts: Record<string, number> }>; totals: Record<string, number>; openNonconformities: number } {
  const scan = data.latestScan();
  const totals: Record<string, number> = {};
  const byTheme = new Map<string, Record<string, number>>(THEMES.map((theme) => [theme, {}]));
  for (const control of scan?.posture ?? []) {
    const counts = byTheme.get(control.theme) ?? {};
    byTheme.set(control.theme, counts);
    counts[control.status] = (counts[control.status] ?? 0) + 1;
    totals[control.status] = (totals[control.status] ?? 0) + 1;
  }
  return {
    scan: scan ? header(scan) : null,
    themes: [...byTheme].map(([theme, counts]) => ({ theme, counts })),
    totals,
    openNonconformities: data.nonconformities().filter((nc) => nc.status !== 'closed').length,
  };
}

export interface ControlSummary {
  id: string;
  title: string;
  theme: string;
  status: string;
  findings: number;
  owner?: string;
  automation?: string;
}

function ownerOf(config: AnnexaConfig, id: string, edits: SoaEdit | undefined): string | undefined {
  return edits?.owner ?? config.controls.find((c) => c.control === id)?.owner ?? config.owners.find((o) => o.control === id)?.owner;
}

/** Every Annex A control: its status in the latest scan (`not-scanned` before any), owner and findings. */
export function controlsView(data: DashboardData): { controls: ControlSummary[] } {
  const scan = data.latestScan();
  const posture = new Map((scan?.posture ?? []).map((c) => [c.id, c]));
  const edits = soaEdits(data.ismsRecords());
  return {
    controls: ISO27001_CONTROLS.map((control) => {
      const recorded = posture.get(control.id);
      const summary: ControlSummary = { id: control.id, title: control.title, theme: control.theme, status: recorded?.status ?? 'not-scanned', findings: recorded?.findings ?? 0 };
      const owner = ownerOf(data.config(), control.id, edits.get(control.id));
      if (owner) summary.owner = owner;
      if (recorded?.automation) summary.automation = recorded.automation;
      return summary;
    }),
  };
}

/** An admin's change to a control's SoA entry, kept as an `isms` record (edits.ts writes them). */
export interface SoaEdit {
  control: string;
  applicable?: boolean;
  justification?: string;
  implementationStatus?: string;
  owner?: string;
  note?: string;
  actor: string;
  seq: number;
  time: string;
}

/** The latest SoA edit of each control, fields of later edits over earlier ones. */
export function soaEdits(records: readonly RecordEnvelope[]): Map<string, SoaEdit> {
  const edits = new Map<string, SoaEdit>();
  for (const record of records) {
    const p = record.payload as Record<string, unknown> | null;
    if (!p || p.kind !== 'soa-entry' || typeof p.control !== 'string') continue;
    const merged: SoaEdit = { ...edits.get(p.control), control: p.control, actor: typeof p.actor === 'string' ? p.actor : 'unknown', seq: record.seq, time: record.time };
    if (typeof p.applicable === 'boolean') merged.applicable = p.applicable;
    for (const field of ['justification', 'implementationStatus', 'owner', 'note'] as const) if (typeof p[field] === 'string') merged[field] = p[field] as string;
    edits.set(p.control, merged);
  }
  return edits;
}

export interface SoaEntry {
  applicable: boolean;
  justification: string;
  implementationStatus: string;
  evidence: Array<{ ref: string; title?: string; url?: string; date: string }>;
  lastReview?: string;
  nextReview?: string;
  risks: string[];
  requirements: string[];
  /** Where the entry comes from: the recorded annexa.yaml, overlaid by dashboard edits. */
  editedBy?: { actor: string; seq: number; time: string; note?: string };
}

function soaEntryOf(config: AnnexaConfig, id: string, status: string, edit: SoaEdit | undefined): SoaEntry {
  const applicability = config.applicability.find((a) => a.control === id);
  const record = config.controls.find((c) => c.control === id);
  const entry: SoaEntry = {
    applicable: edit?.applicable ?? applicability?.applicable ?? true,
    justification: edit?.justification ?? applicability?.justification ?? '',
    implementationStatus: edit?.implementationStatus ?? record?.implementationStatus ?? status,
    evidence: (record?.evidence ?? []).map((e) => ({ ...e })),
    risks: [...(record?.risks ?? [])],
    requirements: [...(record?.requirements ?? [])],
  };
  if (record?.lastReview) entry.lastReview = record.lastReview;
  if (record?.nextReview) entry.nextReview = record.nextReview;
  if (edit) entry.editedBy = { actor: edit.actor, seq: edit.seq, time: edit.time, ...(edit.note ? { note: edit.note } : {}) };
  return entry;
}

export interface ControlDetail {
  id: string;
  title: string;
  theme: string;
  kubernetes: string;
  status: string;
  owner?: string;
  posture: StoredControl | null;
  checks: Array<{ id: string; evaluated: boolean; reason?: string; findings: number }>;
  findings: StoredFinding[];
  excepted: StoredFinding[];
  soa: SoaEntry;
  nonconformities: Nonconformity[];
  evidence: EvidenceLine[];
  history: Array<{ seq: number; time: string; status: string }>;
}

function checksOf(posture: StoredControl | undefined): ControlDetail['checks'] {
  if (!posture) return [];
  const notEvaluated = new Map((posture.coverage?.notEvaluated ?? []).map((n) => [n.check, n.reason]));
  return (posture.checks ?? []).map((id) => {
    const reason = notEvaluated.get(id);
    return { id, evaluated: reason === undefined, ...(reason !== undefined ? { reason } : {}), findings: posture.findingsByCheck?.[id] ?? 0 };
  });
}

/** One control: checks, findings, SoA entry, owner, nonconformities, evidence records and its status history. */
export function controlDetailView(data: DashboardData, id: string): ControlDetail | undefined {
  const catalog = isoControl(id);
  if (!catalog) return undefined;
  const scan = data.latestScan();
  const posture = scan?.posture.find((c) => c.id === id);
  const status = posture?.status ?? 'not-scanned';
  const edit = soaEdits(data.ismsRecords()).get(id);
  const about = (f: StoredFinding) => f.controls.includes(id);
  const trend = data.trend();
  const statuses = trend.controls.find((c) => c.id === id)?.statuses ?? [];
  const nonconformities = data.nonconformities().filter((nc) => nc.control === id);
  const ncRecords = new Set(nonconformities.flatMap((nc) => [nc.openedBy, ...nc.history.map((h) => h.record)]));
  const detail: ControlDetail = {
    id, title: catalog.title, theme: catalog.theme, kubernetes: catalog.kubernetes, status,
    posture: posture ?? null,
    checks: checksOf(posture),
    findings: (scan?.findings ?? []).filter(about),
    excepted: (scan?.excepted ?? []).filter(about),
    soa: soaEntryOf(data.config(), id, status, edit),
    nonconformities,
    evidence: data.evidenceLog().filter((line) => line.control === id || ncRecords.has(line.id) || (line.type === 'scan' && line.seq === scan?.seq)),
    history: trend.scans.map((point, i) => ({ seq: point.seq, time: point.time, status: statuses[i] ?? 'absent' })),
  };
  const owner = ownerOf(data.config(), id, edit);
  if (owner) detail.owner = owner;
  return detail;
}

export interface FindingFilter {
  severity?: string;
  namespace?: string;
  check?: string;
  control?: string;
  /** Free text matched against resource name, kind and message. */
  text?: string;
  offset: number;
  limit: number;
}

export const MAX_PAGE = 500;

/** Reads the filter from a query string; undefined fields are not filtered on. */
export function findingFilter(query: URLSearchParams): FindingFilter | string {
  const filter: FindingFilter = { offset: 0, limit: 100 };
  for (const key of ['severity', 'namespace', 'check', 'control', 'text'] as const) {
    const value = query.get(key);
    if (value !== null && value !== '') filter[key] = value;
  }
  if (filter.severity !== undefined && !isSeverity(filter.severity)) return `severity must be one of ${SEVERITIES.join(', ')}`;
  for (const key of ['offset', 'limit'] as const) {
    const raw = query.get(key);
    if (raw === null) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || (key === 'limit' && (value === 0 || value > MAX_PAGE))) return `${key} must be a whole number${key === 'limit' ? ` from 1 to ${MAX_PAGE}` : ''}`;
    filter[key] = value;
  }
  return filter;
}

function matches(finding: StoredFinding, filter: FindingFilter): boolean {
  if (filter.severity && finding.severity !== filter.severity) return false;
  if (filter.namespace !== undefined && (finding.resource.namespace ?? '') !== filter.namespace) return false;
  if (filter.check && finding.checkId !== filter.check) return false;
  if (filter.control && !finding.controls.includes(filter.control)) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    const hay = `${finding.resource.kind} ${finding.resource.name} ${finding.message}`.toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}

function facets(findings: readonly StoredFinding[]): { severities: string[]; namespaces: string[]; checks: string[]; controls: string[] } {
  const namespaces = new Set<string>();
  const checks = new Set<string>();
  const controls = new Set<string>();
  for (const f of findings) {
    namespaces.add(f.resource.namespace ?? '');
    checks.add(f.checkId);
    for (const c of f.controls) controls.add(c);
  }
  return { severities: [...SEVERITIES], namespaces: [...namespaces].sort(), checks: [...checks].sort(), controls: [...controls].sort(compareControlIds) };
}

export function compareControlIds(a: string, b: string): number {
  const pa = a.split('.').map((part) => Number(part.replace(/\D/g, '')));
  const pb = b.split('.').map((part) => Number(part.replace(/\D/g, '')));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Findings of the latest scan (excepted ones with `excepted` set), filtered, most severe first, one page. */
export function findingsView(data: DashboardData, filter: FindingFilter): { scan: ScanHeader | null; total: number; offset: number; findings: StoredFinding[]; facets: ReturnType<typeof facets> } {
  const scan = data.latestScan();
  const all = [...(scan?.findings ?? []), ...(scan?.excepted ?? [])];
  const rank = (f: StoredFinding) => (isSeverity(f.severity) ? severityRank(f.severity) : 0);
  const selected = all.filter((f) => matches(f, filter)).sort((a, b) => rank(b) - rank(a));
  return { scan: scan ? header(scan) : null, total: selected.length, offset: filter.offset, findings: selected.slice(filter.offset, filter.offset + filter.limit), facets: facets(all) };
}

export type Verification = 'verified' | 'broken' | 'after-break';

/** The evidence log, newest first, each record with its verification status from the chain check. */
export function evidenceView(log: readonly EvidenceLine[], report: VerifyReport, query: URLSearchParams): { ok: boolean; records: number; head: VerifyReport['head'] | null; checkpoints: number; key: VerifyReport['key']; problem: VerifyReport['problem'] | null; entries: Array<EvidenceLine & { verification: Verification }> } {
  const type = query.get('type');
  const limit = Math.min(MAX_PAGE, Math.max(1, Number(query.get('limit') ?? 200) || 200));
  const brokenAt = report.problem?.seq;
  const status = (seq: number): Verification => (brokenAt === undefined || seq < brokenAt ? 'verified' : seq === brokenAt ? 'broken' : 'after-break');
  const entries = log.filter((line) => !type || line.type === type).slice(-limit).reverse().map((line) => ({ ...line, verification: status(line.seq) }));
  return { ok: report.ok, records: report.records, head: report.head ?? null, checkpoints: report.checkpoints, key: report.key, problem: report.problem ?? null, entries };
}

export interface ExceptionView {
  check: string;
  resource: { kind: string; namespace?: string; name: string; apiVersion?: string };
  justification: string;
  approvedBy: string;
  expires: string;
  ticket?: string;
  state: 'active' | 'expiring' | 'expired';
  daysLeft: number;
  /** Findings of the latest scan this exception accepted. */
  findings: number;
  /** Admins' review decisions recorded from the dashboard, oldest first. */
  reviews: Array<{ decision: string; note: string; actor: string; seq: number; time: string }>;
}

function reviewKey(check: string, resource: { kind: string; namespace?: string; name: string }): string {
  return `${check}|${resource.kind}|${resource.namespace ?? ''}|${resource.name}`;
}

/** Exception reviews recorded as `isms` records, by exception. */
function exceptionReviews(records: readonly RecordEnvelope[]): Map<string, ExceptionView['reviews']> {
  const reviews = new Map<string, ExceptionView['reviews']>();
  for (const record of records) {
    const p = record.payload as { kind?: unknown; check?: unknown; resource?: { kind: string; namespace?: string; name: string }; decision?: unknown; note?: unknown; actor?: unknown } | null;
    if (!p || p.kind !== 'exception-review' || typeof p.check !== 'string' || !p.resource) continue;
    const key = reviewKey(p.check, p.resource);
    const list = reviews.get(key) ?? [];
    list.push({ decision: String(p.decision), note: String(p.note ?? ''), actor: String(p.actor ?? 'unknown'), seq: record.seq, time: record.time });
    reviews.set(key, list);
  }
  return reviews;
}

const DAY_MS = 86_400_000;

/** The exceptions of the config in force, with expiry state (expiring: 30 days or fewer left) and the findings they accept. */
export function exceptionsView(data: DashboardData, now: Date): { exceptions: ExceptionView[] } {
  const excepted = data.latestScan()?.excepted ?? [];
  const today = Date.parse(now.toISOString().slice(0, 10));
  const reviews = exceptionReviews(data.ismsRecords());
  return {
    exceptions: data.config().exceptions.map((exception) => {
      const daysLeft = Math.round((Date.parse(`${exception.expires}T00:00:00Z`) - today) / DAY_MS);
      const accepted = excepted.filter((f) => f.checkId === exception.check && f.resource.kind === exception.resource.kind && f.resource.name === exception.resource.name
        && (exception.resource.namespace === undefined || f.resource.namespace === exception.resource.namespace));
      const view: ExceptionView = {
        check: exception.check, resource: { ...exception.resource }, justification: exception.justification, approvedBy: exception.approvedBy, expires: exception.expires,
        state: daysLeft < 0 ? 'expired' : daysLeft <= 30 ? 'expiring' : 'active', daysLeft, findings: accepted.length,
        reviews: reviews.get(reviewKey(exception.check, exception.resource)) ?? [],
      };
      if (exception.ticket) view.ticket = exception.ticket;
      return view;
    }),
  };
}

export function nonconformitiesView(data: DashboardData): { nonconformities: Nonconformity[] } {
  return { nonconformities: data.nonconformities() };
}

export function trendView(data: DashboardData): Trend {
  return data.trend();
}
