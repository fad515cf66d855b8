/**
 * Shared machinery of the RBAC risk checks. A permission check looks at every grant (binding × subject)
 * of the input, skips Kubernetes' own bootstrap bindings, and reports the grants whose role allows a risky
 * action. Severity starts from the check's and is adjusted by:
 * - reach: a grant confined to one namespace (RoleBinding) is one level lower than a cluster-wide one;
 * - holder: a ServiceAccount that an internet-exposed workload runs as, or a group everyone is in, is one
 *   level higher; a human User or Group one level lower than a workload's ServiceAccount;
 * - resourceNames: a rule limited to named objects is one level lower.
 * Grants to `system:masters` are skipped: that group bypasses RBAC altogether.
 */
import type { InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import type { JsonObject, Severity } from '../../resources/types.js';
import { SEVERITIES } from '../../resources/types.js';
import {
  apiGroupMatches, bindingLabel, isFullWildcard, rbacModelOf, resourceMatches, roleLabel, ruleText, ServiceAccountUsage,
  subjectLabel, verbMatches, type Grant, type Holder, type HolderType, type PolicyRule, type RbacModel, type RoleNode,
} from '../../inventory/rbac/index.js';

export const NSA_RBAC = 'Authentication and authorization: least-privilege RBAC';
export const RBAC_INPUT_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] as const;

export interface RbacContext {
  model: RbacModel;
  usage: ServiceAccountUsage;
}

export function rbacContext(inventory: Inventory): RbacContext {
  return { model: rbacModelOf(inventory), usage: ServiceAccountUsage.of(inventory) };
}

const HOLDER_SHIFT: Record<HolderType, number> = {
  'exposed-workload': 1, 'broad-group': 1, workload: 0, 'service-account': 0, user: -1, group: -1, masters: 0,
};

/** Moves a severity up (positive) or down (negative), staying between low and critical. */
export function shift(severity: Severity, by: number): Severity {
  const index = SEVERITIES.indexOf(severity) - by;
  return SEVERITIES[Math.max(0, Math.min(SEVERITIES.indexOf('low'), index))]!;
}

/** True when the role grants everything (a `*` verb on `*` resources of `*` groups), like cluster-admin. */
export function isAdminEquivalent(role: RoleNode): boolean {
  return role.rules.some(isFullWildcard);
}

/** A set of risky actions: any of `verbs` on any of `resources` (`pods/exec` style) of `group`. */
export interface Capability {
  verbs: readonly string[];
  group: string;
  resources: readonly string[];
}

/** `verb resource` pairs of the capability the rule allows (ignoring resourceNames). */
export function capabilityGrants(rule: PolicyRule, capability: Capability): string[] {
  if (!apiGroupMatches(rule, capability.group)) return [];
  const out: string[] = [];
  for (const combined of capability.resources) {
    const [resource, subresource] = combined.split('/') as [string, string | undefined];
    if (!resourceMatches(rule, resource, subresource)) continue;
    for (const verb of capability.verbs) if (verbMatches(rule, verb)) out.push(`${verb} ${combined}`);
  }
  return out;
}

export interface RuleMatch {
  /** What the rule allows, for the message: `get secrets`, `create pods/exec`. */
  actions: string[];
  rule: PolicyRule;
}

export interface PermissionSpec {
  /** What the grant allows, per rule; empty when the rule is harmless for this check. */
  match(rule: PolicyRule): string[];
  /** Which grants count: all (default), cluster-wide only, or cluster-wide plus the listed namespaces. */
  reach?: 'any' | 'cluster' | { namespaces: readonly string[] };
  /** Skip roles equivalent to cluster-admin (reported by rbac.cluster-admin-binding). Default true. */
  skipAdminEquivalent?: boolean;
  /** Lower the severity of namespace-confined grants. Default true. */
  reachShift?: boolean;
}

function inReach(grant: Grant, reach: PermissionSpec['reach']): boolean {
  if (reach === undefined || reach === 'any') return true;
  if (grant.namespace === undefined) return true;
  return reach !== 'cluster' && reach.namespaces.includes(grant.namespace);
}

function matchesOf(role: RoleNode, spec: PermissionSpec): RuleMatch[] {
  return role.rules.flatMap((rule) => {
    const actions = spec.match(rule);
    return actions.length > 0 ? [{ actions, rule }] : [];
  });
}

/** What the findings of a holder say about its workloads, computed once per holder (it holds many grants). */
interface HolderSummary {
  workloads: readonly string[];
  exposedBy: readonly string[];
  text: string;
}

const summaries = new WeakMap<Holder, HolderSummary>();

