/**
 * PolicyRule parsing and matching, with the semantics of the Kubernetes RBAC authorizer:
 * - `*` in verbs, apiGroups or resources matches anything (a `*` resource also matches every subresource);
 * - a resource entry `pods/exec` matches only that subresource; `*\/exec` matches the `exec` subresource of any
 *   resource; `pods/*` is NOT a wildcard (the authorizer compares it literally);
 * - resourceNames restricts the rule to requests naming one of them; a request without a name (list,
 *   create, watch of a collection) is not allowed by a rule with resourceNames;
 * - nonResourceURLs: `*` matches any path; an entry ending in `*` matches paths with that prefix.
 */
import type { JsonValue } from '../../resources/types.js';
import { asArray, isObject } from '../../resources/workloads.js';
import { stringItems } from '../../resources/values.js';
import type { AccessRequest, NonResourceRequest, PolicyRule, ResourceRequest } from './types.js';

export function parseRule(value: JsonValue): PolicyRule | undefined {
  if (!isObject(value)) return undefined;
  return {
    verbs: stringItems(value.verbs),
    apiGroups: stringItems(value.apiGroups),
    resources: stringItems(value.resources),
    resourceNames: stringItems(value.resourceNames),
    nonResourceURLs: stringItems(value.nonResourceURLs),
  };
}

export function parseRules(value: JsonValue | undefined): PolicyRule[] {
  return asArray(value).flatMap((rule) => parseRule(rule) ?? []);
}

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.includes('*') || rule.verbs.includes(verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.includes('*') || rule.apiGroups.includes(group);
}

/** The `resource[/subresource]` string the authorizer compares rule entries with. */
export function combinedResource(resource: string, subresource?: string): string {
  return subresource ? `${resource}/${subresource}` : resource;
}

export function resourceMatches(rule: PolicyRule, resource: string, subresource?: string): boolean {
  const combined = combinedResource(resource, subresource);
  for (const entry of rule.resources) {
    if (entry === '*' || entry === combined) return true;
    if (subresource && entry === `*/${subresource}`) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string | undefined): boolean {
  if (rule.resourceNames.length === 0) return true;
  return name !== undefined && name !== '' && rule.resourceNames.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const entry of rule.nonResourceURLs) {
    if (entry === '*' || entry === path) return true;
    if (entry.endsWith('*') && path.startsWith(entry.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllowsResource(rule: PolicyRule, request: ResourceRequest): boolean {
  return verbMatches(rule, request.verb)
    && apiGroupMatches(rule, request.apiGroup)
    && resourceMatches(rule, request.resource, request.subresource)
    && resourceNameMatches(rule, request.name);
}

export function ruleAllowsNonResource(rule: PolicyRule, request: NonResourceRequest): boolean {
  return verbMatches(rule, request.verb) && nonResourceURLMatches(rule, request.path);
}

export function ruleAllows(rule: PolicyRule, request: AccessRequest): boolean {
  return request.type === 'resource' ? ruleAllowsResource(rule, request) : ruleAllowsNonResource(rule, request);
}

/** True when the rule grants every verb on every resource of every group (cluster-admin's `*\/*\/*`). */
export function isFullWildcard(rule: PolicyRule): boolean {
  return rule.verbs.includes('*') && rule.apiGroups.includes('*') && rule.resources.includes('*') && rule.resourceNames.length === 0;
}

const keys = new WeakMap<PolicyRule, string>();

/** A stable key of a rule, to merge identical rules (computed once per rule object). */
export function ruleKey(rule: PolicyRule): string {
  let key = keys.get(rule);
  if (key === undefined) {
    key = JSON.stringify([rule.verbs, rule.apiGroups, rule.resources, rule.resourceNames, rule.nonResourceURLs]);
    keys.set(rule, key);
  }
  return key;
}

/** The rule as JSON, without its empty lists. */
export interface RuleJson {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

export function ruleJson(rule: PolicyRule): RuleJson {
  const out: RuleJson = { verbs: [] };
  if (rule.nonResourceURLs.length > 0) {
    out.nonResourceURLs = rule.nonResourceURLs;
  } else {
    out.apiGroups = rule.apiGroups;
    out.resources = rule.resources;
  }
  if (rule.resourceNames.length > 0) out.resourceNames = rule.resourceNames;
  out.verbs = rule.verbs;
  return out;
}

/** `get,list secrets` / `get /healthz`, for messages and tables. */
export function ruleText(rule: PolicyRule): string {
  const verbs = rule.verbs.join(',');
  if (rule.nonResourceURLs.length > 0) return `${verbs} ${rule.nonResourceURLs.join(',')}`;
  const groups = rule.apiGroups.map((g) => (g === '' ? 'core' : g)).join(',');
  const names = rule.resourceNames.length > 0 ? ` [${rule.resourceNames.join(',')}]` : '';
  return `${verbs} ${rule.resources.join(',')} (${groups})${names}`;
}
