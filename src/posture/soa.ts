/**
 * The Statement of Applicability: one row per Annex A control with applicability (annexa.yaml),
 * implementation status (from the posture of a scan, or `not-assessed` without one), evidence
 * references and owner, plus the ISMS scope with its justified namespace exclusions.
 */
import type { Check } from '../engine/check.js';
import type { ScanOutcome, ScanSink, ScannedResource } from '../engine/scan.js';
import type { Finding } from '../resources/types.js';
import { matchesNamespacePattern, type AnnexaConfig } from '../isms/config.js';
import type { Theme } from '../frameworks/annex-a-titles.js';
import { ISO27001_FRAMEWORK, isoControl } from '../frameworks/iso27001.js';
import type { Automation } from '../frameworks/types.js';
import { PostureTally, type ControlStatus, type ControlStatusValue } from './posture.js';

/** Posture statuses, plus `not-assessed`: checks map to the control but none ran on an in-scope resource. */
export type SoaStatus = ControlStatusValue | 'not-assessed';

export interface SoaCheckEvidence {
  id: string;
  /** Whether the check ran on at least one in-scope resource (false when no scan was made). */
  evaluated: boolean;
  /** In-scope findings (present only after a scan). */
  findings?: number;
}

export interface SoaRow {
  id: string;
  title: string;
  theme: Theme;
  applicable: boolean;
  justification: string;
  /** `config` when annexa.yaml gives the justification, `default` when it comes from the catalog. */
  justificationSource: 'config' | 'default';
  status: SoaStatus;
  automation: Automation;
  evidence: { checks: SoaCheckEvidence[]; record: string };
  owner?: string;
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

export interface StatementOfApplicability {
  framework: string;
  /** RFC 3339 UTC. */
  generated: string;
  scope: SoaScope;
  /** Present when the status comes from a scan of manifests. */
  assessment?: SoaAssessment;
  controls: SoaRow[];
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
  /** Built-in checks; those disabled in annexa.yaml are left out. */
  checks: readonly Check[];
  /** The outcome of a scan, when PATH... were given. */
  outcome?: ScanOutcome;
  /** Per-namespace counts collected during that scan. */
  excluded?: SoaExcludedNamespace[];
  now?: Date;
}

function soaStatus(control: ControlStatus): SoaStatus {
  return control.status === 'manual' && control.automation !== 'manual' ? 'not-assessed' : control.status;
}

function checkEvidence(control: ControlStatus, assessed: boolean): SoaCheckEvidence[] {
  return control.checks.map((id) => {
    const evaluated = control.checksEvaluated.includes(id);
    return assessed ? { id, evaluated, findings: control.findingsByCheck[id] ?? 0 } : { id, evaluated };
  });
}

function justificationOf(config: AnnexaConfig, control: ControlStatus): { applicable: boolean; justification: string; source: 'config' | 'default' } {
  const entry = config.applicability.find((a) => a.control === control.id);
  if (entry) return { applicable: entry.applicable, justification: entry.justification, source: 'config' };
  const kubernetes = isoControl(control.id)?.kubernetes ?? '';
  return { applicable: true, justification: `Applicable to ${config.scope.name}: ${kubernetes}`, source: 'default' };
}

function row(config: AnnexaConfig, control: ControlStatus, assessed: boolean): SoaRow {
  const { applicable, justification, source } = justificationOf(config, control);
  const result: SoaRow = {
    id: control.id,
    title: control.title,
    theme: control.theme,
    applicable,
    justification,
    justificationSource: source,
    status: soaStatus(control),
    automation: control.automation,
    evidence: { checks: checkEvidence(control, assessed), record: isoControl(control.id)?.evidence.manual ?? '' },
  };
  if (control.owner) result.owner = control.owner;
  return result;
}

export function buildSoa(input: SoaInput): StatementOfApplicability {
  const { config, outcome } = input;
  const disabled = new Set(config.checks.disabled);
  const controls = outcome?.controls ?? new PostureTally(input.checks.filter((c) => !disabled.has(c.id)), config).controls();
  const { scope } = config;
  const soa: StatementOfApplicability = {
    framework: ISO27001_FRAMEWORK,
    generated: (input.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    scope: {
      name: scope.name,
      clusters: [...scope.clusters],
      include: [...scope.namespaces.include],
      exclude: input.excluded ?? scope.namespaces.exclude.map(({ name, justification }) => ({ name, justification })),
    },
    controls: controls.map((control) => row(config, control, outcome !== undefined)),
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

/** One-line evidence references: check ids with their result, then the manual record. */
export function evidenceText(row: SoaRow): string {
  const checks = row.evidence.checks.map((c) => {
    if (c.findings === undefined) return `${c.id} (not run)`;
    if (c.findings > 0) return `${c.id} (${c.findings} finding${c.findings === 1 ? '' : 's'})`;
    return `${c.id} (${c.evaluated ? '0 findings' : 'not evaluated'})`;
  });
  const parts = checks.length > 0 ? [`checks: ${checks.join(', ')}`] : [];
  parts.push(`record: ${row.evidence.record}`);
  return parts.join('; ');
}

export const SOA_STATUSES: readonly SoaStatus[] = ['pass', 'fail', 'manual', 'not-assessed', 'not-applicable'];

export function statusCounts(soa: StatementOfApplicability): Record<SoaStatus, number> {
  const counts = Object.fromEntries(SOA_STATUSES.map((s) => [s, 0])) as Record<SoaStatus, number>;
  for (const r of soa.controls) counts[r.status] += 1;
  return counts;
}
