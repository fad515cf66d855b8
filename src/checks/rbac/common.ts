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
import type { JsonObject, Resource, Severity } from '../../resources/types.js';
import { SEVERITIES, severityRank } from '../../resources/types.js';
import { asArray, isObject } from '../../resources/workloads.js';
import {
  ANONYMOUS, AUTHENTICATED, compareText, normaliseSubject, UNAUTHENTICATED,
  apiGroupMatches, bindingLabel, isFullWildcard, rbacModelOf, resourceMatches, roleLabel, ruleText, ServiceAccountUsage,
  subjectLabel, verbMatches, type Grant, type Holder, type HolderType, type PolicyRule, type RbacModel, type RoleNode,
} from '../../inventory/rbac/index.js';

/** How the permission checks depart from their catalogue severity (annexa checks, docs/checks.md, SARIF rules). */
export const RBAC_SEVERITY_ADJUSTMENTS =
  'Starting from the severity above, per grant: -1 when a RoleBinding confines it to one namespace; +1 when it is held by a '
  + 'ServiceAccount that a workload reachable from outside runs as, or by a group of many identities (system:serviceaccounts[:ns]); '
  + '-1 when held by a person (User or Group) rather than a workload; -1 when the rule is limited by resourceNames. A rule is reported '
  + 'at the severity of its most severe grant; a rule no binding in the input grants is reported one level lower. Never below high for '
  + 'anything granted to system:anonymous, system:unauthenticated or system:authenticated. The finding\'s severityReason gives the '
  + 'steps taken; a severity set in annexa.yaml replaces all of this.';
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
  /** The lowest severity a finding of the check may have, whatever the adjustments. */
  floor?: SeverityFloor;
  /** A higher floor for a granted rule that is worse than the check's usual case (impersonating any group). */
  ruleFloor?(rule: PolicyRule): SeverityFloor | undefined;
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

/** Subjects and bindings listed in a finding's message before "and N more"; related[] lists them all. */
const MESSAGE_RECEIVERS = 3;

/** One binding subject receiving a rule, with the severity that grant alone would have. */
interface Receiver {
  grant: Grant & { index: number };
  holder: Holder;
  facts: GrantFacts;
  reasons: string[];
}

/** Why one grant's severity departs from the check's, in words (empty when it does not). */
function shiftReasons(grant: Grant, holder: Holder, options: { named: boolean; reachShift: boolean }): string[] {
  const reasons: string[] = [];
  if (grant.namespace !== undefined && options.reachShift) reasons.push(`-1: confined to namespace ${grant.namespace} (RoleBinding)`);
  const by = HOLDER_SHIFT[holder.type];
  if (by > 0) reasons.push(holder.type === 'broad-group' ? `+1: ${grant.subject.name} is a group of many identities` : '+1: held by a workload reachable from outside the cluster');
  if (by < 0) reasons.push(`-1: held by a ${holder.type === 'user' ? 'user' : 'group'} of people, not a workload`);
  if (options.named) reasons.push('-1: limited to named objects (resourceNames)');
  return reasons;
}

/** The checks that never go below high: anything to anonymous or all users, escalate/bind/impersonate. */
export interface SeverityFloor {
  severity: Severity;
  reason: string;
}

/** Anonymous and all-authenticated subjects: whatever they receive is at least high. */
export const BROAD_AUDIENCE_FLOOR: SeverityFloor = { severity: 'high', reason: 'kept at high or above: granted to anonymous or all authenticated users' };

function isBroadAudience(grant: Grant): boolean {
  const s = normaliseSubject(grant.subject);
  return (s.kind === 'Group' && (s.name === AUTHENTICATED || s.name === UNAUTHENTICATED)) || (s.kind === 'User' && s.name === ANONYMOUS);
}

/** Applies a floor: a severity below it is raised to it, with the reason. */
export function floored(severity: Severity, reasons: string[], floor: SeverityFloor | undefined): { severity: Severity; reasons: string[] } {
  if (!floor || severityRank(severity) >= severityRank(floor.severity)) return { severity, reasons };
  return { severity: floor.severity, reasons: [...reasons, floor.reason] };
}

