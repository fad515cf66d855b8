/** `annexa rbac who-can` and `annexa rbac subject`: JSON and table answers, stdin, exit codes (run in process). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../src/cli/main.js';
import { parseRequest } from '../src/cli/rbac.js';
import { conformanceDir } from './support/paths.js';
import { tempTree } from './support/scan-output.js';

const ESTATE = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: debugger }
rules:
  - { apiGroups: [''], resources: [pods/exec], verbs: [create] }
  - { apiGroups: [''], resources: [pods], verbs: [get, list] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: sre-debug, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: debugger }
subjects:
  - { kind: Group, name: sre }
  - { kind: ServiceAccount, name: web, namespace: shop }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: all-sa-list }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: debugger }
subjects:
  - { kind: Group, name: system:serviceaccounts }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ghost }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: not-here }
subjects:
  - { kind: User, name: alice }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    metadata: { labels: { app: web } }
    spec:
      serviceAccountName: web
      containers: [{ name: web, image: nginx }]
`;

const dir = tempTree({ 'estate.yaml': ESTATE, 'broken.yaml': 'kind: [unclosed\n' });
const estate = join(dir, 'estate.yaml');

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const file = join(dir, `out-${Math.random().toString(36).slice(2)}.txt`);
  const code = await main(['node', 'annexa', 'rbac', ...args, '--output-file', file]);
  let out = '';
  try { out = readFileSync(file, 'utf8'); } catch { /* nothing written (usage error) */ }
  return { code, out };
}

interface WhoCanJson {
  verb: string; resource: string; namespace: string | null;
  subjects: Array<{ kind: string; name: string; namespace?: string; via: Array<{ binding: string; role: string; namespace?: string; builtin?: true }> }>;
  unresolvedBindings: string[]; errors: unknown[];
}

const MASTERS = { kind: 'Group', name: 'system:masters', via: [{ binding: 'ClusterRoleBinding/cluster-admin', role: 'ClusterRole/cluster-admin', builtin: true }] };

