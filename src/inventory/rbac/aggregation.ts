/**
 * ClusterRole aggregation as the clusterrole-aggregation controller performs it: the rules of a ClusterRole
 * with an `aggregationRule` are replaced by the union of the rules of every other ClusterRole matched by any
 * of its `clusterRoleSelectors`. Aggregated roles that are themselves selected contribute their aggregated
 * rules (admin ⊇ edit ⊇ view), so the result is the fixed point, computed here in dependency order; a cycle
 * converges to the union of its members' rules, as the controller eventually does.
 */
import { asArray, asObject, isObject } from '../../resources/workloads.js';
import { compileSelector, type LabelSelector } from '../label-selector.js';
import { ruleKey } from './rules.js';
import type { PolicyRule, RoleNode } from './types.js';

function selectorsOf(role: RoleNode): LabelSelector[] {
  const rule = asObject(role.resource?.object.aggregationRule);
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

function union(sources: readonly RoleNode[]): PolicyRule[] {
  const seen = new Set<string>();
  const rules: PolicyRule[] = [];
  for (const source of sources) {
    for (const rule of source.rules) {
      const key = ruleKey(rule);
      if (!seen.has(key)) {
        seen.add(key);
        rules.push(rule);
      }
    }
  }
  return rules;
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
  // Depth-first, sources before the roles aggregating them. An explicit stack, not recursion: the input
  // decides how deep the chain of aggregated roles goes (a chain of thousands overflowed the call stack).
  const state = new Map<RoleNode, 'visiting' | 'done'>();
  const stack: Array<{ role: RoleNode; sources: readonly RoleNode[]; next: number }> = [];
  const enter = (role: RoleNode): void => {
    state.set(role, 'visiting');
    stack.push({ role, sources: sources.get(role) ?? [], next: 0 });
  };
  let cyclic = false;
  for (const root of aggregated) {
    if (state.has(root)) continue;
    enter(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      let descended = false;
      while (frame.next < frame.sources.length) {
        const source = frame.sources[frame.next++]!;
        if (!source.aggregated) continue;
        const s = state.get(source);
        if (s === 'visiting') cyclic = true;
        else if (s === undefined) {
          enter(source);
          descended = true;
          break;
        }
      }
      if (descended) continue;
      frame.role.rules = union(frame.sources);
      state.set(frame.role, 'done');
      stack.pop();
    }
  }
  if (cyclic) converge(aggregated, sources);
}

/** Repeats the union until nothing changes (only needed when aggregation rules form a cycle). */
function converge(aggregated: readonly RoleNode[], sources: Map<RoleNode, RoleNode[]>): void {
  for (let pass = 0; pass <= aggregated.length; pass += 1) {
    let changed = false;
    for (const role of aggregated) {
      const next = union(sources.get(role) ?? []);
      if (next.length !== role.rules.length) changed = true;
      role.rules = next;
    }
    if (!changed) return;
  }
}
