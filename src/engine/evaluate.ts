/** Runs checks on resources and turns their violations into findings. */
import type { Check, CheckContext, InventoryCheck, PodCheck, ResourceCheck, Violation } from './check.js';
import type { ControlRefs, Finding, InputError, JsonObject, RelatedLocation, Resource, ResourceRef } from '../resources/types.js';
import { FRAMEWORK_KEYS, formatRef, refOf, severityRank } from '../resources/types.js';
import { podTemplateOf } from '../resources/workloads.js';
import { locate } from '../sources/locate.js';
import type { Inventory } from '../inventory/inventory.js';
import { namespaceExclusionReason } from '../isms/config.js';

/** Checks grouped by how they are dispatched, built once per run. */
export class CheckSet {
  readonly pod: PodCheck[] = [];
  readonly byKind = new Map<string, ResourceCheck[]>();
  readonly inventory: InventoryCheck[] = [];
  readonly all: Check[];

  constructor(checks: readonly Check[], disabled: readonly string[] = []) {
    const off = new Set(disabled);
    this.all = checks.filter((check) => !off.has(check.id));
    for (const check of this.all) {
      if (check.scope === 'pod') this.pod.push(check);
      else if (check.scope === 'inventory') this.inventory.push(check);
      else for (const kind of check.kinds) {
        const list = this.byKind.get(kind);
        if (list) list.push(check);
        else this.byKind.set(kind, [check]);
      }
    }
  }
}

/**
 * The reference and scope decision of the resource findings are being made for: the same for all of
 * a resource's findings, so computed once (and the shared reference is serialized once by -o json).
 */
let factsFor: { resource: Resource; ctx: CheckContext; ref: ResourceRef; excluded: string | undefined } | undefined;

function resourceFacts(resource: Resource, ctx: CheckContext): { ref: ResourceRef; excluded: string | undefined } {
  if (factsFor?.resource !== resource || factsFor.ctx !== ctx) {
    factsFor = { resource, ctx, ref: refOf(resource), excluded: exclusionOf(resource, ctx) };
  }
  return factsFor;
}

export function toFinding(check: Check, resource: Resource, violation: Violation, ctx: CheckContext): Finding {
  const facts = resourceFacts(resource, ctx);
  const configured = ctx.config.checks.severity[check.id];
  const finding: Finding = {
    checkId: check.id,
    title: check.title,
    severity: configured ?? violation.severity ?? check.severity,
    resource: facts.ref,
    path: violation.path,
    message: violation.message,
    remediation: check.remediation,
    controls: check.controls,
  };
  const location = locate(resource.provenance, violation.path, resource.object);
  if (location) finding.location = location;
  if (violation.details) finding.details = violation.details;
  if (configured === undefined && violation.severityReason !== undefined && finding.severity !== check.severity) {
    finding.severityReason = violation.severityReason;
  }
  if (violation.related) finding.related = violation.related.map(relatedLocation);
  if (facts.excluded !== undefined) finding.outOfScope = { reason: facts.excluded };
  return finding;
}

function relatedLocation(related: { resource: Resource; path: string; message: string }): RelatedLocation {
  const out: RelatedLocation = { resource: refOf(related.resource), path: related.path, message: related.message };
  const location = locate(related.resource.provenance, related.path, related.resource.object);
  if (location) out.location = location;
  return out;
}

/** Why a resource is outside the ISMS scope (a Namespace object belongs to its own namespace), or undefined. */
export function exclusionOf(resource: Resource, ctx: CheckContext): string | undefined {
  return namespaceExclusionReason(ctx.config, resource.namespace ?? (resource.kind === 'Namespace' ? resource.name : undefined));
}

/**
 * A check that threw instead of returning violations (a bug in the check, usually on a malformed
 * manifest). It is reported like an input error, naming the check and the resource, so the scan
 * goes on, the output stays complete for everything else, and the run exits 2 rather than passing.
 * The thrown message is not copied: V8 messages can quote field values ("Cannot create property
 * 'x' on string '<value>'"), and a value may be a credential.
 */
export interface CheckFailure extends InputError {
  checkId: string;
  resource?: ResourceRef;
}

function checkFailure(check: Check, resource: Resource | undefined, error: unknown): CheckFailure {
  const kind = error instanceof Error ? error.name : typeof error;
  const about = resource ? ` on ${formatRef(refOf(resource))}` : '';
  const failure: CheckFailure = {
    file: resource?.provenance.file ?? '-',
    message: `check ${check.id} failed${about} (${kind}); the check was skipped${resource ? ' for this resource' : ''}, its result is unknown`,
    checkId: check.id,
  };
  if (resource) {
    failure.resource = refOf(resource);
    if (resource.provenance.line !== undefined) failure.line = resource.provenance.line;
    if (resource.provenance.column !== undefined) failure.column = resource.provenance.column;
  }
  return failure;
}

export interface ResourceEvaluation {
  findings: Finding[];
  /** Ids of the checks that applied to the resource (pass or fail); a check that threw is not among them. */
  evaluated: string[];
  /** Checks that threw on this resource. */
  errors: CheckFailure[];
}

