/**
 * One run that takes in other tools' results: the imported files, the merge of their policy results
 * with Annexa's findings while the scan streams, and afterwards their own findings, the evaluation
 * entries posture reads, and what the output and the evidence store say about coverage.
 */
import type { Check, CheckMeta } from '../engine/check.js';
import type { CheckEvaluation, EvaluationRecord } from '../engine/evaluation.js';
import type { ScanSink, ScanSummary } from '../engine/scan.js';
import { ExceptionIndex } from '../engine/exceptions.js';
import { namespaceExclusionReason, type AnnexaConfig } from '../isms/config.js';
import type { ControlStatus } from '../posture/posture.js';
import type { Finding, InputError, JsonObject, JsonValue, Severity } from '../resources/types.js';
import { Estate, type RunningImage } from './estate.js';
import type { ImportedFile, ImportProvenance } from './types.js';
import { PolicyMerger, UNMAPPED_RULE_ID } from './policies.js';
import { targetsOf, vulnerabilityFindings, VULNERABILITY_RULE, type VulnerabilityContext } from './vulnerabilities.js';
import { SBOM_RULE, sbomCoverage, sbomFindings, sbomInventory } from './sboms.js';

/** What posture needs of a rule that is not a built-in check: its id and the controls it evidences. */
export type ImportRule = Pick<CheckMeta, 'id' | 'title' | 'severity' | 'controls'>;

export interface SessionOptions {
  config: AnnexaConfig;
  checks: readonly Check[];
  now?: Date;
  /** First time each vulnerability key was seen (from the evidence store). */
  firstSeen?: ReadonlyMap<string, string>;
  /** Which findings are reported (scan -n, --severity); posture counts all. */
  report?(finding: Finding): boolean;
}

export interface SessionResult {
  /** Imported findings that joined no Annexa finding, already handed to the sink. */
  findings: Finding[];
  /** Rules (not built-in checks) whose evaluation entries were added. */
  rules: ImportRule[];
  evaluation: EvaluationRecord;
  /** The `imports` section of the JSON output and of the evidence record. */
  summary: JsonObject;
  /** Vulnerability keys with the first time they were seen, for the evidence store. */
  seen: Map<string, string>;
  notes: string[];
}

function provenanceJson(p: ImportProvenance): JsonObject {
  return { tool: p.tool, format: p.format, file: p.file, ...(p.version ? { version: p.version } : {}), ...(p.reportTime ? { reportTime: p.reportTime } : {}) };
}

function describe(r: RunningImage): string {
  const ref = r.workload.ref;
  return `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} (${r.container.container})`;
}

export class ImportSession {
  readonly estate = new Estate();
  private readonly merger: PolicyMerger;
  private readonly now: Date;

  constructor(readonly files: readonly ImportedFile[], readonly errors: readonly InputError[], private readonly options: SessionOptions) {
    this.now = options.now ?? new Date();
    this.merger = new PolicyMerger(files.flatMap((f) => f.policyResults), options.checks, options.config);
  }

  pendingResults(): PolicyMerger['all'] {
    return this.merger.all;
  }

  /** The sink that records the estate and joins imported results to Annexa's findings as they pass. */
  wrap<T extends ScanSink>(sink: T): T {
    const merger = this.merger;
    const joined: ScanSink = {
      resource(scanned) {
        for (const finding of scanned.findings) merger.join(finding);
        sink.resource(scanned);
      },
      inventoryFindings(findings) {
        for (const finding of findings) merger.join(finding);
        sink.inventoryFindings?.(findings);
      },
    };
    const estateSink = this.estate.wrap(joined);
    return new Proxy(sink, { get: (target, key, receiver) => (key === 'resource' || key === 'inventoryFindings' ? Reflect.get(estateSink, key) : Reflect.get(target, key, receiver)) });
  }