function receiverOf(grant: Grant & { index: number }, holder: Holder, base: Severity, spec: PermissionSpec, named: boolean): Receiver {
  const reachShift = spec.reachShift !== false;
  const facts = grantFacts(grant, holder, base, { extraShift: named ? -1 : 0, reachShift });
  let { severity, reasons } = floored(facts.severity, shiftReasons(grant, holder, { named, reachShift }), spec.floor);
  if (isBroadAudience(grant)) ({ severity, reasons } = floored(severity, reasons, BROAD_AUDIENCE_FLOOR));
  facts.severity = severity;
  return { grant, holder, facts, reasons };
}

/** The declared, user-owned roles whose rules a finding can point at (not built in, not a Kubernetes default). */
function isAttributable(role: RoleNode): role is RoleNode & { resource: Resource } {
  return role.resource !== undefined && !role.systemDefault;
}

/** The role and every aggregated ClusterRole that picks up its rules, directly or through another. */
function receivingRoles(role: RoleNode): RoleNode[] {
  const out: RoleNode[] = [role];
  const seen = new Set(out);
  for (let i = 0; i < out.length; i++) {
    for (const into of out[i]!.aggregatedInto ?? []) {
      if (!seen.has(into)) {
        seen.add(into);
        out.push(into);
      }
    }
  }
  return out;
}

/** Index in the manifest's `rules` list of each own rule (parseRules skips entries that are not maps). */
function ruleIndexes(role: RoleNode & { resource: Resource }): Map<PolicyRule, number> {
  const indexes = new Map<PolicyRule, number>();
  let next = 0;
  asArray(role.resource.object.rules).forEach((value, i) => {
    if (!isObject(value)) return;
    const rule = role.ownRules[next++];
    if (rule) indexes.set(rule, i);
  });
  return indexes;
}

interface RoleReceivers {
  /** Grants that count for the check (in reach, not system defaults, not system:masters). */
  receivers: Receiver[];
  /** Any binding outside the Kubernetes defaults references the role or a role aggregating it. */
  bound: boolean;
}

/** Most severe first, then by binding and subject, so that answers do not depend on input order. */
function byConcern(a: Receiver, b: Receiver): number {
  return severityRank(b.facts.severity) - severityRank(a.facts.severity)
    || compareText(bindingLabel(a.grant.binding), bindingLabel(b.grant.binding))
    || compareText(subjectLabel(a.grant.subject), subjectLabel(b.grant.subject))
    || a.grant.index - b.grant.index;
}

function describeReceiver(r: Receiver): string {
  const where = r.grant.namespace === undefined ? 'cluster-wide' : `in namespace ${r.grant.namespace}`;
  return `${subjectLabel(r.grant.subject)} ${where} via ${bindingLabel(r.grant.binding)}`;
}

function mostSevere(receivers: readonly Receiver[]): Receiver {
  return receivers.reduce((a, b) => (severityRank(b.facts.severity) > severityRank(a.facts.severity) ? b : a));
}

function reasonText(base: Severity, severity: Severity, reasons: readonly string[], about: string): string | undefined {
  if (severity === base && reasons.length === 0) return undefined;
  return `${base} → ${severity}${about ? ` (${about})` : ''}: ${reasons.join('; ') || 'no adjustment'}`;
}

function receiversDetails(receivers: readonly Receiver[]): JsonObject {
  return {
    receivers: receivers.map((r) => ({
      subject: subjectLabel(r.grant.subject), binding: bindingLabel(r.grant.binding), reach: r.grant.namespace === undefined ? 'cluster' : 'namespace',
      holder: r.holder.type, severity: r.facts.severity,
    })),
    subjects: [...new Set(receivers.map((r) => subjectLabel(r.grant.subject)))],
    bindings: [...new Set(receivers.map((r) => bindingLabel(r.grant.binding)))],
    workloads: [...new Set(receivers.flatMap((r) => summaryOf(r.holder).workloads))].sort(),
    exposedBy: [...new Set(receivers.flatMap((r) => summaryOf(r.holder).exposedBy))].sort(),
  };
}

/**
 * Violations of a permission check, each on the thing to change:
 * - a rule of a declared role that allows the risky action is reported on that rule (`rules[i]`), naming every
 *   binding subject that receives it (directly or through aggregation) in `related`; the most severe receiver
 *   decides the severity. A rule nobody in the input is bound to is still reported, one level lower: bindings
 *   often live elsewhere or are made by hand;
 * - a grant of a role the user does not own (built in, or a Kubernetes default) is reported on the binding's
 *   subject, since the binding is what to change.
 */