/** Runs every per-resource check that applies to one resource; a throwing check does not stop the others. */
export function evaluateResource(resource: Resource, checks: CheckSet, ctx: CheckContext): ResourceEvaluation {
  const findings: Finding[] = [];
  const evaluated: string[] = [];
  const errors: CheckFailure[] = [];
  // Inline loops (no closure or array per check): this runs for every check on every resource.
  // Violations are often yielded lazily, so the check runs while they are iterated, inside the try;
  // a check that throws takes back the findings it had already produced.
  let template: ReturnType<typeof podTemplateOf>;
  if (checks.pod.length > 0) {
    try {
      template = podTemplateOf(resource);
    } catch (error) {
      for (const check of checks.pod) errors.push(checkFailure(check, resource, error));
    }
  }
  if (template) {
    for (const check of checks.pod) {
      const before = findings.length;
      try {
        for (const violation of check.check(template, ctx)) findings.push(toFinding(check, resource, violation, ctx));
      } catch (error) {
        findings.length = before;
        errors.push(checkFailure(check, resource, error));
        continue;
      }
      evaluated.push(check.id);
    }
  }
  for (const check of checks.byKind.get(resource.kind) ?? []) {
    const before = findings.length;
    try {
      for (const violation of check.check(resource, ctx)) findings.push(toFinding(check, resource, violation, ctx));
    } catch (error) {
      findings.length = before;
      errors.push(checkFailure(check, resource, error));
      continue;
    }
    evaluated.push(check.id);
  }
  return { findings: mergeSameProblem(findings), evaluated, errors };
}

const PSS_PREFIX = 'pss.';

/**
 * One problem, one finding: a Pod Security check (`pss.*`) re-decides fields that workload checks also flag, so
 * findings of a resource at the same path from different checks, one of them a PSS check, are one problem.
 * They become one finding: the most severe (the first of equals) with `rules` listing every check id, the
 * framework references of all, and the others' messages in `details.alsoFlaggedBy`. Findings of one check at
 * one path, and of non-PSS checks that share a path (a Namespace lacking both a quota and a limit range), are
 * different problems and stay apart. Run alone (`--checks pss.*`), PSS findings are unchanged.
 */
export function mergeSameProblem(findings: Finding[]): Finding[] {
  if (findings.length < 2 || !findings.some((f) => f.checkId.startsWith(PSS_PREFIX))) return findings;
  const byPath = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = byPath.get(finding.path);
    if (list) list.push(finding);
    else byPath.set(finding.path, [finding]);
  }
  const merged = new Map<Finding, Finding>();
  const absorbed = new Set<Finding>();
  for (const group of byPath.values()) {
    if (group.length < 2 || !group.some((f) => f.checkId.startsWith(PSS_PREFIX))) continue;
    if (new Set(group.map((f) => f.checkId)).size < 2) continue;
    const [winner, ...others] = [...group].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    merged.set(winner!, mergedFinding(winner!, others));
    for (const other of others) absorbed.add(other);
  }
  if (merged.size === 0) return findings;
  return findings.filter((f) => !absorbed.has(f)).map((f) => merged.get(f) ?? f);
}

function mergedFinding(winner: Finding, others: readonly Finding[]): Finding {
  const all = [winner, ...others];
  const controls: ControlRefs = { iso27001: [] };
  for (const key of FRAMEWORK_KEYS) {
    const ids = [...new Set(all.flatMap((f) => f.controls[key] ?? []))];
    if (key === 'iso27001' || ids.length > 0) controls[key] = ids;
  }
  const details: JsonObject = { ...(winner.details ?? {}) };
  details.alsoFlaggedBy = others.map((f) => ({ checkId: f.checkId, severity: f.severity, message: f.message }));
  return { ...winner, controls, details, rules: [...new Set(all.map((f) => f.checkId))] };
}

export interface InventoryEvaluation {
  findings: Finding[];
  /** Cross-resource checks that threw; they are not counted as evaluated. */
  errors: CheckFailure[];
}

/** The outcome of one cross-resource check: its findings, or why it failed (then it has none). */
export type InventoryCheckResult = { check: Check; findings: Finding[] } | { check: Check; error: CheckFailure };

/**
 * Runs the cross-resource checks once the inventory is complete, one at a time: each check's
 * findings are handed over before the next check runs, and the analyses the checks of one domain
 * share (RBAC model, NetworkPolicy selection) are released when the next domain starts, so a scan
 * holds one check's findings and one domain's analyses at a time. A throwing check does not stop
 * the others.
 */
export function* inventoryCheckResults(inventory: Inventory, checks: CheckSet, ctx: CheckContext): Generator<InventoryCheckResult> {
  let domain: string | undefined;
  for (const check of checks.inventory) {
    if (domain !== undefined && check.domain !== domain) inventory.releaseDerived();
    domain = check.domain;
    const findings: Finding[] = [];
    try {
      for (const violation of check.check(inventory, ctx)) findings.push(toFinding(check, violation.resource, violation, ctx));
    } catch (error) {
      yield { check, error: checkFailure(check, undefined, error) };
      continue;
    }
    yield { check, findings };
  }
}

/** Every cross-resource check's findings at once (for callers that want them all). */
export function evaluateInventory(inventory: Inventory, checks: CheckSet, ctx: CheckContext): InventoryEvaluation {
  const findings: Finding[] = [];
  const errors: CheckFailure[] = [];
  for (const result of inventoryCheckResults(inventory, checks, ctx)) {
    if ('error' in result) errors.push(result.error);
    else findings.push(...result.findings);
  }
  return { findings, errors };
}
