/**
 * The RBAC model at estate scale, against the parse floor of the same run.
 *
 * A deterministic estate is generated in memory: namespaces with ServiceAccounts, namespaced Roles,
 * ClusterRoles (plain ones, labelled parts and aggregated roles over them, two levels deep, with
 * matchLabels and matchExpressions selectors), and bindings: RoleBindings to Roles and to ClusterRoles,
 * ClusterRoleBindings, with User, Group and ServiceAccount subjects. The full size is 10,000 bindings.
 *
 * Columns: parse = `yaml` parseAllDocuments + toJS of the same text, nothing else (the floor);
 * model = RbacModel.fromResources from already-parsed resources (aggregation and every index);
 * who-can = 1,000 who-can questions (cluster-wide, one namespace, any namespace, non-resource URLs);
 * subject = 1,000 `rbac subject` answers; checks = every RBAC check on a fresh inventory.
 * Best of several repetitions.
 */
import { parseAllDocuments } from 'yaml';
import type { Benchmark } from './context.js';
import { pick, seededRandom } from './random.js';
import { fastestMs, generatedResources } from './measure.js';
import { Inventory } from '../src/inventory/inventory.js';
import { RbacModel, subjectAnswer, type AccessRequest, type AccessScope, type SubjectRef } from '../src/inventory/rbac/index.js';
import { rbacChecks } from '../src/checks/rbac/index.js';
import { makeConfig } from '../src/isms/config.js';

const H = 'apiVersion: rbac.authorization.k8s.io/v1';
const BINDINGS_PER_NAMESPACE = 50;
const RESOURCES = ['pods', 'services', 'configmaps', 'secrets', 'deployments', 'jobs', 'ingresses', 'widgets', 'leases', 'events'] as const;
const GROUPS: Record<string, string> = { deployments: 'apps', jobs: 'batch', ingresses: 'networking.k8s.io', widgets: 'example.com', leases: 'coordination.k8s.io' };
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;

function rule(rand: () => number): string {
  const resource = pick(rand, RESOURCES);
  const sub = rand() < 0.15 ? `, ${resource}/${pick(rand, ['status', 'scale', 'exec', 'log'])}` : '';
  const verbs = rand() < 0.05 ? "'*'" : [pick(rand, VERBS), pick(rand, VERBS)].join(', ');
  const names = rand() < 0.1 ? `, resourceNames: [obj-${Math.floor(rand() * 20)}]` : '';
  return `  - { apiGroups: ['${GROUPS[resource] ?? ''}'], resources: [${resource}${sub}], verbs: [${verbs}]${names} }`;
}

function rules(rand: () => number, count: number): string {
  return Array.from({ length: count }, () => rule(rand)).join('\n');
}

function clusterRoles(rand: () => number, count: number): string[] {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const label = `  labels: { agg.example.com/part-${i % 10}: "true", tier: t${i % 4} }\n`;
    docs.push(`${H}\nkind: ClusterRole\nmetadata:\n  name: cr-${i}\n${label}rules:\n${rules(rand, 4)}\n`);
  }
  for (let a = 0; a < 10; a++) {
    const selectors = a % 2 === 0
      ? `    - matchLabels: { agg.example.com/part-${a}: "true" }`
      : `    - matchExpressions: [{ key: agg.example.com/part-${a}, operator: Exists }, { key: tier, operator: NotIn, values: [t0] }]`;
    docs.push(`${H}\nkind: ClusterRole\nmetadata:\n  name: agg-${a}\n  labels: { agg.example.com/top: "true" }\naggregationRule:\n  clusterRoleSelectors:\n${selectors}\n`);
  }
  docs.push(`${H}\nkind: ClusterRole\nmetadata: { name: agg-top }\naggregationRule:\n  clusterRoleSelectors:\n    - matchLabels: { agg.example.com/top: "true" }\n`);
  return docs;
}

function subject(rand: () => number, ns: string, n: number): string {
  const r = rand();
  if (r < 0.6) return `{ kind: ServiceAccount, name: sa-${Math.floor(rand() * 10)}, namespace: ${rand() < 0.9 ? ns : `ns-${Math.floor(rand() * n)}`} }`;
  if (r < 0.8) return `{ kind: User, name: user-${Math.floor(rand() * 500)} }`;
  return `{ kind: Group, name: ${rand() < 0.02 ? 'system:authenticated' : `team-${Math.floor(rand() * 50)}`} }`;
}

function binding(rand: () => number, ns: string, i: number, namespaces: number, roles: number): string {
  const kind = rand();
  const subjects = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `  - ${subject(rand, ns, namespaces)}`).join('\n');
  const clusterRole = rand() < 0.1 ? `agg-${Math.floor(rand() * 10)}` : rand() < 0.02 ? 'agg-top' : `cr-${Math.floor(rand() * roles)}`;
  if (kind < 0.05) {
    return `${H}\nkind: ClusterRoleBinding\nmetadata: { name: crb-${ns}-${i} }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${clusterRole} }\nsubjects:\n${subjects}\n`;
  }
  const roleRef = kind < 0.5 ? `kind: Role, name: role-${Math.floor(rand() * 5)}` : `kind: ClusterRole, name: ${clusterRole}`;
  return `${H}\nkind: RoleBinding\nmetadata: { name: rb-${i}, namespace: ${ns} }\nroleRef: { apiGroup: rbac.authorization.k8s.io, ${roleRef} }\nsubjects:\n${subjects}\n`;
}