  /**
   * After the scan: the imported findings (handed to `sink.inventoryFindings` and counted in
   * `summary`), and the evaluation record with the imported evidence added.
   */
  finish(sink: ScanSink, summary: ScanSummary, evaluation: EvaluationRecord): SessionResult {
    const { config } = this.options;
    const notes = this.files.flatMap((f) => f.notes);
    const seen = new Map<string, string>();
    const ctx: VulnerabilityContext = { config, now: this.now, firstSeen: this.options.firstSeen ?? new Map(), seen };
    const vulnerabilityReports = this.files.flatMap((f) => f.vulnerabilityReports);
    const byKey = new Map<string, Finding>();
    const coveredContainers = new Set<RunningImage['container']>();
    const unmatchedImages: string[] = [];
    for (const report of vulnerabilityReports) {
      const targets = this.estate.scanned ? targetsOf(report, this.estate) : [];
      for (const t of targets) coveredContainers.add(t.container);
      if (this.estate.scanned && targets.length === 0) {
        unmatchedImages.push(report.image.display);
        continue;
      }
      vulnerabilityFindings(report, targets, ctx, byKey);
    }
    if (unmatchedImages.length > 0) notes.push(`no scanned workload runs ${[...new Set(unmatchedImages)].join(', ')}: ${unmatchedImages.length === 1 ? 'its vulnerabilities are' : 'their vulnerabilities are'} not reported`);
    const inScope = this.estate.inScopeContainers();
    const uncovered = inScope.filter((r) => !coveredContainers.has(r.container));
    const sboms = this.files.flatMap((f) => f.sboms);
    const sbom = sbomCoverage(sboms, this.estate);
    const findings: Finding[] = [...byKey.values()];
    if (config.interop?.requireSbom && this.estate.scanned) findings.push(...sbomFindings(sbom));
    findings.push(...this.merger.remaining((ref) => {
      const found = this.estate.find(ref);
      if (found) return found;
      const excluded = namespaceExclusionReason(config, ref.namespace ?? (ref.kind === 'Namespace' ? ref.name : undefined));
      return excluded === undefined ? undefined : { outOfScope: excluded };
    }));

    // Exceptions of annexa.yaml apply to imported findings of Annexa checks as to Annexa's own.
    const exceptions = new ExceptionIndex(config.exceptions, this.now);
    const counted: Finding[] = [];
    for (const finding of findings) {
      if (finding.outOfScope === undefined && finding.excepted === undefined && finding.checkId !== VULNERABILITY_RULE.id) exceptions.apply(finding);
      if (finding.outOfScope === undefined && finding.excepted === undefined) counted.push(finding);
      if (this.options.report && !this.options.report(finding)) continue;
      if (finding.outOfScope) summary.outOfScopeFindings += 1;
      else if (finding.excepted) summary.exceptedFindings = (summary.exceptedFindings ?? 0) + 1;
      else {
        summary.findings += 1;
        summary.bySeverity[finding.severity] += 1;
      }
    }
    sink.inventoryFindings?.(this.options.report ? findings.filter(this.options.report) : findings);

    const rules: ImportRule[] = [];
    const entries = new Map(evaluation.checks.map((e) => [e.check, { ...e, findings: { ...e.findings } }]));
    const addFinding = (entry: CheckEvaluation, severity: Severity) => {
      entry.findings[severity] = (entry.findings[severity] ?? 0) + 1;
    };
    const ruleEntry = (rule: ImportRule): CheckEvaluation => {
      let entry = entries.get(rule.id);
      if (!entry) {
        rules.push(rule);
        entry = { check: rule.id, resources: 0, errors: 0, findings: {} };
        entries.set(rule.id, entry);
      }
      return entry;
    };
    const coverageReason = (missing: number) => (!this.estate.scanned || missing > 0 ? { notEvaluated: 'not-covered' as const } : {});
    if (vulnerabilityReports.length > 0) {
      const entry = ruleEntry(VULNERABILITY_RULE);
      entry.resources = new Set(inScope.filter((r) => coveredContainers.has(r.container)).map((r) => r.workload)).size;
      Object.assign(entry, coverageReason(uncovered.length));
    }
    if (sboms.length > 0 || config.interop?.requireSbom) {
      const entry = ruleEntry(SBOM_RULE);
      entry.resources = new Set(sbom.covered.map((r) => r.workload)).size;
      Object.assign(entry, coverageReason(sbom.uncovered.length));
    }
    // Policy results: a result on a mapped check is evidence the check's intent was evaluated there.
    const evaluatedBy = new Map<string, Set<string>>();
    for (const pending of this.merger.all) {
      const { mapping, result } = pending;
      if (!entries.has(mapping.checkId)) ruleEntry({ id: mapping.checkId, title: mapping.title, severity: mapping.severity, controls: mapping.controls });
      const resourceKey = result.resource ? `${result.resource.kind}/${result.resource.namespace ?? ''}/${result.resource.name}` : result.provenance.tool;
      const set = evaluatedBy.get(mapping.checkId) ?? new Set<string>();
      set.add(resourceKey);
      evaluatedBy.set(mapping.checkId, set);
    }
    for (const [checkId, resources] of evaluatedBy) {
      const entry = entries.get(checkId)!;
      entry.resources += resources.size;
      if (entry.notEvaluated === 'no-input-of-kinds' || entry.notEvaluated === 'not-scanned') delete entry.notEvaluated;
    }
    for (const finding of counted) {
      const entry = entries.get(finding.checkId) ?? ruleEntry({ id: finding.checkId, title: finding.title, severity: finding.severity, controls: finding.controls });
      addFinding(entry, finding.severity);
    }

    const unmapped = [...new Set(this.merger.pending.filter((p) => p.mapping.checkId === UNMAPPED_RULE_ID).map((p) => `${p.result.provenance.tool} ${p.result.policy}`))];
    if (unmapped.length > 0) notes.push(`${unmapped.length} polic${unmapped.length === 1 ? 'y has' : 'ies have'} no Annex A mapping (reported, not in the posture; map them under interop.policies): ${unmapped.slice(0, 10).join(', ')}${unmapped.length > 10 ? ', …' : ''}`);

    const summaryJson: JsonObject = {
      files: this.files.flatMap((f) => f.provenance.map(provenanceJson)).filter((p, i, all) => all.findIndex((q) => JSON.stringify(q) === JSON.stringify(p)) === i),
      vulnerabilityReports: vulnerabilityReports.map((r) => ({ image: r.image.display, file: r.provenance.file, tool: r.provenance.tool, vulnerabilities: r.vulnerabilities.length })),
      policyResults: this.merger.summary(),
      ...(vulnerabilityReports.length > 0 ? {
        imageCoverage: {
          known: this.estate.scanned,
          covered: [...new Set(inScope.filter((r) => coveredContainers.has(r.container)).map((r) => r.key))],
          notCovered: [...new Set(uncovered.map((r) => r.key))],
          notCoveredIn: uncovered.map(describe),
        },
      } : {}),
      ...(sboms.length > 0 || config.interop?.requireSbom ? {
        sbomCoverage: { covered: [...new Set(sbom.covered.map((r) => r.key))], notCovered: [...new Set(sbom.uncovered.map((r) => r.key))] },
        sboms: sboms.map((s) => sbomInventory(s, this.estate)) as JsonValue[],
      } : {}),
    };
    return { findings, rules, evaluation: { checks: [...entries.values()] }, summary: summaryJson, seen, notes };
  }
}

