/**
 * Least privilege from usage (A.5.18): the requests one subject made, as the minimal Roles and
 * ClusterRole that allow them (in the manner of audit2rbac), and, given the RBAC manifests, the
 * granted rules no request used in the period.
 */
import type { AuditEvent } from './event.js';
import type { AccessRequest, PolicyRule, RbacModel, SubjectRef } from '../inventory/rbac/index.js';
import { ruleAllows, ruleJson, ruleText, type RuleJson } from '../inventory/rbac/index.js';
import type { JsonObject } from '../resources/types.js';

/** The identity a request was authorized as: the impersonated user when there is one. */
function actingUser(event: AuditEvent): { username: string; groups: readonly string[] } {
  const user = event.impersonatedUser ?? event.user ?? {};
  return { username: user.username ?? '', groups: user.groups ?? [] };
}

export function eventIsBy(event: AuditEvent, subject: SubjectRef): boolean {
  const acting = actingUser(event);
  if (subject.kind === 'User') return acting.username === subject.name;
  if (subject.kind === 'Group') return acting.groups.includes(subject.name);
  return acting.username === `system:serviceaccount:${subject.namespace}:${subject.name}`;
}

/** One permission used: verb on group/resource[/subresource] in a namespace ('' = cluster scope), or a URL. */
interface Use {
  namespace: string;
  group: string;
  resource: string;
  verb: string;
  name?: string;
  nonResourceURL?: string;
}

/** Reads are granted together (as audit2rbac does): `kubectl get` lists, gets and watches. */
const READS = ['get', 'list', 'watch'];

export class UsageCollector {
  private readonly uses = new Map<string, Use>();
  requests = 0;

  constructor(readonly subject: SubjectRef) {}

  add(event: AuditEvent): void {
    if (!eventIsBy(event, this.subject) || !event.verb) return;
    this.requests += 1;
    const ref = event.objectRef;
    if (!ref?.resource) {
      const path = (event.requestURI ?? '').split('?')[0] ?? '';
      if (path) this.put({ namespace: '', group: '', resource: '', verb: event.verb, nonResourceURL: path });
      return;
    }
    const resource = ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
    this.put({ namespace: ref.namespace ?? '', group: ref.apiGroup ?? '', resource, verb: event.verb, ...(ref.name ? { name: ref.name } : {}) });
  }

  private put(use: Use): void {
    const key = `${use.namespace}\u0000${use.group}\u0000${use.resource}\u0000${use.verb}\u0000${use.name ?? ''}\u0000${use.nonResourceURL ?? ''}`;
    if (!this.uses.has(key)) this.uses.set(key, use);
  }

  all(): Use[] {
    return [...this.uses.values()];
  }
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Rules for a set of uses: per API group, resources with the same verbs share a rule. */
function minimalRules(uses: readonly Use[]): JsonObject[] {
  const verbsByResource = new Map<string, Set<string>>();
  for (const use of uses) {
    if (use.nonResourceURL !== undefined) continue;
    const key = `${use.group}\u0000${use.resource}`;
    const verbs = verbsByResource.get(key) ?? new Set<string>();
    for (const verb of READS.includes(use.verb) ? READS : [use.verb]) verbs.add(verb);
    verbsByResource.set(key, verbs);
  }
  const byGroupAndVerbs = new Map<string, { group: string; verbs: string[]; resources: string[] }>();
  for (const [key, verbs] of verbsByResource) {
    const [group, resource] = key.split('\u0000') as [string, string];
    const verbList = sorted(verbs);
    const groupKey = `${group}\u0000${verbList.join(',')}`;
    const entry = byGroupAndVerbs.get(groupKey) ?? { group, verbs: verbList, resources: [] };
    entry.resources.push(resource);
    byGroupAndVerbs.set(groupKey, entry);
  }
  const rules: JsonObject[] = [...byGroupAndVerbs.values()]
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.verbs.join() < b.verbs.join() ? -1 : 1))
    .map((r) => ({ apiGroups: [r.group], resources: sorted(r.resources), verbs: r.verbs }));
  const urls = uses.filter((u) => u.nonResourceURL !== undefined);
  if (urls.length > 0) rules.push({ nonResourceURLs: sorted(urls.map((u) => u.nonResourceURL!)), verbs: sorted(urls.map((u) => u.verb)) });
  return rules;
}

