/**
 * ClusterRole aggregation as the clusterrole-aggregation controller performs it: the rules of a ClusterRole
 * with an `aggregationRule` are replaced by the union of the rules of every other ClusterRole matched by any
 * of its `clusterRoleSelectors`. Aggregated roles that are themselves selected contribute their aggregated
 * rules (admin ⊇ edit ⊇ view), so the result is the fixed point, computed here in dependency order. A cycle is
 * ambiguous on static input and resolved to an over-approximation (see resolveComponent).
 */
import { asArray, asObject, isObject } from '../../resources/workloads.js';
import { compileSelector, type LabelSelector } from '../label-selector.js';
import { ruleKey } from './rules.js';
import type { PolicyRule, RoleNode } from './types.js';

function selectorsOf(role: RoleNode): LabelSelector[] {
  const rule = asObject(role.aggregationRule);
  // A null or malformed selector selects nothing, as in the controller.
  return asArray(rule.clusterRoleSelectors)
    .filter(isObject)
    .map((value) => compileSelector(value))
    .filter((selector) => selector.problem === undefined);
}

/** ClusterRoles by `key=value` label, to find selector matches without scanning every role. */
function labelIndex(roles: readonly RoleNode[]): Map<string, RoleNode[]> {
  const index = new Map<string, RoleNode[]>();
  for (const role of roles) {
    for (const [key, value] of Object.entries(role.labels)) {
      const k = `${key}=${value}`;
      const list = index.get(k);
      if (list) list.push(role);
      else index.set(k, [role]);
    }
  }
  return index;
}

function candidates(selector: LabelSelector, roles: readonly RoleNode[], index: Map<string, RoleNode[]>): readonly RoleNode[] {
  let best: readonly RoleNode[] | undefined;
  for (const requirement of selector.requirements) {
    if (requirement.op !== 'In' || requirement.values.size !== 1) continue;
    const list = index.get(`${requirement.key}=${[...requirement.values][0]}`) ?? [];
    if (!best || list.length < best.length) best = list;
  }
  return best ?? roles;
}

/** Sources of each aggregated role: the other ClusterRoles its selectors match, sorted by name. */
function sourcesOf(aggregated: RoleNode, roles: readonly RoleNode[], index: Map<string, RoleNode[]>): RoleNode[] {
  const found = new Set<RoleNode>();
  for (const selector of selectorsOf(aggregated)) {
    for (const role of candidates(selector, roles, index)) {
      if (role !== aggregated && selector.matches(role.labels)) found.add(role);
    }
  }
  return [...found].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The rules of the lists, each once, in order of first appearance. */
function unionOf(lists: Iterable<readonly PolicyRule[]>): PolicyRule[] {
  const seen = new Set<string>();
  const rules: PolicyRule[] = [];
  for (const list of lists) {
    for (const rule of list) {
      const key = ruleKey(rule);
      if (!seen.has(key)) {
        seen.add(key);
        rules.push(rule);
      }
    }
  }
  return rules;
}

function union(sources: readonly RoleNode[]): PolicyRule[] {
  return unionOf(sources.map((source) => source.rules));
}

/**
 * Rules of the aggregated roles of one strongly connected component, whose sources outside it are resolved.
 * A single role (no cycle) gets the union of its sources. Roles aggregating each other are ambiguous in a static
 * input: the controller sets each to the union of the rules its sources hold when it runs, so which of the
 * members' rules as written survive depends on the order it reconciles them in. Every member gets the union of
 * the rules of the sources outside the cycle and of every member's rules as written: an over-approximation (a
 * security tool must not under-report), flagged on the members (`overApproximated`).
 */
function resolveComponent(component: readonly RoleNode[], sources: ReadonlyMap<RoleNode, readonly RoleNode[]>): void {
  if (component.length === 1) {
    const role = component[0]!;
    role.rules = union(sources.get(role) ?? []);
    return;
  }
  const members = new Set(component);
  const outside = new Set<RoleNode>();
  const sorted = [...component].sort(byName);
  for (const member of sorted) {
    for (const source of sources.get(member) ?? []) if (!members.has(source)) outside.add(source);
  }
  const shared = unionOf([...[...outside].map((source) => source.rules), ...sorted.map((member) => member.ownRules)]);
  for (const member of component) {
    member.rules = shared;
    member.overApproximated = true;
  }
}

function byName(a: RoleNode, b: RoleNode): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Sets `rules` of every aggregated ClusterRole among `clusterRoles` (mutates the nodes). */
export function resolveAggregation(clusterRoles: readonly RoleNode[]): void {
  const aggregated = clusterRoles.filter((r) => r.aggregated);
  if (aggregated.length === 0) return;
  const index = labelIndex(clusterRoles);
  const sources = new Map(aggregated.map((role) => [role, sourcesOf(role, clusterRoles, index)]));
  for (const [role, list] of sources) for (const source of list) (source.aggregatedInto ??= []).push(role);
  for (const role of aggregated) {
    if (role.rules === role.ownRules) role.rules = [];
  }
  // Tarjan's strongly connected components over "aggregates" edges between aggregated roles: a component is
  // complete once everything it aggregates is, so each is resolved once, sources first. An explicit stack,
  // not recursion: the input decides how deep the chain of aggregated roles goes (a chain of thousands
  // overflowed the call stack), and a cycle is resolved at once rather than by repeated passes over all
  // roles (a ring of 800 took half a minute).
  const order = new Map<RoleNode, { index: number; low: number }>();
  const open: RoleNode[] = [];
  const onOpen = new Set<RoleNode>();
  const stack: Array<{ role: RoleNode; sources: readonly RoleNode[]; next: number }> = [];
  const enter = (role: RoleNode): void => {
    order.set(role, { index: order.size, low: order.size });
    open.push(role);
    onOpen.add(role);
    stack.push({ role, sources: sources.get(role) ?? [], next: 0 });
  };
  for (const root of aggregated) {
    if (order.has(root)) continue;
    enter(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const mark = order.get(frame.role)!;
      if (frame.next < frame.sources.length) {
        const source = frame.sources[frame.next++]!;
        if (!source.aggregated) continue;
        const seen = order.get(source);
        if (seen === undefined) enter(source);
        else if (onOpen.has(source)) mark.low = Math.min(mark.low, seen.index);
        continue;
      }
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) {
        const up = order.get(parent.role)!;
        up.low = Math.min(up.low, mark.low);
      }
      if (mark.low !== mark.index) continue;
      const component: RoleNode[] = [];
      let member: RoleNode;
      do {
        member = open.pop()!;
        onOpen.delete(member);
        component.push(member);
      } while (member !== frame.role);
      resolveComponent(component, sources);
    }
  }
}
