/**
 * The answers of `annexa rbac who-can` and `annexa rbac subject` as plain JSON-ready objects, built on the
 * model's indexes. Subjects are reported as the bindings name them: a grant to a group (including the implicit
 * groups system:authenticated, system:serviceaccounts, system:serviceaccounts:NS) is listed under the group.
 */
import type { AccessRequest, BindingNode, PolicyRule, SubjectRef } from './types.js';
import { bindingLabel, roleLabel, subjectLabel } from './types.js';
import type { AccessScope, RbacModel, Via } from './model.js';
import { ruleJson, ruleKey, type RuleJson } from './rules.js';
import { compareText, implicitGroups } from './subjects.js';
import type { ServiceAccountUsage, WorkloadUse } from './holders.js';
import { BASELINE_KUBERNETES_VERSION } from './builtin/baseline.js';

export interface ViaJson {
  binding: string;
  role: string;
  /** The namespace the grant is confined to (RoleBindings). */
  namespace?: string;
  /** The binding is part of Kubernetes' built-in baseline (BASELINE_KUBERNETES_VERSION), not of the input. */
  builtin?: true;
}

export interface SubjectJson {
  kind: string;
  name: string;
  namespace?: string;
}

export interface WhoCanSubjectJson extends SubjectJson {
  via: ViaJson[];
}

export interface WhoCanAnswer {
  verb: string;
  resource: string;
  apiGroup?: string;
  name?: string;
  nonResourceURL?: boolean;
  /** null: cluster-wide access only; `*`: in any namespace; otherwise the namespace asked about. */
  namespace: string | null;
  subjects: WhoCanSubjectJson[];
  /** Bindings whose role is not in the input: they may grant more than shown. */
  unresolvedBindings: string[];
  /**
   * Roles of the answer in a cycle of aggregated ClusterRoles: their rules are an over-approximation (which rules the
   * aggregation controller leaves them depends on its order), so the answer may list subjects that cannot.
   */
  overApproximated?: string[];
  /** The Kubernetes release of the built-in roles and bindings the answer used where the input has none. */
  baseline: string;
}

export function subjectJson(subject: SubjectRef): SubjectJson {
  const out: SubjectJson = { kind: subject.kind, name: subject.name };
  if (subject.namespace !== undefined) out.namespace = subject.namespace;
  return out;
}

export function viaJson(via: Via): ViaJson {
  const out: ViaJson = { binding: bindingLabel(via.binding), role: roleLabel(via.role) };
  if (via.namespace !== undefined) out.namespace = via.namespace;
  if (via.binding.builtin) out.builtin = true;
  return out;
}

function unresolvedLabel(binding: BindingNode): string {
  return `${bindingLabel(binding)} → ${binding.roleRef.kind}/${binding.roleRef.name}`;
}

/** Labels of bindings, each once: the same binding declared in several files is one line of an answer. */
function unresolvedLabels(bindings: readonly BindingNode[]): string[] {
  return [...new Set(bindings.map(unresolvedLabel))];
}

function unresolved(model: RbacModel): string[] {
  return unresolvedLabels(model.unresolvedBindings());
}

/** The grants as an answer shows them, each once (duplicated bindings would repeat identical lines). */
function uniqueVias(vias: readonly Via[]): ViaJson[] {
  const seen = new Set<string>();
  const out: ViaJson[] = [];
  for (const via of vias) {
    const json = viaJson(via);
    const key = `${json.binding}\n${json.role}\n${json.namespace ?? ''}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(json);
    }
  }
  return out;
}

function scopeNamespace(scope: AccessScope): string | null {
  return scope.type === 'cluster' ? null : scope.type === 'all' ? '*' : scope.namespace;
}

export function whoCanAnswer(model: RbacModel, request: AccessRequest, scope: AccessScope): WhoCanAnswer {
  const entries = model.whoCan(request, scope);
  const subjects = entries.map((entry) => ({ ...subjectJson(entry.subject), via: uniqueVias(entry.via) }));
  const approximate = [...new Set(entries.flatMap((e) => e.via.filter((v) => v.role.overApproximated).map((v) => roleLabel(v.role))))].sort(compareText);
  let answer: WhoCanAnswer;
  if (request.type === 'nonResource') {
    answer = { verb: request.verb, resource: request.path, nonResourceURL: true, namespace: null, subjects, unresolvedBindings: unresolved(model), baseline: BASELINE_KUBERNETES_VERSION };
  } else {
    const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
    answer = {
      verb: request.verb, resource, apiGroup: request.apiGroup, namespace: scopeNamespace(scope), subjects, unresolvedBindings: unresolved(model),
      baseline: BASELINE_KUBERNETES_VERSION,
    };
    if (request.name !== undefined) answer.name = request.name;
  }
  if (approximate.length > 0) answer.overApproximated = approximate;
  return answer;
}

export interface RuleGrantJson extends RuleJson {
  via: Array<ViaJson & { as: string }>;
}

export interface SubjectAnswer {
  subject: SubjectJson;
  /** Groups the subject is in implicitly, plus those given with --group. */
  groups: string[];
  /** Rules held cluster-wide (ClusterRoleBindings). */
  cluster: RuleGrantJson[];
  /** Rules held in one namespace (RoleBindings), by namespace. */
  namespaces: Record<string, RuleGrantJson[]>;
  /** For a ServiceAccount: the workloads in the input running as it. */
  workloads?: WorkloadUse[];
  unresolvedBindings: string[];
}

/** The rules of an answer by rule key, each with its grants and the keys of those (to list each grant once). */
type RuleList = Map<string, { json: RuleGrantJson; vias: Set<string> }>;

function addRule(list: RuleList, rule: PolicyRule, via: Via): void {
  const key = ruleKey(rule);
  let entry = list.get(key);
  if (!entry) list.set(key, (entry = { json: { ...ruleJson(rule), via: [] }, vias: new Set() }));
  const json = { ...viaJson(via), as: subjectLabel(via.subject) };
  const viaKey = `${json.binding}\n${json.role}\n${json.namespace ?? ''}\n${json.as}`;
  if (entry.vias.has(viaKey)) return;
  entry.vias.add(viaKey);
  entry.json.via.push(json);
}

function rulesOf(list: RuleList): RuleGrantJson[] {
  return [...list.values()].map((entry) => entry.json);
}

export function subjectAnswer(model: RbacModel, subject: SubjectRef, extraGroups: readonly string[], usage?: ServiceAccountUsage): SubjectAnswer {
  const cluster: RuleList = new Map();
  const namespaces = new Map<string, RuleList>();
  for (const via of model.grantsTo(subject, extraGroups)) {
    for (const rule of via.role.rules) {
      if (via.namespace === undefined) {
        addRule(cluster, rule, via);
      } else if (rule.nonResourceURLs.length === 0) { // a RoleBinding never grants non-resource URLs
        if (!namespaces.has(via.namespace)) namespaces.set(via.namespace, new Map());
        addRule(namespaces.get(via.namespace)!, rule, via);
      }
    }
  }
  const answer: SubjectAnswer = {
    subject: subjectJson(subject),
    groups: [...new Set([...implicitGroups(subject), ...extraGroups])],
    cluster: rulesOf(cluster),
    namespaces: Object.fromEntries([...namespaces].sort(([a], [b]) => compareText(a, b)).map(([ns, rules]) => [ns, rulesOf(rules)])),
    unresolvedBindings: unresolvedLabels(model.unresolvedBindingsOf(subject, extraGroups)),
  };
  if (subject.kind === 'ServiceAccount' && usage) answer.workloads = usage.workloadsOf(subject.namespace ?? 'default', subject.name);
  return answer;
}