function subjectEntry(subject: SubjectRef): JsonObject {
  if (subject.kind === 'ServiceAccount') return { kind: 'ServiceAccount', name: subject.name, namespace: subject.namespace ?? 'default' };
  return { kind: subject.kind, apiGroup: 'rbac.authorization.k8s.io', name: subject.name };
}

/** The Roles (per namespace), the ClusterRole (cluster-scoped and cross-namespace use) and their bindings. */
export function minimalRbac(subject: SubjectRef, uses: readonly Use[], prefix = 'annexa'): JsonObject[] {
  const name = `${prefix}:${subject.kind === 'ServiceAccount' ? `${subject.namespace}:${subject.name}` : subject.name}`;
  const manifests: JsonObject[] = [];
  const labels = { 'annexa.dev/generated-from': 'audit-log' };
  const namespaces = sorted(uses.filter((u) => u.namespace !== '').map((u) => u.namespace));
  for (const namespace of namespaces) {
    const rules = minimalRules(uses.filter((u) => u.namespace === namespace));
    manifests.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace, labels }, rules });
    manifests.push({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [subjectEntry(subject)],
    });
  }
  const clusterUses = uses.filter((u) => u.namespace === '');
  if (clusterUses.length > 0) {
    manifests.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules: minimalRules(clusterUses) });
    manifests.push({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [subjectEntry(subject)],
    });
  }
  return manifests;
}

function requestOf(use: Use): AccessRequest {
  if (use.nonResourceURL !== undefined) return { type: 'nonResource', verb: use.verb, path: use.nonResourceURL };
  const [resource, subresource] = use.resource.split('/') as [string, string | undefined];
  return { type: 'resource', verb: use.verb, apiGroup: use.group, resource, ...(subresource ? { subresource } : {}), ...(use.name ? { name: use.name } : {}) };
}

export interface UnusedGrant {
  rule: RuleJson;
  text: string;
  /** undefined: cluster-wide. */
  namespace?: string;
  binding: string;
  role: string;
  /** `verb resource` pairs of the rule never used (only for rules without wildcards), when the rule was partly used. */
  unusedPairs?: string[];
}

/** Granted rules (through the bindings given, not the built-in defaults) that no request of the period used; partly used rules list what was not. */
export function unusedGrants(model: RbacModel, subject: SubjectRef, uses: readonly Use[]): UnusedGrant[] {
  const out: UnusedGrant[] = [];
  for (const via of model.grantsTo(subject)) {
    // The Kubernetes defaults every authenticated identity holds (discovery, self-review) are not a review finding.
    if (via.binding.builtin) continue;
    const scoped = via.namespace === undefined ? uses : uses.filter((u) => u.namespace === via.namespace);
    for (const rule of via.role.rules) {
      if (via.namespace !== undefined && rule.nonResourceURLs.length > 0) continue;
      const used = scoped.filter((u) => ruleAllows(rule, requestOf(u)));
      const base = {
        rule: ruleJson(rule), text: ruleText(rule),
        binding: `${via.binding.kind}/${via.binding.namespace ? `${via.binding.namespace}/` : ''}${via.binding.name}`,
        role: `${via.role.kind}/${via.role.namespace ? `${via.role.namespace}/` : ''}${via.role.name}`,
        ...(via.namespace !== undefined ? { namespace: via.namespace } : {}),
      };
      if (used.length === 0) {
        out.push(base);
        continue;
      }
      const pairs = unusedPairs(rule, used);
      if (pairs.length > 0) out.push({ ...base, unusedPairs: pairs });
    }
  }
  return out;
}

function unusedPairs(rule: PolicyRule, used: readonly Use[]): string[] {
  if (rule.verbs.includes('*') || rule.resources.includes('*') || rule.nonResourceURLs.length > 0) return [];
  const seen = new Set(used.map((u) => `${u.verb} ${u.resource}`));
  const out: string[] = [];
  for (const resource of rule.resources) for (const verb of rule.verbs) if (!seen.has(`${verb} ${resource}`)) out.push(`${verb} ${resource}`);
  return out;
}
