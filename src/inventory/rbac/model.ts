/**
 * The RBAC graph of an estate: Roles, ClusterRoles (with aggregation resolved), RoleBindings and
 * ClusterRoleBindings, indexed so that "who can do X" and "what can S do" stay close to linear in the
 * size of the answer rather than of the estate.
 *
 * Scope semantics (as the authorizer): a ClusterRoleBinding grants its ClusterRole everywhere; a RoleBinding
 * grants its Role or ClusterRole inside the binding's namespace only, and never grants non-resource URLs or
 * cluster-scoped resources.
 */
import type { Inventory } from '../inventory.js';
import type { JsonObject, Resource } from '../../resources/types.js';
import { asArray, asObject } from '../../resources/workloads.js';
import { isSystemDefault } from './defaults.js';
import { BASELINE_BINDINGS, BASELINE_ROLES } from './builtin/baseline.js';
import { resolveAggregation } from './aggregation.js';
import { isClusterScoped } from './resource-info.js';
import { parseRules, ruleAllowsNonResource, ruleAllowsResource } from './rules.js';
import { labelsOf } from '../label-selector.js';
import { compareSubjects, compareText, keysFor, parseBindingSubject, subjectKey } from './subjects.js';
import type {
  AccessRequest, BindingKind, BindingNode, BindingSubject, Grant, PolicyRule, RoleKind, RoleNode, SubjectRef,
} from './types.js';
import { roleLabel } from './types.js';

export const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] as const;
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Where a question is asked: cluster-wide access only, within one namespace, or in any namespace. */
export type AccessScope = { type: 'cluster' } | { type: 'namespace'; namespace: string } | { type: 'all' };

export interface Via {
  binding: BindingNode;
  role: RoleNode;
  /** The subject as the binding names it (a group, for implicit membership). */
  subject: SubjectRef;
  /** The namespace the grant is confined to; undefined for a ClusterRoleBinding. */
  namespace?: string;
}

export interface WhoCanEntry {
  subject: SubjectRef;
  via: Via[];
}

/** A rule and the roles holding it: roles sharing one rule list (members of an aggregation cycle) are indexed once. */
interface RuleEntry {
  roles: readonly RoleNode[];
  rule: PolicyRule;
}

function isRbac(resource: Resource): boolean {
  return resource.apiVersion.startsWith(`${RBAC_GROUP}/`);
}

