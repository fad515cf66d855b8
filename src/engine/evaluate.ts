/** Runs checks on resources and turns their violations into findings. */
import type { Check, CheckContext, InventoryCheck, PodCheck, ResourceCheck, Violation } from './check.js';
import type { Finding, Resource } from '../resources/types.js';
import { refOf } from '../resources/types.js';
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

export function toFinding(check: Check, resource: Resource, violation: Violation, ctx: CheckContext): Finding {
  const finding: Finding = {
    checkId: check.id,
    title: check.title,
    severity: ctx.config.checks.severity[check.id] ?? violation.severity ?? check.severity,
    resource: refOf(resource),
    path: violation.path,
    message: violation.message,
    remediation: check.remediation,
    controls: check.controls,
  };
  const location = locate(resource.provenance, violation.path);
  if (location) finding.location = location;
  if (violation.details) finding.details = violation.details;
  const excluded = namespaceExclusionReason(ctx.config, resource.namespace ?? (resource.kind === 'Namespace' ? resource.name : undefined));
  if (excluded !== undefined) finding.outOfScope = { reason: excluded };
  return finding;
}

export interface ResourceEvaluation {
  findings: Finding[];
  /** Ids of the checks that applied to the resource (pass or fail). */
  evaluated: string[];
}

/** Runs every per-resource check that applies to one resource. */
export function evaluateResource(resource: Resource, checks: CheckSet, ctx: CheckContext): ResourceEvaluation {
  const findings: Finding[] = [];
  const evaluated: string[] = [];
  const run = (check: Check, violations: Iterable<Violation>) => {
    evaluated.push(check.id);
    for (const violation of violations) findings.push(toFinding(check, resource, violation, ctx));
  };
  const template = checks.pod.length > 0 ? podTemplateOf(resource) : undefined;
  if (template) for (const check of checks.pod) run(check, check.check(template, ctx));
  for (const check of checks.byKind.get(resource.kind) ?? []) run(check, check.check(resource, ctx));
  return { findings, evaluated };
}

/** Runs the cross-resource checks once the inventory is complete. */
export function evaluateInventory(inventory: Inventory, checks: CheckSet, ctx: CheckContext): Finding[] {
  const findings: Finding[] = [];
  for (const check of checks.inventory) {
    for (const violation of check.check(inventory, ctx)) findings.push(toFinding(check, violation.resource, violation, ctx));
  }
  return findings;
}
