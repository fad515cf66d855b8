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

export interface ViaJson {
  binding: string;
  role: string;
  /** The namespace the grant is confined to (RoleBindings). */
  namespace?: string;
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
}

export function subjectJson(subject: SubjectRef): SubjectJson {
  const out: SubjectJson = { kind: subject.kind, name: subject.name };
  if (subject.namespace !== undefined) out.namespace = subject.namespace;
  return out;
}

export function viaJson(via: Via): ViaJson {
  const out: ViaJson = { binding: bindingLabel(via.binding), role: roleLabel(via.role) };
  if (via.namespace !== undefined) out.namespace = via.namespace;
  return out;
}

function unresolvedLabel(binding: BindingNode): string {
  return `${bindingLabel(binding)} → ${binding.roleRef.kind}/${binding.roleRef.name}`;
}

function unresolved(model: RbacModel): string[] {
  return model.unresolvedBindings().map(unresolvedLabel);
}

function scopeNamespace(scope: AccessScope): string | null {
  return scope.type === 'cluster' ? null : scope.type === 'all' ? '*' : scope.namespace;
}

export function whoCanAnswer(model: RbacModel, request: AccessRequest, scope: AccessScope): WhoCanAnswer {
  const subjects = model.whoCan(request, scope).map((entry) => ({ ...subjectJson(entry.subject), via: entry.via.map(viaJson) }));
  if (request.type === 'nonResource') {
    return { verb: request.verb, resource: request.path, nonResourceURL: true, namespace: null, subjects, unresolvedBindings: unresolved(model) };
  }
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  const answer: WhoCanAnswer = {
    verb: request.verb, resource, apiGroup: request.apiGroup, namespace: scopeNamespace(scope), subjects, unresolvedBindings: unresolved(model),
  };
  if (request.name !== undefined) answer.name = request.name;
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

function addRule(list: Map<string, RuleGrantJson>, rule: PolicyRule, via: Via): void {
  const key = ruleKey(rule);
  let entry = list.get(key);
  if (!entry) list.set(key, (entry = { ...ruleJson(rule), via: [] }));
  entry.via.push({ ...viaJson(via), as: subjectLabel(via.subject) });
}

export function subjectAnswer(model: RbacModel, subject: SubjectRef, extraGroups: readonly string[], usage?: ServiceAccountUsage): SubjectAnswer {
  const cluster = new Map<string, RuleGrantJson>();
  const namespaces = new Map<string, Map<string, RuleGrantJson>>();
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
    cluster: [...cluster.values()],
    namespaces: Object.fromEntries([...namespaces].sort(([a], [b]) => compareText(a, b)).map(([ns, rules]) => [ns, [...rules.values()]])),
    unresolvedBindings: model.unresolvedBindingsOf(subject, extraGroups).map(unresolvedLabel),
  };
  if (subject.kind === 'ServiceAccount' && usage) answer.workloads = usage.workloadsOf(subject.namespace ?? 'default', subject.name);
  return answer;
}