function roleKey(kind: RoleKind, name: string, namespace?: string): string {
  return kind === 'ClusterRole' ? `ClusterRole/${name}` : `Role/${namespace ?? 'default'}/${name}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** What a role or binding is made of: a declared resource, or an object of the built-in baseline. */
interface Declared {
  kind: string;
  name: string;
  namespace?: string;
  object: JsonObject;
  resource?: Resource;
}

function declaredOf(resource: Resource): Declared {
  const declared: Declared = { kind: resource.kind, name: resource.name, object: resource.object, resource };
  if (resource.namespace !== undefined) declared.namespace = resource.namespace;
  return declared;
}

/** Parsed rules of the baseline roles, shared by every model (the nodes are not: aggregation sets their rules). */
const baselineRules = new Map<JsonObject, PolicyRule[]>();

function rulesOf(declared: Declared): PolicyRule[] {
  if (declared.resource) return parseRules(declared.object.rules);
  let rules = baselineRules.get(declared.object);
  if (!rules) baselineRules.set(declared.object, (rules = parseRules(declared.object.rules)));
  return rules;
}

function roleNode(declared: Declared, kind: RoleKind): RoleNode {
  const metadata = asObject(declared.object.metadata);
  const ownRules = rulesOf(declared);
  const aggregationRule = kind === 'ClusterRole' ? declared.object.aggregationRule : undefined;
  const node: RoleNode = {
    kind, name: declared.name, ownRules, rules: ownRules, labels: labelsOf(metadata.labels),
    aggregated: aggregationRule !== undefined && aggregationRule !== null,
    systemDefault: isSystemDefault(declared.object, declared.name),
  };
  if (declared.resource) node.resource = declared.resource;
  else node.builtin = true;
  if (node.aggregated) node.aggregationRule = aggregationRule!;
  if (kind === 'Role') node.namespace = declared.namespace ?? 'default';
  return node;
}

function bindingNode(declared: Declared, kind: BindingKind): BindingNode {
  const namespace = kind === 'RoleBinding' ? declared.namespace ?? 'default' : undefined;
  const ref = asObject(declared.object.roleRef);
  const refKind: RoleKind = ref.kind === 'Role' ? 'Role' : 'ClusterRole';
  const subjects: BindingSubject[] = [];
  asArray(declared.object.subjects).forEach((value, index) => {
    const subject = parseBindingSubject(value, namespace);
    if (subject) subjects.push({ subject, index, key: subjectKey(subject) });
  });
  const node: BindingNode = {
    kind, name: declared.name, subjects,
    roleRef: { kind: refKind, name: typeof ref.name === 'string' ? ref.name : '' },
    systemDefault: isSystemDefault(declared.object, declared.name),
  };
  if (declared.resource) node.resource = declared.resource;
  else node.builtin = true;
  if (namespace !== undefined) node.namespace = namespace;
  return node;
}

function bindingKey(kind: BindingKind, name: string, namespace?: string): string {
  return kind === 'ClusterRoleBinding' ? `ClusterRoleBinding/${name}` : `RoleBinding/${namespace ?? 'default'}/${name}`;
}

export class RbacModel {
  readonly roles: RoleNode[] = [];
  readonly bindings: BindingNode[] = [];
  private readonly rolesByKey = new Map<string, RoleNode>();
  /** Role key → ClusterRoleBindings and RoleBindings referencing it. */
  private readonly bindingsByRole = new Map<string, BindingNode[]>();
  /** Subject key → (binding, subject) pairs naming it. */
  private readonly bySubject = new Map<string, Array<{ binding: BindingNode; subject: SubjectRef }>>();
  /** Resource entry of a rule (`pods`, `*`, `*\/scale`, `pods/exec`) → the rules listing it. */
  private readonly byResource = new Map<string, RuleEntry[]>();
  private readonly nonResource: RuleEntry[] = [];
  private readonly subjectsByKey = new Map<string, SubjectRef>();
  private ranks: Map<SubjectRef, number> | undefined;

  static fromResources(resources: Iterable<Resource>): RbacModel {
    const model = new RbacModel();
    const roles: Resource[] = [];
    const bindings: Resource[] = [];
    for (const r of resources) {
      if (!isRbac(r)) continue;
      if (r.kind === 'Role' || r.kind === 'ClusterRole') roles.push(r);
      else if (r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding') bindings.push(r);
    }
    model.addRoles(roles);
    model.addBindings(bindings);
    return model;
  }

  private addRoles(resources: Resource[]): void {
    for (const resource of resources) {
      const node = roleNode(declaredOf(resource), resource.kind as RoleKind);
      this.rolesByKey.set(roleKey(node.kind, node.name, node.namespace), node); // a later duplicate replaces the earlier
    }
    for (const builtin of BASELINE_ROLES) {
      const kind = builtin.kind as RoleKind;
      const key = roleKey(kind, builtin.name, builtin.namespace);
      if (!this.rolesByKey.has(key)) this.rolesByKey.set(key, roleNode(builtin, kind));
    }
    this.roles.push(...this.rolesByKey.values());
    resolveAggregation(this.roles.filter((r) => r.kind === 'ClusterRole'));
    const byList = new Map<readonly PolicyRule[], RoleNode[]>();
    for (const role of this.roles) push(byList, role.rules, role);
    for (const [rules, roles] of byList) this.indexRules(rules, roles);
  }

  private indexRules(rules: readonly PolicyRule[], roles: readonly RoleNode[]): void {
    for (const rule of rules) {
      if (rule.nonResourceURLs.length > 0) this.nonResource.push({ roles, rule });
      for (const entry of new Set(rule.resources)) push(this.byResource, entry, { roles, rule });
    }
  }

  private addBindings(resources: Resource[]): void {
    const declared = new Set<string>();
    for (const resource of resources) declared.add(bindingKey(resource.kind as BindingKind, resource.name, resource.namespace));
    const builtins = BASELINE_BINDINGS.filter((b) => !declared.has(bindingKey(b.kind as BindingKind, b.name, b.namespace)));
    for (const source of [...resources.map(declaredOf), ...builtins]) {
      const node = bindingNode(source, source.kind as BindingKind);
      if (node.kind === 'ClusterRoleBinding' && node.roleRef.kind === 'Role') continue; // rejected by the API server
      const key = roleKey(node.roleRef.kind, node.roleRef.name, node.namespace);
      const role = this.rolesByKey.get(key);
      if (role) node.role = role;
      this.bindings.push(node);
      push(this.bindingsByRole, key, node);
      for (const named of node.subjects) {
        named.subject = this.intern(named.key, named.subject);
        push(this.bySubject, named.key, { binding: node, subject: named.subject });
      }
    }
  }

  /** Position of every distinct subject in answer order (groups, users, service accounts), computed once. */
  private subjectRanks(): Map<SubjectRef, number> {
    if (!this.ranks) {
      const sorted = [...this.subjectsByKey.values()].sort(compareSubjects);
      this.ranks = new Map(sorted.map((subject, i) => [subject, i]));
    }
    return this.ranks;
  }

  /** One shared object per distinct subject, so that answers can be keyed by identity. */
  private intern(key: string, subject: SubjectRef): SubjectRef {
    const known = this.subjectsByKey.get(key);
    if (known) return known;
    this.subjectsByKey.set(key, subject);
    return subject;
  }

  role(kind: RoleKind, name: string, namespace?: string): RoleNode | undefined {
    return this.rolesByKey.get(roleKey(kind, name, namespace));
  }

  /** Bindings referencing a role (RoleBindings of a ClusterRole in any namespace). */
  bindingsOf(role: RoleNode): BindingNode[] {
    return this.bindingsByRole.get(roleKey(role.kind, role.name, role.namespace)) ?? [];
  }

  /** Bindings whose role is neither in the input nor built in: answers about them are incomplete. */
  unresolvedBindings(): BindingNode[] {
    return this.bindings.filter((b) => b.role === undefined);
  }

  /** Roles having at least one rule that allows the request (whatever their bindings). */
  rolesAllowing(request: AccessRequest): Set<RoleNode> {
    const roles = new Set<RoleNode>();
    if (request.type === 'nonResource') {
      for (const entry of this.nonResource) if (ruleAllowsNonResource(entry.rule, request)) for (const role of entry.roles) roles.add(role);
      return roles;
    }
    const keys = [`${request.resource}${request.subresource ? `/${request.subresource}` : ''}`, '*'];
    if (request.subresource) keys.push(`*/${request.subresource}`);
    for (const key of keys) {
      for (const entry of this.byResource.get(key) ?? []) {
        if (entry.roles.every((role) => roles.has(role)) || !ruleAllowsResource(entry.rule, request)) continue;
        for (const role of entry.roles) roles.add(role);
      }
    }
    return roles;
  }

  /** Every subject a binding names that may make the request in the scope, with the grants that allow it. */
  whoCan(request: AccessRequest, scope: AccessScope): WhoCanEntry[] {
    const namespacedOk = request.type === 'resource' && !isClusterScoped(request.resource, request.apiGroup);
    const entries = new Map<SubjectRef, WhoCanEntry>();
    for (const role of this.rolesAllowing(request)) {
      for (const binding of this.bindingsOf(role)) {
        if (!bindingInScope(binding, scope, namespacedOk)) continue;
        for (const { subject } of binding.subjects) {
          let entry = entries.get(subject);
          if (!entry) entries.set(subject, (entry = { subject, via: [] }));
          entry.via.push(viaOf(binding, role, subject));
        }
      }
    }
    const rank = this.subjectRanks();
    const list = [...entries.values()].map((entry) => ({ entry, rank: rank.get(entry.subject) ?? 0 }))
      .sort((a, b) => a.rank - b.rank)
      .map(({ entry }) => entry);
    for (const entry of list) if (entry.via.length > 1) entry.via.sort(compareVia);
    return list;
  }

  /** The grants a subject holds: directly, through its implicit groups and through `extraGroups`. */
  grantsTo(subject: SubjectRef, extraGroups: readonly string[] = []): Via[] {
    const out: Via[] = [];
    for (const key of keysFor(subject, extraGroups)) {
      for (const { binding, subject: named } of this.bySubject.get(key) ?? []) {
        if (binding.role) out.push(viaOf(binding, binding.role, named));
      }
    }
    return out.sort(compareVia);
  }

  /** Bindings naming the subject (or its groups) whose role is unknown. */
  unresolvedBindingsOf(subject: SubjectRef, extraGroups: readonly string[] = []): BindingNode[] {
    const out = new Set<BindingNode>();
    for (const key of keysFor(subject, extraGroups)) {
      for (const { binding } of this.bySubject.get(key) ?? []) if (!binding.role) out.add(binding);
    }
    return [...out];
  }

  /** Whether the subject may make the request in a namespace (undefined: a cluster-scoped request). */
  allows(subject: SubjectRef, request: AccessRequest, namespace?: string, extraGroups: readonly string[] = []): Via | undefined {
    const roles = this.rolesAllowing(request);
    const namespaced = namespace !== undefined && request.type === 'resource';
    return this.grantsTo(subject, extraGroups).find((via) =>
      roles.has(via.role) && (via.namespace === undefined || (namespaced && via.namespace === namespace)));
  }

  /** Grants of every binding to every subject (for checks), skipping bindings whose role is unknown. */
  *grants(): Iterable<Grant & { index: number }> {
    for (const binding of this.bindings) {
      if (!binding.role) continue;
      for (const { subject, index } of binding.subjects) {
        const grant: Grant & { index: number } = { binding, role: binding.role, subject, index };
        if (binding.namespace !== undefined) grant.namespace = binding.namespace;
        yield grant;
      }
    }
  }
}

function bindingInScope(binding: BindingNode, scope: AccessScope, namespacedOk: boolean): boolean {
  if (binding.kind === 'ClusterRoleBinding') return true;
  if (!namespacedOk) return false;
  if (scope.type === 'all') return true;
  return scope.type === 'namespace' && binding.namespace === scope.namespace;
}

function viaOf(binding: BindingNode, role: RoleNode, subject: SubjectRef): Via {
  const via: Via = { binding, role, subject };
  if (binding.namespace !== undefined) via.namespace = binding.namespace;
  return via;
}

function compareVia(a: Via, b: Via): number {
  return compareText(a.namespace ?? '', b.namespace ?? '')
    || compareText(a.binding.kind, b.binding.kind)
    || compareText(a.binding.name, b.binding.name)
    || compareText(roleLabel(a.role), roleLabel(b.role));
}

/** The model of an inventory, built once and shared by the checks of a run that need it. */
export function rbacModelOf(inventory: Inventory): RbacModel {
  return inventory.derived('rbac-model', () => RbacModel.fromResources(inventory.ofKind(...RBAC_KINDS)));
}