describe('annexa rbac who-can', () => {
  it('-n NS: ClusterRoleBindings and the namespace\'s RoleBindings, groups as subjects, with via', async () => {
    const { code, out } = await cli(['who-can', 'create', 'pods/exec', '-n', 'shop', estate, '-o', 'json']);
    assert.equal(code, 0);
    const answer = JSON.parse(out) as WhoCanJson;
    assert.equal(answer.verb, 'create');
    assert.equal(answer.resource, 'pods/exec');
    assert.equal(answer.namespace, 'shop');
    assert.deepEqual(answer.subjects, [
      { kind: 'Group', name: 'sre', via: [{ binding: 'RoleBinding/shop/sre-debug', role: 'ClusterRole/debugger', namespace: 'shop' }] },
      MASTERS,
      { kind: 'Group', name: 'system:serviceaccounts', via: [{ binding: 'ClusterRoleBinding/all-sa-list', role: 'ClusterRole/debugger' }] },
      { kind: 'ServiceAccount', name: 'web', namespace: 'shop', via: [{ binding: 'RoleBinding/shop/sre-debug', role: 'ClusterRole/debugger', namespace: 'shop' }] },
    ]);
    assert.deepEqual(answer.unresolvedBindings, ['ClusterRoleBinding/ghost → ClusterRole/not-here']);
  });

  it('without -n: cluster-wide access only; -A: every namespace, each grant with its namespace', async () => {
    const cluster = JSON.parse((await cli(['who-can', 'create', 'pods/exec', estate, '-o', 'json'])).out) as WhoCanJson;
    assert.equal(cluster.namespace, null);
    assert.deepEqual(cluster.subjects.map((s) => s.name), ['system:masters', 'system:serviceaccounts']);
    const all = JSON.parse((await cli(['who-can', 'create', 'pods/exec', '-A', estate, '-o', 'json'])).out) as WhoCanJson;
    assert.equal(all.namespace, '*');
    assert.deepEqual(all.subjects.map((s) => s.via.map((v) => v.namespace ?? '(cluster)')), [['shop'], ['(cluster)'], ['(cluster)'], ['shop']]);
  });

  it('prints a table', async () => {
    const { code, out } = await cli(['who-can', 'get', 'pods', '-n', 'shop', estate]);
    assert.equal(code, 0);
    assert.match(out, /^Who can get pods in namespace shop: 4 subject\(s\)/);
    assert.match(out, /SUBJECT\s+NAMESPACE\s+BINDING\s+ROLE/);
    assert.match(out, /ServiceAccount shop\/web\s+shop\s+RoleBinding\/shop\/sre-debug\s+ClusterRole\/debugger/);
    assert.match(out, /1 binding\(s\) reference roles not in the input/);
  });

  it('reads standard input with -', async () => {
    const stdin = Object.defineProperty(Readable.from([ESTATE]), 'isTTY', { value: false });
    const original = Object.getOwnPropertyDescriptor(process, 'stdin')!;
    Object.defineProperty(process, 'stdin', { value: stdin, configurable: true });
    try {
      const answer = JSON.parse((await cli(['who-can', 'list', 'pods', '-', '-o', 'json'])).out) as WhoCanJson;
      assert.deepEqual(answer.subjects.map((s) => s.name), ['system:masters', 'system:serviceaccounts']);
    } finally {
      Object.defineProperty(process, 'stdin', original);
    }
  });

  it('answers on the Kubernetes defaults read in place', async () => {
    const answer = JSON.parse((await cli(['who-can', 'escalate', 'clusterroles', join(conformanceDir, 'rbac'), '-o', 'json'])).out) as WhoCanJson;
    assert.deepEqual(answer.subjects.map((s) => `${s.kind}:${s.namespace ? `${s.namespace}/` : ''}${s.name}`),
      ['Group:system:masters', 'ServiceAccount:kube-system/clusterrole-aggregation-controller']);
  });

  it('a binding to the built-in edit role answers with its Secret access; a cycle of aggregated roles is flagged as over-approximated', async () => {
    const H = 'apiVersion: rbac.authorization.k8s.io/v1';
    const pair = (a: string, b: string) => `${H}\nkind: ClusterRole\nmetadata: { name: ${a}, labels: { id: ${a} } }\n`
      + `aggregationRule: { clusterRoleSelectors: [ { matchLabels: { id: ${b} } } ] }\nrules: [ { apiGroups: [''], resources: [secrets], verbs: [get] } ]\n---\n`;
    const tree = tempTree({
      'edit.yaml': `${H}\nkind: RoleBinding\nmetadata: { name: devs, namespace: shop }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }\nsubjects: [ { kind: Group, name: devs } ]\n`,
      'cycle.yaml': `${pair('a', 'b')}${pair('b', 'a')}${H}\nkind: ClusterRoleBinding\nmetadata: { name: a }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: a }\nsubjects: [ { kind: User, name: alice } ]\n`,
    });
    const edit = JSON.parse((await cli(['who-can', 'get', 'secrets', '-n', 'shop', join(tree, 'edit.yaml'), '-o', 'json'])).out) as WhoCanJson & { baseline: string };
    assert.deepEqual(edit.subjects.map((s) => `${s.kind}:${s.name} ${s.via.map((v) => v.role).join()}`), ['Group:devs ClusterRole/edit', 'Group:system:masters ClusterRole/cluster-admin']);
    assert.deepEqual(edit.unresolvedBindings, []);
    assert.equal(edit.baseline, 'v1.33');
    const cycle = JSON.parse((await cli(['who-can', 'get', 'secrets', join(tree, 'cycle.yaml'), '-o', 'json'])).out) as WhoCanJson & { overApproximated: string[] };
    assert.deepEqual(cycle.subjects.map((s) => s.name), ['system:masters', 'alice']);
    assert.deepEqual(cycle.overApproximated, ['ClusterRole/a']);
    const table = (await cli(['who-can', 'get', 'secrets', join(tree, 'cycle.yaml')])).out;
    assert.match(table, /Over-approximated: ClusterRole\/a aggregate each other in a cycle/);
    assert.match(table, /ClusterRoleBinding\/cluster-admin \(built in\)/);
  });

  it('resolves the API group: well-known resources, resource.group, --api-group, core otherwise', () => {
    const base = { output: 'json' as const, maxFileSize: '20MiB' };
    assert.deepEqual(parseRequest('list', 'deployments', base), { type: 'resource', verb: 'list', apiGroup: 'apps', resource: 'deployments' });
    assert.deepEqual(parseRequest('get', 'widgets.example.com/status', base),
      { type: 'resource', verb: 'get', apiGroup: 'example.com', resource: 'widgets', subresource: 'status' });
    assert.deepEqual(parseRequest('get', 'widgets', { ...base, apiGroup: 'example.com', name: 'w1' }),
      { type: 'resource', verb: 'get', apiGroup: 'example.com', resource: 'widgets', name: 'w1' });
    assert.deepEqual(parseRequest('get', 'secrets', base), { type: 'resource', verb: 'get', apiGroup: '', resource: 'secrets' });
    assert.deepEqual(parseRequest('get', '/healthz', base), { type: 'nonResource', verb: 'get', path: '/healthz' });
  });

  it('the table notes implicit groups among the subjects', async () => {
    const { out } = await cli(['who-can', 'list', 'pods', estate]);
    assert.match(out, /Implicit groups are listed as subjects: system:serviceaccounts/);
  });

  it('exit 2 for bad arguments: -n with -A, a URL with -n, a bad resource, a bad format, missing paths', async () => {
    assert.equal((await cli(['who-can', 'get', 'pods', '-n', 'a', '-A', estate])).code, 2);
    assert.equal((await cli(['who-can', 'get', '/metrics', '-n', 'a', estate])).code, 2);
    assert.equal((await cli(['who-can', 'get', 'pods/exec/x', estate])).code, 2);
    assert.equal((await cli(['who-can', 'get', 'deployments.apps', '--api-group', 'batch', estate])).code, 2);
    assert.equal((await cli(['who-can', 'get', 'pods', estate, '-o', 'xml'])).code, 2);
    assert.equal((await cli(['who-can', 'get', 'pods'])).code, 2);
  });

  it('exit 2 after answering when an input cannot be read or parsed', async () => {
    const { code, out } = await cli(['who-can', 'list', 'pods', estate, join(dir, 'broken.yaml'), join(dir, 'missing.yaml'), '-o', 'json']);
    assert.equal(code, 2);
    const answer = JSON.parse(out) as WhoCanJson;
    assert.equal(answer.subjects.length, 2, 'the readable file was answered (system:masters, built in, and the input\'s group)');
    assert.equal(answer.errors.length, 2);
  });
});