/** Controls annotated with the tools whose results they rest on, and for A.8.8 the images without a vulnerability report. */
export function annotateControls(controls: ControlStatus[], session: ImportSession, result: SessionResult): ControlStatus[] {
  const toolsByCheck = new Map<string, Set<string>>();
  const note = (check: string, tool: string) => {
    const set = toolsByCheck.get(check) ?? new Set<string>();
    set.add(tool);
    toolsByCheck.set(check, set);
  };
  for (const pending of session.pendingResults()) note(pending.mapping.checkId, pending.result.provenance.tool);
  for (const file of session.files) {
    for (const report of file.vulnerabilityReports) note(VULNERABILITY_RULE.id, report.provenance.tool);
    for (const sbom of file.sboms) note(SBOM_RULE.id, sbom.provenance.tool);
  }
  const coverage = result.summary.imageCoverage as { notCovered?: string[]; known?: boolean } | undefined;
  return controls.map((control) => {
    const tools = new Set<string>();
    for (const check of control.checks) for (const tool of toolsByCheck.get(check) ?? []) tools.add(tool);
    if (tools.size === 0) return control;
    const annotated: ControlStatus = { ...control, evidenceSources: [...tools].sort() };
    if (coverage && control.checks.includes(VULNERABILITY_RULE.id)) {
      annotated.imagesWithoutVulnerabilityReport = coverage.known ? coverage.notCovered ?? [] : ['unknown: no workloads were scanned'];
    }
    return annotated;
  });
}