export function* permissionViolations(inventory: Inventory, base: Severity, spec: PermissionSpec): Iterable<InventoryViolation> {
  const { model, usage } = rbacContext(inventory);
  // Keyed by role and whether the rule is limited to named objects: that changes every receiver's severity.
  const receiversMemo = [new Map<RoleNode, RoleReceivers>(), new Map<RoleNode, RoleReceivers>()] as const;
  const receiversOf = (role: RoleNode, named: boolean): RoleReceivers => {
    const cache = receiversMemo[named ? 1 : 0];
    let memo = cache.get(role);
    if (!memo) {
      memo = { receivers: [], bound: false };
      for (const receiving of receivingRoles(role)) {
        for (const binding of model.bindingsOf(receiving)) {
          if (binding.systemDefault || !binding.role) continue;
          memo.bound = true;
          for (const { subject, index } of binding.subjects) {
            const grant: Grant & { index: number } = { binding, role: binding.role, subject, index };
            if (binding.namespace !== undefined) grant.namespace = binding.namespace;
            if (!inReach(grant, spec.reach)) continue;
            const holder = usage.holderOf(subject);
            if (holder.type === 'masters') continue;
            memo.receivers.push(receiverOf(grant, holder, base, spec, named));
          }
        }
      }
      memo.receivers.sort(byConcern);
      cache.set(role, memo);
    }
    return memo;
  };
  const attributed = new Set<PolicyRule>();
  for (const role of model.roles) {
    if (!isAttributable(role)) continue;
    if (spec.skipAdminEquivalent !== false && isAdminEquivalent(role)) continue;
    const indexes = ruleIndexes(role);
    for (const rule of role.ownRules) {
      attributed.add(rule);
      const actions = spec.match(rule);
      if (actions.length === 0) continue;
      const violation = ruleViolation(role, rule, indexes.get(rule) ?? 0, actions, receiversOf(role, rule.resourceNames.length > 0), base, spec);
      if (violation) yield violation;
    }
  }
  yield* unownedGrantViolations(model, usage, base, spec, attributed);
}

function ruleViolation(
  role: RoleNode & { resource: Resource }, rule: PolicyRule, index: number, actions: string[], found: RoleReceivers, base: Severity, spec: PermissionSpec,
): InventoryViolation | undefined {
  const named = rule.resourceNames.length > 0;
  const what = `${roleLabel(role)} rules[${index}] allows ${summarizeActions(actions)}${named ? ' (named objects only)' : ''}`;
  const details: JsonObject = { role: roleLabel(role), rule: ruleText(rule), grants: [ruleText(rule)] };
  if (found.receivers.length === 0) {
    if (found.bound || !couldBeBoundInReach(role, spec.reach)) return undefined;
    const reasons = ['-1: not bound by any binding in the input (bindings may live elsewhere)'];
    if (named) reasons.push('-1: limited to named objects (resourceNames)');
    const { severity, reasons: all } = floored(shift(base, -1 - (named ? 1 : 0)), reasons, spec.floor);
    details.reach = 'unbound';
    return {
      resource: role.resource, path: `rules[${index}]`, severity, severityReason: reasonText(base, severity, all, 'unbound role'), details,
      message: `${what}; no binding in the input grants it (reported for when it is bound elsewhere)`,
    };
  }
  const worst = mostSevere(found.receivers);
  const { severity, reasons } = floored(worst.facts.severity, worst.reasons, spec.ruleFloor?.(rule));
  Object.assign(details, receiversDetails(found.receivers));
  details.reach = found.receivers.some((r) => r.grant.namespace === undefined) ? 'cluster' : 'namespace';
  const shown = found.receivers.slice(0, MESSAGE_RECEIVERS).map(describeReceiver).join(', ');
  const more = found.receivers.length > MESSAGE_RECEIVERS ? ` and ${found.receivers.length - MESSAGE_RECEIVERS} more` : '';
  const violation: InventoryViolation = {
    resource: role.resource, path: `rules[${index}]`, severity, details,
    message: `${what}; granted to ${shown}${more}${holderText(worst.grant, worst.holder)}`,
    related: found.receivers.flatMap((r) => (r.grant.binding.resource ? [{
      resource: r.grant.binding.resource, path: `subjects[${r.grant.index}]`,
      message: `grants ${roleLabel(r.grant.role)} to ${describeReceiver(r)}`,
    }] : [])),
  };
  const reason = reasonText(base, severity, reasons, `most severe grant: ${describeReceiver(worst)}`);
  if (reason) violation.severityReason = reason;
  return violation;
}

