/**
 * The Statement of Applicability (ISO/IEC 27001:2022 clause 6.1.3 d) under document control: a
 * header (version, owner, approver, approval and review dates, scope, tool and catalogue versions,
 * config and input digests, assessment time, the configuration that shaped the result), then one
 * row per Annex A control and per organisation-specific control with applicability, the inclusion
 * justification (linked risks and requirements, or a default marked as such), the implementation
 * status (recorded, else from the scan; never blank), owner, responsibility and the evidence that
 * exists (the scan with its time and digest, the recorded documents). Exclusions contradicted by
 * failing findings and records contradicted by the scan are listed as conflicts.
 */
import type { Check } from '../engine/check.js';
import type { ScanSink, ScannedResource } from '../engine/scan.js';
import type { Finding } from '../resources/types.js';
import { matchesNamespacePattern, type AnnexaConfig } from '../isms/config.js';
import type { ControlRecord, EvidenceRef, ImplementationStatus, Responsibility } from '../isms/records.js';
import type { Theme } from '../frameworks/annex-a-titles.js';
import { ISO27001_FRAMEWORK, CATALOG_VERSION, catalogDigest, isoControl } from '../frameworks/iso27001.js';
import type { Automation } from '../frameworks/types.js';
import { computePosture, type ControlCoverage, type ControlStatus, type ControlStatusValue, type FailThreshold } from './posture.js';
import type { ScanOutcome } from './outcome.js';

export interface SoaCheckEvidence {
  id: string;
  /** Whether the check was evaluated on in-scope resources of the kinds it needs. */
  evaluated: boolean;
  /** Why not, when it was not. */
  reason?: string;
  /** In-scope findings at or above the failing threshold (present only after a scan). */
  findings?: number;
  /** In-scope findings below the threshold (observations; present only after a scan). */
  belowThreshold?: number;
}

export interface SoaScanReference {
  /** RFC 3339 UTC. */
  time: string;
  inputDigest: string;
  resources: number;
}

export interface SoaEvidence {
  /** The scan this statement was assessed from (absent without one). */
  scan?: SoaScanReference;
  checks: SoaCheckEvidence[];
  /** Documents, tickets and records listed in annexa.yaml. */
  documents: EvidenceRef[];
  /** Other tools whose imported results the status rests on (`soa --with`, src/interop/). */
  importedFrom?: string[];
  /** Running images no imported vulnerability report covers (A.8.8). */
  imagesWithoutVulnerabilityReport?: string[];
  /** The record the catalog expects a person to keep (guidance, not evidence). */
  expected: string;
}

export type ImplementationValue = ImplementationStatus | ControlStatusValue | 'not-recorded';

export interface SoaRow {
  id: string;
  title: string;
  theme: Theme | 'organisation-specific';
  applicable: boolean;
  justification: string;
  /** `record`: linked risks or requirements; `config`: an applicability entry; `default`: the catalog's stated default. */
  justificationSource: 'record' | 'config' | 'default';
  risks: Array<{ id: string; title: string }>;
  requirements: Array<{ id: string; title: string }>;
  /** Automated posture status (`manual` for organisation-specific controls). */
  status: ControlStatusValue;
  automation: Automation;
  /** The recorded implementation status, else the automated status; `not-recorded` when neither exists. */
  implementationStatus: ImplementationValue;
  implementationSource: 'record' | 'scan' | 'none';
  coverage?: ControlCoverage;
  evidence: SoaEvidence;
  owner?: string;
  responsibility: Responsibility;
  supplierControls: string[];
  lastReview?: string;
  nextReview?: string;
  /** The record's next review date has passed at assessment time. */
  reviewOverdue: boolean;
  conflicts: string[];
}

export interface SoaExcludedNamespace {
  name: string;
  justification: string;
  /** Resources and findings seen in it during the scan (not counted against controls). */
  resources?: number;
  findings?: number;
}

export interface SoaScope {
  name: string;
  clusters: string[];
  include: string[];
  exclude: SoaExcludedNamespace[];
}

export interface SoaAssessment {
  files: number;
  resources: number;
  findings: number;
  outOfScopeFindings: number;
  inputErrors: number;
}

export interface SoaDocument {
  title: string;
  version?: string;
  owner?: string;
  approver?: string;
  approvalDate?: string;
  nextReview?: string;
  classification?: string;
  /** Document-control fields annexa.yaml does not set (the statement is a draft until they are). */
  missing: string[];
  reviewOverdue: boolean;
}