interface SubjectJson {
  subject: { kind: string; name: string; namespace?: string };
  groups: string[];
  cluster: Array<{ verbs: string[]; resources?: string[]; via: Array<{ binding: string; as: string }> }>;
  namespaces: Record<string, Array<{ verbs: string[]; resources?: string[] }>>;
  workloads?: Array<{ workload: string }>;
}

describe('annexa rbac subject', () => {
  it('a ServiceAccount: its own grants per namespace, its groups\' grants cluster-wide, its workloads', async () => {
    const { code, out } = await cli(['subject', 'ServiceAccount:shop/web', estate, '-o', 'json']);
    assert.equal(code, 0);
    const answer = JSON.parse(out) as SubjectJson;
    assert.deepEqual(answer.subject, { kind: 'ServiceAccount', name: 'web', namespace: 'shop' });
    assert.deepEqual(answer.groups, ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated']);
    const fromInput = answer.cluster.filter((r) => r.via.some((v) => !v.binding.startsWith('ClusterRoleBinding/system:')));
    assert.deepEqual(fromInput.map((r) => `${r.verbs.join(',')} ${r.resources?.join(',')} as ${r.via[0]!.as}`),
      ['create pods/exec as Group:system:serviceaccounts', 'get,list pods as Group:system:serviceaccounts']);
    assert.deepEqual(Object.keys(answer.namespaces), ['shop']);
    assert.equal(answer.namespaces.shop!.length, 2);
    assert.deepEqual(answer.workloads?.map((w) => w.workload), ['Deployment/shop/web']);
  });

  it('a user in extra groups, as a table', async () => {
    const { code, out } = await cli(['subject', 'User:bob', '--group', 'sre', estate]);
    assert.equal(code, 0);
    assert.match(out, /^User bob \(groups: system:authenticated, sre\)/);
    assert.match(out, /shop\s+create\s+pods\/exec \(core\)\s+RoleBinding\/shop\/sre-debug → ClusterRole\/debugger/);
  });

  it('a subject with no grants', async () => {
    const { code, out } = await cli(['subject', 'Group:nobody', estate]);
    assert.equal(code, 0);
    assert.match(out, /No rules granted/);
  });

  it('exit 2 for a bad subject', async () => {
    assert.equal((await cli(['subject', 'Bogus:x', estate])).code, 2);
    assert.equal((await cli(['subject', 'ServiceAccount:web', estate])).code, 2);
    assert.equal((await cli(['subject', 'Group:ops', '--group', 'x', estate])).code, 2);
  });
});
