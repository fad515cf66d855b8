/**
 * The shape of a check: metadata plus a pure function, with its own passing and failing examples
 * (run automatically by the test suite), in the manner of ESLint rules and RuleTester cases.
 */
import type { ControlRefs, JsonObject, Resource, Severity } from '../resources/types.js';
import type { PodTemplate } from '../resources/workloads.js';
import type { Inventory } from '../inventory/inventory.js';
import type { AnnexaConfig } from '../isms/config.js';

export type CheckDomain = 'workload' | 'pss' | 'images' | 'rbac' | 'network' | 'namespace' | 'secrets' | 'cluster' | 'policy';

export interface CheckMeta {
  /** Stable, kebab-case, namespaced by domain: `workload.privileged-container`. */
  id: string;
  title: string;
  severity: Severity;
  domain: CheckDomain;
  rationale: string;
  remediation: string;
  controls: ControlRefs;
  /** Ids of equivalent checks in other tools, e.g. `KSV-0017`, `C-0057`. */
  equivalents?: string[];
  references?: string[];
  /** When and how findings of the check depart from `severity` (shown by `annexa checks`, the docs and SARIF rules). */
  severityAdjustments?: string;
}

export interface Violation {
  /** Field path from the resource root; the finding's location is resolved from it. */
  path: string;
  message: string;
  /** Overrides the check's severity for this violation (e.g. cluster-wide vs one namespace). */
  severity?: Severity;
  /** Why `severity` differs from the check's (shown in the finding); required in spirit whenever it does. */
  severityReason?: string;
  details?: JsonObject;
  /** Other resources the violation involves, with the path in each (e.g. the bindings granting a rule). */
  related?: Array<{ resource: Resource; path: string; message: string }>;
}

/** Violations of cross-resource checks name the resource they are about. */
export interface InventoryViolation extends Violation {
  resource: Resource;
}

export interface CheckContext {
  config: AnnexaConfig;
}

export interface InvalidExample {
  /** One or more YAML documents. */
  manifest: string;
  /** Paths the violations must point at (all of them, in any order); omitted = at least one violation. */
  paths?: string[];
  /** Config the example runs with (e.g. an allowed registry list). */
  config?: Partial<AnnexaConfig>;
}

export interface ValidExample {
  manifest: string;
  config?: Partial<AnnexaConfig>;
}

export interface CheckExamples {
  valid: Array<string | ValidExample>;
  invalid: InvalidExample[];
}

interface CheckBase extends CheckMeta {
  examples: CheckExamples;
}

/** Runs on every Pod and pod template (Deployment, CronJob, …). */
export interface PodCheck extends CheckBase {
  scope: 'pod';
  check(pod: PodTemplate, ctx: CheckContext): Iterable<Violation>;
}

/** Runs on each resource of the listed kinds. */
export interface ResourceCheck extends CheckBase {
  scope: 'resource';
  kinds: readonly string[];
  check(resource: Resource, ctx: CheckContext): Iterable<Violation>;
}

/** Runs once on the whole inventory (RBAC graph, NetworkPolicy coverage, namespace relations). */
export interface InventoryCheck extends CheckBase {
  scope: 'inventory';
  /** Kinds the check reasons about: it counts as evaluated (for control posture) when any is present in scope. */
  inputKinds: readonly string[];
  check(inventory: Inventory, ctx: CheckContext): Iterable<InventoryViolation>;
}

export type Check = PodCheck | ResourceCheck | InventoryCheck;

export function defineCheck<T extends Check>(check: T): T {
  if (!/^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$/.test(check.id)) throw new Error(`check id "${check.id}" is not domain.kebab-case`);
  if (check.controls.iso27001.length === 0) throw new Error(`check ${check.id} maps to no ISO/IEC 27001 control`);
  return check;
}