export interface SoaProvenance {
  tool: { name: string; version: string };
  /** Catalogue edition and a digest of its guidance, attributes and the check mappings in force. */
  catalogue: { framework: string; version: string; digest: string };
  /** sha256 of the annexa.yaml bytes, or of the default configuration when there is none. */
  configDigest: string;
  configFile?: string;
  /** sha256 over the scanned input (absent without a scan). */
  inputDigest?: string;
  /** RFC 3339 UTC. */
  assessedAt: string;
}

/** The configuration that shaped the result. */
export interface SoaSettings {
  failOn: FailThreshold;
  crossResource: boolean;
  disabledChecks: string[];
  severityOverrides: Record<string, string>;
  excludedControls: Array<{ control: string; justification: string }>;
}

export interface StatementOfApplicability {
  framework: string;
  /** RFC 3339 UTC (same as provenance.assessedAt). */
  generated: string;
  document: SoaDocument;
  provenance: SoaProvenance;
  settings: SoaSettings;
  scope: SoaScope;
  /** Present when the status comes from a scan of manifests. */
  assessment?: SoaAssessment;
  controls: SoaRow[];
  /** Every row's conflicts, as `id: conflict` (also on the rows). */
  conflicts: string[];
}

/** Scan sink that counts resources and findings per excluded namespace pattern. */
export class ScopeCollector implements ScanSink {
  private readonly resources = new Map<string, number>();
  private readonly findings = new Map<string, number>();

  constructor(private readonly config: AnnexaConfig) {}

  resource(scanned: ScannedResource): void {
    const { ref } = scanned;
    const pattern = this.patternOf(ref.namespace ?? (ref.kind === 'Namespace' ? ref.name : undefined));
    if (pattern !== undefined) this.resources.set(pattern, (this.resources.get(pattern) ?? 0) + 1);
    this.countFindings(scanned.findings);
  }

  inventoryFindings(findings: Finding[]): void {
    this.countFindings(findings);
  }

  excluded(): SoaExcludedNamespace[] {
    return this.config.scope.namespaces.exclude.map(({ name, justification }) => ({
      name, justification, resources: this.resources.get(name) ?? 0, findings: this.findings.get(name) ?? 0,
    }));
  }

  private countFindings(findings: readonly Finding[]): void {
    for (const finding of findings) {
      if (!finding.outOfScope) continue;
      const pattern = this.patternOf(finding.resource.namespace ?? (finding.resource.kind === 'Namespace' ? finding.resource.name : undefined));
      if (pattern !== undefined) this.findings.set(pattern, (this.findings.get(pattern) ?? 0) + 1);
    }
  }

  private patternOf(namespace: string | undefined): string | undefined {
    if (namespace === undefined) return undefined;
    return this.config.scope.namespaces.exclude.find((entry) => matchesNamespacePattern(entry.name, namespace))?.name;
  }
}