/** The estate as one multi-document YAML text, with `bindings` bindings. */
export function generateRbacEstate(bindings: number, seed = 11): string {
  const rand = seededRandom(seed);
  const namespaces = Math.max(1, Math.round(bindings / BINDINGS_PER_NAMESPACE));
  const roleCount = Math.max(20, Math.round(bindings / 50));
  const docs = clusterRoles(rand, roleCount);
  for (let n = 0; n < namespaces; n++) {
    const ns = `ns-${n}`;
    for (let s = 0; s < 10; s++) docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: sa-${s}, namespace: ${ns} }\n`);
    for (let r = 0; r < 5; r++) docs.push(`${H}\nkind: Role\nmetadata: { name: role-${r}, namespace: ${ns} }\nrules:\n${rules(rand, 3)}\n`);
    for (let i = 0; i < BINDINGS_PER_NAMESPACE; i++) docs.push(binding(rand, ns, i, namespaces, roleCount));
  }
  return docs.join('---\n');
}

function queries(count: number, namespaces: number, seed = 5): Array<{ request: AccessRequest; scope: AccessScope }> {
  const rand = seededRandom(seed);
  const scopes = (i: number): AccessScope => (i % 3 === 0 ? { type: 'cluster' } : i % 3 === 1 ? { type: 'namespace', namespace: `ns-${i % namespaces}` } : { type: 'all' });
  return Array.from({ length: count }, (_, i) => {
    if (i % 20 === 0) return { request: { type: 'nonResource', verb: 'get', path: '/metrics' }, scope: { type: 'cluster' } };
    const resource = pick(rand, RESOURCES);
    const request: AccessRequest = { type: 'resource', verb: pick(rand, VERBS), apiGroup: GROUPS[resource] ?? '', resource };
    if (i % 7 === 0) request.subresource = 'exec';
    if (i % 11 === 0) request.name = `obj-${i % 20}`;
    return { request, scope: scopes(i) };
  });
}

function subjects(count: number, namespaces: number): SubjectRef[] {
  return Array.from({ length: count }, (_, i): SubjectRef => (i % 2 === 0
    ? { kind: 'ServiceAccount', namespace: `ns-${i % namespaces}`, name: `sa-${i % 10}` }
    : { kind: 'User', name: `user-${i % 500}` }));
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

const rbacBench: Benchmark = async (ctx) => {
  const sizes = ctx.quick ? [1000, 2500] : [2500, 5000, 10000];
  const repetitions = ctx.quick ? 2 : 3;
  const checkContext = { config: makeConfig({}) };
  const rows: Array<Record<string, string | number>> = [];
  for (const size of sizes) {
    const text = generateRbacEstate(size);
    const resources = generatedResources(text, 'rbac-bench.yaml');
    const bindings = resources.filter((r) => r.kind.endsWith('Binding')).length;
    const namespaces = Math.max(1, Math.round(size / BINDINGS_PER_NAMESPACE));
    const asked = queries(1000, namespaces);
    const who = subjects(1000, namespaces);
    const parseMs = fastestMs(repetitions, () => {
      for (const doc of parseAllDocuments(text)) doc.toJS();
    });
    let model = RbacModel.fromResources(resources);
    const modelMs = fastestMs(repetitions, () => {
      model = RbacModel.fromResources(resources);
    });
    let answers = 0;
    let grants = 0;
    const whoCanMs = fastestMs(repetitions, () => {
      answers = 0;
      grants = 0;
      for (const { request, scope } of asked) {
        for (const entry of model.whoCan(request, scope)) {
          answers += 1;
          grants += entry.via.length;
        }
      }
    });
    let ruleEntries = 0;
    const subjectMs = fastestMs(repetitions, () => {
      ruleEntries = 0;
      for (const s of who) {
        const answer = subjectAnswer(model, s, []);
        ruleEntries += answer.cluster.length + Object.values(answer.namespaces).reduce((n, list) => n + list.length, 0);
      }
    });
    let findings = 0;
    const checksMs = fastestMs(repetitions, () => {
      const inventory = Inventory.of(resources);
      findings = 0;
      for (const check of rbacChecks) if (check.scope === 'inventory') for (const _ of check.check(inventory, checkContext)) findings += 1;
    });
    rows.push({
      bindings,
      roles: resources.filter((r) => r.kind === 'Role' || r.kind === 'ClusterRole').length,
      MiB: round(Buffer.byteLength(text) / 2 ** 20),
      'parse ms': round(parseMs),
      'model ms': round(modelMs),
      'model/parse': round(modelMs / parseMs, 3),
      'who-can 1k ms': round(whoCanMs),
      'who-can 1k/parse': round(whoCanMs / parseMs, 3),
      'µs/who-can': round((whoCanMs * 1000) / asked.length),
      'avg subjects': round(answers / asked.length),
      'ns/grant': round((whoCanMs * 1e6) / Math.max(1, grants), 0),
      'subject 1k ms': round(subjectMs),
      'avg rules': round(ruleEntries / who.length),
      'checks ms': round(checksMs),
      findings,
    });
  }
  ctx.table('RBAC model and who-can (in memory) vs parsing the same YAML with `yaml`', rows);
};

export default rbacBench;