function summaryOf(holder: Holder): HolderSummary {
  let summary = summaries.get(holder);
  if (!summary) {
    const workloads = [...new Set(holder.workloads.map((w) => w.workload))];
    const exposedBy = [...new Set(holder.workloads.flatMap((w) => w.exposedBy))];
    const text = holder.type === 'exposed-workload' ? `; held by ${workloads.join(', ')}, exposed by ${exposedBy.join(', ')}`
      : holder.type === 'workload' ? `; held by ${workloads.join(', ')}` : '';
    summaries.set(holder, (summary = { workloads, exposedBy, text }));
  }
  return summary;
}

function holderText(grant: Grant, holder: Holder): string {
  if (holder.type === 'broad-group') return `; ${grant.subject.name} is an implicit group of many identities`;
  return summaryOf(holder).text;
}

export interface GrantFacts {
  severity: Severity;
  details: JsonObject;
  text: string;
}

export interface FactOptions {
  /** Added to the severity shift (e.g. -1 for rules limited by resourceNames). */
  extraShift?: number;
  /** Lower namespace-confined grants by one level (default true). */
  reachShift?: boolean;
  /** Adjust by holder (default true). */
  holderShift?: boolean;
}

/** Severity, details and message tail of a grant, from its reach and its holder. */
export function grantFacts(grant: Grant, holder: Holder, base: Severity, options: FactOptions = {}): GrantFacts {
  const clusterWide = grant.namespace === undefined;
  const reach = clusterWide || options.reachShift === false ? 0 : -1;
  const by = (options.holderShift === false ? 0 : HOLDER_SHIFT[holder.type]) + reach + (options.extraShift ?? 0);
  const details: JsonObject = {
    reach: clusterWide ? 'cluster' : 'namespace',
    holder: holder.type,
    subject: subjectLabel(grant.subject),
    binding: bindingLabel(grant.binding),
    role: roleLabel(grant.role),
    workloads: [...summaryOf(holder).workloads],
    exposedBy: [...summaryOf(holder).exposedBy],
  };
  if (!clusterWide) details.namespace = grant.namespace!;
  const where = clusterWide ? 'cluster-wide' : `in namespace ${grant.namespace}`;
  const text = `${where} via ${roleLabel(grant.role)} (${bindingLabel(grant.binding)})${holderText(grant, holder)}`;
  return { severity: shift(base, by), details, text };
}

/** `get secrets`, `list secrets`, `create pods/exec` → `get,list secrets; create pods/exec`. */
export function summarizeActions(actions: readonly string[]): string {
  const byTarget = new Map<string, Set<string>>();
  for (const action of actions) {
    const space = action.indexOf(' ');
    const [verb, target] = space < 0 ? [action, ''] : [action.slice(0, space), action.slice(space + 1)];
    if (!byTarget.has(target)) byTarget.set(target, new Set());
    byTarget.get(target)!.add(verb);
  }
  return [...byTarget].map(([target, verbs]) => `${[...verbs].join(',')}${target ? ` ${target}` : ''}`).join('; ');
}

/** What a role allows for a permission check, worked out once per role (many grants share a role). */
interface RoleVerdict {
  /** Equivalent to cluster-admin. */
  admin: boolean;
  matches: boolean;
  /** Every matching rule is limited by resourceNames. */
  named: boolean;
  /** The summary of the actions, for the message. */
  actions: string;
  /** The matching rules, each text once (a role may repeat a rule). */
  grants: readonly string[];
}

function verdictOf(role: RoleNode, spec: PermissionSpec): RoleVerdict {
  const matches = matchesOf(role, spec);
  return {
    admin: isAdminEquivalent(role),
    matches: matches.length > 0,
    named: matches.every((m) => m.rule.resourceNames.length > 0),
    actions: summarizeActions(matches.flatMap((m) => m.actions)),
    grants: [...new Set(matches.map((m) => ruleText(m.rule)))],
  };
}

/** Violations of a permission check: one per binding subject whose role allows the risky action. */
export function* permissionViolations(inventory: Inventory, base: Severity, spec: PermissionSpec): Iterable<InventoryViolation> {
  const { model, usage } = rbacContext(inventory);
  const memo = new Map<RoleNode, RoleVerdict>();
  for (const grant of model.grants()) {
    if (grant.binding.systemDefault || !inReach(grant, spec.reach)) continue;
    let verdict = memo.get(grant.role);
    if (!verdict) memo.set(grant.role, (verdict = verdictOf(grant.role, spec)));
    if (spec.skipAdminEquivalent !== false && verdict.admin) continue;
    if (!verdict.matches) continue;
    const holder = usage.holderOf(grant.subject);
    if (holder.type === 'masters') continue;
    const { named, actions } = verdict;
    const facts = grantFacts(grant, holder, base, { extraShift: named ? -1 : 0, reachShift: spec.reachShift !== false });
    facts.details.grants = [...verdict.grants];
    yield {
      resource: grant.binding.resource,
      path: `subjects[${grant.index}]`,
      severity: facts.severity,
      message: `${subjectLabel(grant.subject)} can ${actions}${named ? ' (named objects only)' : ''} ${facts.text}`,
      details: facts.details,
    };
  }
}