export interface SoaInput {
  config: AnnexaConfig;
  /** The built-in check registry (disabled checks included: they are listed as not evaluated). */
  checks: readonly Check[];
  /** The outcome of a scan, when PATH... were given. */
  outcome?: ScanOutcome;
  /** Per-namespace counts collected during that scan. */
  excluded?: SoaExcludedNamespace[];
  /** Digests and versions for the header. */
  provenance: { toolVersion: string; configDigest: string; configFile?: string; inputDigest?: string };
  crossResource?: boolean;
  now?: Date;
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

interface Justification {
  applicable: boolean;
  justification: string;
  source: SoaRow['justificationSource'];
  risks: SoaRow['risks'];
  requirements: SoaRow['requirements'];
}

function justificationOf(config: AnnexaConfig, id: string, record: ControlRecord | undefined, fallback: string): Justification {
  const entry = config.applicability.find((a) => a.control === id);
  const risks = (record?.risks ?? []).map((r) => ({ id: r, title: config.risks.find((x) => x.id === r)?.title ?? r }));
  const requirements = (record?.requirements ?? []).map((r) => ({ id: r, title: config.requirements.find((x) => x.id === r)?.title ?? r }));
  const base = { risks, requirements };
  if (entry && !entry.applicable) return { ...base, applicable: false, justification: entry.justification, source: 'config' };
  if (risks.length > 0 || requirements.length > 0) {
    const parts = [
      ...(risks.length > 0 ? [`Risks: ${risks.map((r) => `${r.id} ${r.title}`).join('; ')}`] : []),
      ...(requirements.length > 0 ? [`Requirements: ${requirements.map((r) => `${r.id} ${r.title}`).join('; ')}`] : []),
    ];
    const own = entry ? ` (${entry.justification})` : '';
    return { ...base, applicable: true, justification: `${parts.join('. ')}${own}`, source: 'record' };
  }
  if (entry) return { ...base, applicable: true, justification: entry.justification, source: 'config' };
  return { ...base, applicable: true, justification: `Default (no risk or requirement recorded): ${fallback}`, source: 'default' };
}

function implementationOf(status: ControlStatusValue, record: ControlRecord | undefined, applicable: boolean): Pick<SoaRow, 'implementationStatus' | 'implementationSource'> {
  if (!applicable) return { implementationStatus: 'not-applicable', implementationSource: 'none' };
  if (record?.implementationStatus) return { implementationStatus: record.implementationStatus, implementationSource: 'record' };
  if (status !== 'manual') return { implementationStatus: status, implementationSource: 'scan' };
  return { implementationStatus: 'not-recorded', implementationSource: 'none' };
}

function conflictsOf(control: ControlStatus | undefined, record: ControlRecord | undefined): string[] {
  const conflicts: string[] = [];
  if (control?.conflict) conflicts.push(control.conflict);
  if (control?.status === 'fail' && record?.implementationStatus === 'implemented') {
    conflicts.push(`recorded as implemented, but ${control.findings} in-scope finding${control.findings === 1 ? '' : 's'} from ${control.checksFailed.join(', ')} fail it`);
  }
  return conflicts;
}

function checkEvidence(control: ControlStatus, assessed: boolean): SoaCheckEvidence[] {
  return control.checks.map((id) => {
    const reason = control.coverage.notEvaluated.find((n) => n.check === id)?.reason;
    const entry: SoaCheckEvidence = { id, evaluated: reason === undefined };
    if (reason !== undefined) entry.reason = reason;
    if (assessed) {
      entry.findings = control.findingsByCheck[id] ?? 0;
      entry.belowThreshold = control.observations.filter((o) => o.check === id).reduce((sum, o) => sum + o.findings, 0);
    }
    return entry;
  });
}

interface RowContext {
  config: AnnexaConfig;
  scan?: SoaScanReference;
  today: string;
}

function recordFields(ctx: RowContext, id: string, record: ControlRecord | undefined): Pick<SoaRow, 'responsibility' | 'supplierControls' | 'reviewOverdue'> & { owner?: string; lastReview?: string; nextReview?: string } {
  const owner = record?.owner ?? ctx.config.owners.find((o) => o.control === id)?.owner;
  return {
    responsibility: record?.responsibility ?? 'organisation',
    supplierControls: [...(record?.supplierControls ?? [])],
    reviewOverdue: record?.nextReview !== undefined && record.nextReview < ctx.today,
    ...(owner ? { owner } : {}),
    ...(record?.lastReview ? { lastReview: record.lastReview } : {}),
    ...(record?.nextReview ? { nextReview: record.nextReview } : {}),
  };
}

function annexRow(ctx: RowContext, control: ControlStatus): SoaRow {
  const record = ctx.config.controls.find((c) => c.control === control.id);
  const catalog = isoControl(control.id);
  const j = justificationOf(ctx.config, control.id, record, `applicable to ${ctx.config.scope.name}: ${catalog?.kubernetes ?? ''}`);
  const evidence: SoaEvidence = { checks: checkEvidence(control, ctx.scan !== undefined), documents: [...(record?.evidence ?? [])], expected: catalog?.evidence.manual ?? '' };
  if (ctx.scan && control.checks.length > 0) evidence.scan = ctx.scan;
  if (control.evidenceSources) evidence.importedFrom = [...control.evidenceSources];
  if (control.imagesWithoutVulnerabilityReport) evidence.imagesWithoutVulnerabilityReport = [...control.imagesWithoutVulnerabilityReport];
  return {
    id: control.id, title: control.title, theme: control.theme,
    applicable: j.applicable, justification: j.justification, justificationSource: j.source, risks: j.risks, requirements: j.requirements,
    status: control.status, automation: control.automation,
    ...implementationOf(control.status, record, j.applicable),
    coverage: control.coverage,
    evidence,
    ...recordFields(ctx, control.id, record),
    conflicts: conflictsOf(control, record),
  };
}

function organisationRows(ctx: RowContext): SoaRow[] {
  return ctx.config.organisationControls.map((oc) => {
    const record = ctx.config.controls.find((c) => c.control === oc.id);
    const j = justificationOf(ctx.config, oc.id, record, oc.description ?? 'organisation-specific control added to the Statement of Applicability');
    return {
      id: oc.id, title: oc.title, theme: 'organisation-specific',
      applicable: true, justification: j.justification, justificationSource: j.source, risks: j.risks, requirements: j.requirements,
      status: 'manual', automation: 'manual',
      ...implementationOf('manual', record, true),
      evidence: { checks: [], documents: [...(record?.evidence ?? [])], expected: oc.description ?? '' },
      ...recordFields(ctx, oc.id, record),
      conflicts: [],
    };
  });
}

const DOCUMENT_FIELDS = ['version', 'owner', 'approver', 'approvalDate', 'nextReview'] as const;

function documentOf(config: AnnexaConfig, today: string): SoaDocument {
  const d = config.document;
  const doc: SoaDocument = {
    title: d.title,
    missing: DOCUMENT_FIELDS.filter((field) => d[field] === undefined),
    reviewOverdue: d.nextReview !== undefined && d.nextReview < today,
  };
  for (const field of [...DOCUMENT_FIELDS, 'classification'] as const) {
    const value = d[field];
    if (value !== undefined) doc[field] = value;
  }
  return doc;
}

export function buildSoa(input: SoaInput): StatementOfApplicability {
  const { config, outcome } = input;
  const now = input.now ?? new Date();
  const assessedAt = rfc3339(now);
  const today = day(now);
  const controls = outcome?.controls ?? computePosture({ config, checks: input.checks });
  const scan = outcome && input.provenance.inputDigest
    ? { time: assessedAt, inputDigest: input.provenance.inputDigest, resources: outcome.summary.resources }
    : undefined;
  const ctx: RowContext = { config, today, ...(scan ? { scan } : {}) };
  const rows = [...controls.map((control) => annexRow(ctx, control)), ...organisationRows(ctx)];
  const { scope } = config;
  const provenance: SoaProvenance = {
    tool: { name: 'annexa', version: input.provenance.toolVersion },
    catalogue: { framework: ISO27001_FRAMEWORK, version: CATALOG_VERSION, digest: catalogDigest(input.checks) },
    configDigest: input.provenance.configDigest,
    assessedAt,
  };
  if (input.provenance.configFile) provenance.configFile = input.provenance.configFile;
  if (input.provenance.inputDigest) provenance.inputDigest = input.provenance.inputDigest;
  const soa: StatementOfApplicability = {
    framework: ISO27001_FRAMEWORK,
    generated: assessedAt,
    document: documentOf(config, today),
    provenance,
    settings: {
      failOn: config.posture.failOn,
      crossResource: input.crossResource !== false,
      disabledChecks: [...config.checks.disabled],
      severityOverrides: { ...config.checks.severity },
      excludedControls: config.applicability.filter((a) => !a.applicable).map(({ control, justification }) => ({ control, justification })),
    },
    scope: {
      name: scope.name,
      clusters: [...scope.clusters],
      include: [...scope.namespaces.include],
      exclude: input.excluded ?? scope.namespaces.exclude.map(({ name, justification }) => ({ name, justification })),
    },
    controls: rows,
    conflicts: rows.flatMap((r) => r.conflicts.map((c) => `${r.id}: ${c}`)),
  };
  if (outcome) {
    const { summary } = outcome;
    soa.assessment = {
      files: summary.files, resources: summary.resources, findings: summary.findings,
      outOfScopeFindings: summary.outOfScopeFindings, inputErrors: outcome.errors.length,
    };
  }
  return soa;
}

function checkText(c: SoaCheckEvidence): string {
  if (!c.evaluated) return `${c.id} (not evaluated: ${c.reason ?? 'unknown'})`;
  if (c.findings === undefined) return `${c.id} (evaluated)`;
  const below = c.belowThreshold ? `, ${c.belowThreshold} below threshold` : '';
  return `${c.id} (${c.findings} finding${c.findings === 1 ? '' : 's'}${below})`;
}

/** One-line evidence references: what exists (the scan and its checks, the recorded documents), or "none recorded". */
export function evidenceText(row: SoaRow): string {
  const parts: string[] = [];
  const { scan, checks, documents } = row.evidence;
  if (scan) parts.push(`scan ${scan.time} of input ${scan.inputDigest} (${scan.resources} resources)`);
  if (checks.length > 0) parts.push(`checks: ${checks.map(checkText).join(', ')}`);
  if (row.evidence.importedFrom) {
    const uncovered = row.evidence.imagesWithoutVulnerabilityReport;
    parts.push(`imported from ${row.evidence.importedFrom.join(', ')}${uncovered && uncovered.length > 0 ? ` (images without a vulnerability report: ${uncovered.join(', ')})` : ''}`);
  }
  if (documents.length > 0) {
    parts.push(`documents: ${documents.map((d) => [d.ref, d.title, `(${d.date})`, d.url].filter((x) => x !== undefined).join(' ')).join('; ')}`);
  }
  if (documents.length === 0 && !scan) parts.push('no evidence recorded');
  return parts.join('; ');
}

/** Review dates of a control's record, with OVERDUE when the next review has passed. */
export function reviewText(row: SoaRow): string {
  const parts = [row.lastReview ? `last ${row.lastReview}` : '', row.nextReview ? `next ${row.nextReview}` : ''].filter(Boolean);
  if (row.reviewOverdue) parts.push('OVERDUE');
  return parts.join(', ');
}

export function responsibilityText(row: SoaRow): string {
  return row.supplierControls.length > 0 ? `${row.responsibility} (via ${row.supplierControls.join(', ')})` : row.responsibility;
}

export const SOA_STATUSES: readonly ControlStatusValue[] = ['pass', 'fail', 'partial', 'not-assessed', 'manual', 'not-applicable'];

export function statusCounts(soa: StatementOfApplicability): Record<ControlStatusValue, number> {
  const counts = Object.fromEntries(SOA_STATUSES.map((s) => [s, 0])) as Record<ControlStatusValue, number>;
  for (const r of soa.controls) counts[r.status] += 1;
  return counts;
}

/** What the automated status rests on and does not prove: printed with the assessment in markdown and html. */
export const STATUS_NOTE = 'Automated status: fail = an in-scope finding at or above the threshold; partial = what ran passed, but a mapped check was not evaluated or the control is only partly automatable; not-assessed = no mapped check was evaluated; manual = no check maps to the control. It covers the scanned manifests at the time and digest above, not what runs in the cluster nor the organisational part of a control.';

/** Header lines shared by every format: document control, provenance, settings. Pairs of [label, value]. */
export function headerFields(soa: StatementOfApplicability): Array<[string, string]> {
  const d = soa.document;
  const p = soa.provenance;
  const s = soa.settings;
  const fields: Array<[string, string]> = [
    ['Title', d.title],
    ['Version', d.version ?? 'not set (draft)'],
    ['Owner', d.owner ?? 'not set'],
    ['Approver', d.approver ?? 'not set'],
    ['Approval date', d.approvalDate ?? 'not approved'],
    ['Next review', `${d.nextReview ?? 'not set'}${d.reviewOverdue ? ' (OVERDUE)' : ''}`],
  ];
  if (d.classification) fields.push(['Classification', d.classification]);
  fields.push(
    ['Scope', soa.scope.name],
    ['Tool', `${p.tool.name} ${p.tool.version}`],
    ['Catalogue', `${p.catalogue.framework} ${p.catalogue.version} (${p.catalogue.digest})`],
    ['Config digest', `${p.configDigest}${p.configFile ? ` (${p.configFile})` : ' (defaults, no annexa.yaml)'}`],
    ['Input digest', p.inputDigest ?? 'no scan'],
    ['Assessed at', p.assessedAt],
    ['Fail threshold', s.failOn],
    ['Cross-resource checks', s.crossResource ? 'on' : 'off'],
    ['Disabled checks', s.disabledChecks.join(', ') || 'none'],
    ['Severity overrides', Object.entries(s.severityOverrides).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'],
    ['Excluded controls', s.excludedControls.map((e) => e.control).join(', ') || 'none'],
  );
  return fields;
}