/** Whether a role nobody binds could grant the check's risk once bound (a Role outside the reach cannot). */
function couldBeBoundInReach(role: RoleNode, reach: PermissionSpec['reach']): boolean {
  if (role.kind === 'ClusterRole' || reach === undefined || reach === 'any') return true;
  return reach !== 'cluster' && reach.namespaces.includes(role.namespace ?? 'default');
}

/** What a role allows for a permission check beyond the rules reported where they are declared, once per role. */
interface RoleVerdict {
  admin: boolean;
  matches: RuleMatch[];
}

/** Grants of roles the user does not own (built-in, Kubernetes defaults), reported on the binding subject. */
function* unownedGrantViolations(
  model: RbacModel, usage: ServiceAccountUsage, base: Severity, spec: PermissionSpec, attributed: ReadonlySet<PolicyRule>,
): Iterable<InventoryViolation> {
  const memo = new Map<RoleNode, RoleVerdict>();
  for (const grant of model.grants()) {
    const resource = grant.binding.resource;
    if (!resource || grant.binding.systemDefault || !inReach(grant, spec.reach)) continue;
    let verdict = memo.get(grant.role);
    if (!verdict) {
      const matches = matchesOf(grant.role, spec).filter((m) => !attributed.has(m.rule));
      memo.set(grant.role, (verdict = { admin: isAdminEquivalent(grant.role), matches }));
    }
    if ((spec.skipAdminEquivalent !== false && verdict.admin) || verdict.matches.length === 0) continue;
    const holder = usage.holderOf(grant.subject);
    if (holder.type === 'masters') continue;
    const named = verdict.matches.every((m) => m.rule.resourceNames.length > 0);
    const receiver = receiverOf(grant, holder, base, spec, named);
    const details = receiver.facts.details;
    details.grants = [...new Set(verdict.matches.map((m) => ruleText(m.rule)))];
    const actions = summarizeActions(verdict.matches.flatMap((m) => m.actions));
    const violation: InventoryViolation = {
      resource,
      path: `subjects[${grant.index}]`,
      severity: receiver.facts.severity,
      message: `${subjectLabel(grant.subject)} can ${actions}${named ? ' (named objects only)' : ''} ${receiver.facts.text}`,
      details,
    };
    const reason = reasonText(base, receiver.facts.severity, receiver.reasons, '');
    if (reason) violation.severityReason = reason;
    yield violation;
  }
}

/** Violations about bindings themselves (to cluster-admin, to everyone): one per binding subject whose role matches. */
export function* bindingViolations(inventory: Inventory, base: Severity, spec: PermissionSpec): Iterable<InventoryViolation> {
  const { model, usage } = rbacContext(inventory);
  const memo = new Map<RoleNode, RuleMatch[]>();
  for (const grant of model.grants()) {
    const resource = grant.binding.resource;
    if (!resource || grant.binding.systemDefault || !inReach(grant, spec.reach)) continue;
    let matches = memo.get(grant.role);
    if (!matches) memo.set(grant.role, (matches = matchesOf(grant.role, spec)));
    if (matches.length === 0) continue;
    const holder = usage.holderOf(grant.subject);
    if (holder.type === 'masters') continue;
    const named = matches.every((m) => m.rule.resourceNames.length > 0);
    const receiver = receiverOf(grant, holder, base, spec, named);
    receiver.facts.details.grants = [...new Set(matches.map((m) => ruleText(m.rule)))];
    const violation: InventoryViolation = {
      resource, path: `subjects[${grant.index}]`, severity: receiver.facts.severity, details: receiver.facts.details,
      message: `${subjectLabel(grant.subject)} can ${summarizeActions(matches.flatMap((m) => m.actions))}${named ? ' (named objects only)' : ''} ${receiver.facts.text}`,
    };
    const reason = reasonText(base, receiver.facts.severity, receiver.reasons, '');
    if (reason) violation.severityReason = reason;
    yield violation;
  }
}
