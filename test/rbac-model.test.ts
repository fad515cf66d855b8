/** RBAC model semantics: rule matching, aggregation, implicit groups, binding scope, as the Kubernetes authorizer. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseResources } from './support/run-checks.js';
import { compileSelector } from '../src/inventory/label-selector.js';
import {
  RbacModel, parseSubjectSpec, keysFor, type AccessRequest, type AccessScope, type SubjectRef,
} from '../src/inventory/rbac/index.js';

const H = 'apiVersion: rbac.authorization.k8s.io/v1';

function model(yaml: string): RbacModel {
  return RbacModel.fromResources(parseResources(yaml));
}

function clusterRole(name: string, rules: string, extra = ''): string {
  return `${H}\nkind: ClusterRole\nmetadata: { name: ${name}${extra} }\nrules:\n${rules}\n---\n`;
}

function crb(name: string, role: string, subjects: string): string {
  return `${H}\nkind: ClusterRoleBinding\nmetadata: { name: ${name} }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role} }\nsubjects:\n${subjects}\n---\n`;
}

function rb(ns: string, name: string, kind: string, role: string, subjects: string): string {
  return `${H}\nkind: RoleBinding\nmetadata: { name: ${name}, namespace: ${ns} }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ${kind}, name: ${role} }\nsubjects:\n${subjects}\n---\n`;
}

const alice = '  - { kind: User, name: alice }';
const res = (verb: string, resource: string, extra: Partial<AccessRequest & { type: 'resource' }> = {}): AccessRequest =>
  ({ type: 'resource', verb, apiGroup: '', resource, ...extra }) as AccessRequest;
const CLUSTER: AccessScope = { type: 'cluster' };

/** Subjects the input's own bindings give the access to (system:masters, built in, can always do everything). */
function who(m: RbacModel, request: AccessRequest, scope: AccessScope = CLUSTER): string[] {
  return m.whoCan(request, scope).filter((e) => e.via.some((v) => !v.binding.builtin)).map((e) => (e.subject.namespace ? `${e.subject.kind}:${e.subject.namespace}/${e.subject.name}` : `${e.subject.kind}:${e.subject.name}`));
}

function can(m: RbacModel, subject: SubjectRef, request: AccessRequest, namespace?: string): boolean {
  return m.allows(subject, request, namespace) !== undefined;
}

const ALICE: SubjectRef = { kind: 'User', name: 'alice' };

describe('rbac model: rule matching', () => {
  it('wildcard verbs, groups and resources; * also matches subresources', () => {
    const m = model(clusterRole('all', "  - { apiGroups: ['*'], resources: ['*'], verbs: ['*'] }") + crb('all', 'all', alice));
    assert.ok(can(m, ALICE, res('delete', 'deployments', { apiGroup: 'apps' })));
    assert.ok(can(m, ALICE, res('create', 'pods', { subresource: 'exec' })));
    assert.ok(can(m, ALICE, res('escalate', 'clusterroles', { apiGroup: 'rbac.authorization.k8s.io' })));
  });

  it('apiGroups must match: a core rule does not grant apps/deployments', () => {
    const m = model(clusterRole('core', "  - { apiGroups: [''], resources: [deployments], verbs: [get] }") + crb('core', 'core', alice));
    assert.equal(can(m, ALICE, res('get', 'deployments', { apiGroup: 'apps' })), false);
    assert.ok(can(m, ALICE, res('get', 'deployments')));
  });

  it('subresources: pods/exec is not pods, */scale matches any scale, pods/* is literal', () => {
    const m = model(
      clusterRole('exec', "  - { apiGroups: [''], resources: [pods/exec], verbs: [create] }")
      + clusterRole('scale', "  - { apiGroups: ['apps'], resources: ['*/scale'], verbs: [update] }")
      + clusterRole('podstar', "  - { apiGroups: [''], resources: ['pods/*'], verbs: [get] }")
      + crb('a', 'exec', alice) + crb('b', 'scale', alice) + crb('c', 'podstar', alice),
    );
    assert.ok(can(m, ALICE, res('create', 'pods', { subresource: 'exec' })));
    assert.equal(can(m, ALICE, res('create', 'pods')), false, 'pods/exec does not grant pods');
    assert.equal(can(m, ALICE, res('create', 'pods', { subresource: 'attach' })), false);
    assert.ok(can(m, ALICE, res('update', 'deployments', { apiGroup: 'apps', subresource: 'scale' })));
    assert.ok(can(m, ALICE, res('update', 'statefulsets', { apiGroup: 'apps', subresource: 'scale' })));
    assert.equal(can(m, ALICE, res('update', 'deployments', { apiGroup: 'apps' })), false, '*/scale does not grant the parent');
    assert.equal(can(m, ALICE, res('get', 'pods', { subresource: 'log' })), false, 'pods/* is not a wildcard for the authorizer');
  });

  it('resourceNames: only requests naming one of them; never list or unnamed create', () => {
    const m = model(clusterRole('one', "  - { apiGroups: [''], resources: [configmaps], resourceNames: [app-config], verbs: [get, list] }") + crb('one', 'one', alice));
    assert.ok(can(m, ALICE, res('get', 'configmaps', { name: 'app-config' })));
    assert.equal(can(m, ALICE, res('get', 'configmaps', { name: 'other' })), false);
    assert.equal(can(m, ALICE, res('list', 'configmaps')), false);
    assert.deepEqual(who(m, res('get', 'configmaps', { name: 'app-config' })), ['User:alice']);
    assert.deepEqual(who(m, res('get', 'configmaps')), []);
  });

  it('nonResourceURLs: exact, trailing * prefix, and *; only through ClusterRoleBindings', () => {
    const m = model(
      clusterRole('health', "  - { nonResourceURLs: ['/healthz', '/healthz/*', '/metrics'], verbs: [get] }")
      + crb('health', 'health', alice)
      + rb('shop', 'ns-health', 'ClusterRole', 'health', '  - { kind: User, name: bob }'),
    );
    const url = (path: string, verb = 'get'): AccessRequest => ({ type: 'nonResource', verb, path });
    assert.ok(can(m, ALICE, url('/healthz')));
    assert.ok(can(m, ALICE, url('/healthz/etcd')));
    assert.ok(can(m, ALICE, url('/healthz/')));
    assert.equal(can(m, ALICE, url('/healthzz')), false);
    assert.equal(can(m, ALICE, url('/metrics/slis')), false, '/metrics has no wildcard');
    assert.equal(can(m, ALICE, url('/healthz', 'post')), false);
    assert.deepEqual(who(m, url('/healthz/ready'), { type: 'all' }), ['User:alice'], 'a RoleBinding grants no URL');
  });
});

describe('rbac model: aggregation', () => {
  const yaml = `${H}
kind: ClusterRole
metadata: { name: top }
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: { example.com/aggregate-to-top: "true" }
rules:
  - { apiGroups: [''], resources: [ignored-own-rule], verbs: [get] }
---
${H}
kind: ClusterRole
metadata:
  name: middle
  labels: { example.com/aggregate-to-top: "true" }
aggregationRule:
  clusterRoleSelectors:
    - matchExpressions:
        - { key: tier, operator: In, values: [leaf, twig] }
        - { key: deprecated, operator: DoesNotExist }
---
${clusterRole('leaf-a', "  - { apiGroups: [''], resources: [secrets], verbs: [get] }", ', labels: { tier: leaf }')}
${clusterRole('leaf-b', "  - { apiGroups: [apps], resources: [deployments], verbs: [delete] }", ', labels: { tier: twig }')}
${clusterRole('leaf-old', "  - { apiGroups: [''], resources: [nodes], verbs: [delete] }", ', labels: { tier: leaf, deprecated: "yes" }')}
${clusterRole('direct', "  - { apiGroups: [''], resources: [services], verbs: [list] }", ', labels: { example.com/aggregate-to-top: "true" }')}
${crb('top', 'top', alice)}`;

  it('unions selected roles transitively (matchLabels and matchExpressions), replacing own rules', () => {
    const m = model(yaml);
    assert.ok(can(m, ALICE, res('get', 'secrets')), 'leaf-a via middle via top');
    assert.ok(can(m, ALICE, res('delete', 'deployments', { apiGroup: 'apps' })), 'leaf-b (In twig)');
    assert.ok(can(m, ALICE, res('list', 'services')), 'direct label');
    assert.equal(can(m, ALICE, res('delete', 'nodes')), false, 'DoesNotExist excludes leaf-old');
    assert.equal(can(m, ALICE, res('get', 'ignored-own-rule')), false, 'own rules are replaced by the aggregation');
    assert.deepEqual(m.role('ClusterRole', 'leaf-a')!.aggregatedInto!.map((r) => r.name), ['middle']);
  });

  it('who-can lists the binding of the aggregated role', () => {
    const entries = model(yaml).whoCan(res('get', 'secrets'), CLUSTER).filter((e) => e.subject.name !== 'system:masters');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.via[0]!.role.name, 'top');
  });

  it('a cycle of aggregated roles converges to the union of its members', () => {
    const m = model(`${H}
kind: ClusterRole
metadata: { name: a, labels: { ring: "true" } }
aggregationRule: { clusterRoleSelectors: [ { matchLabels: { ring: "true" } } ] }
---
${H}
kind: ClusterRole
metadata: { name: b, labels: { ring: "true" } }
aggregationRule: { clusterRoleSelectors: [ { matchLabels: { ring: "true" } } ] }
---
${clusterRole('c', "  - { apiGroups: [''], resources: [pods], verbs: [get] }", ', labels: { ring: "true" }')}
${crb('a', 'a', alice)}`);
    assert.ok(can(m, ALICE, res('get', 'pods')));
    assert.equal(m.role('ClusterRole', 'b')!.rules.length, 1);
  });

  it('roles selecting each other, each with get secrets as written, one bound: the binding grants it (over-approximated, and flagged)', () => {
    const pair = (a: string, b: string) => `${H}
kind: ClusterRole
metadata: { name: ${a}, labels: { id: ${a} } }
aggregationRule: { clusterRoleSelectors: [ { matchLabels: { id: ${b} } } ] }
rules: [ { apiGroups: [''], resources: [secrets], verbs: [get] } ]
---
`;
    const m = model(pair('a', 'b') + pair('b', 'a') + crb('a', 'a', alice));
    assert.deepEqual(who(m, res('get', 'secrets')), ['User:alice']);
    assert.equal(m.role('ClusterRole', 'a')!.overApproximated, true);
    assert.equal(m.role('ClusterRole', 'b')!.overApproximated, true);
    // The same at 3,000 roles: a ring of 3,000 aggregated roles, one rule each as written, one bound.
    const n = 3_000;
    let ring = '';
    for (let i = 0; i < n; i += 1) {
      // Block style: the line scanner parses it without the reference parser.
      ring += `${H}\nkind: ClusterRole\nmetadata:\n  name: r${i}\n  labels:\n    id: r${i}\naggregationRule:\n  clusterRoleSelectors:\n    - matchLabels:\n        id: r${(i + 1) % n}\n`
        + `rules:\n  - apiGroups:\n      - ""\n    resources:\n      - ${i === n - 1 ? 'secrets' : `res${i}`}\n    verbs:\n      - get\n---\n`;
    }
    const big = model(ring + crb('first', 'r0', alice));
    assert.deepEqual(who(big, res('get', 'secrets')), ['User:alice']);
  });

  it('an aggregated role outside any cycle: its rules as written are replaced, not over-approximated', () => {
    const m = model(`${H}
kind: ClusterRole
metadata: { name: agg }
aggregationRule: { clusterRoleSelectors: [ { matchLabels: { feed: "yes" } } ] }
rules: [ { apiGroups: [''], resources: [secrets], verbs: [get] } ]
---
${clusterRole('part', "  - { apiGroups: [''], resources: [pods], verbs: [get] }", ', labels: { feed: "yes" }')}
${crb('agg', 'agg', alice)}`);
    assert.deepEqual(who(m, res('get', 'secrets')), []);
    assert.deepEqual(who(m, res('get', 'pods')), ['User:alice']);
    assert.equal(m.role('ClusterRole', 'agg')!.overApproximated, undefined);
  });

  it('label selectors: empty selects all, NotIn and Exists', () => {
    const labels = { tier: 'leaf' };
    assert.ok(compileSelector({}).matches(labels));
    assert.ok(compileSelector({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['twig'] }] }).matches(labels));
    assert.equal(compileSelector({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }).matches(labels), false);
    assert.ok(compileSelector({ matchExpressions: [{ key: 'x', operator: 'Bogus' }] }).problem);
  });
});

describe('rbac model: subjects and implicit groups', () => {
  const yaml = clusterRole('reader', "  - { apiGroups: [''], resources: [pods], verbs: [list] }")
    + crb('all-sa', 'reader', '  - { kind: Group, name: system:serviceaccounts }')
    + rb('shop', 'shop-sa', 'ClusterRole', 'reader', '  - { kind: Group, name: "system:serviceaccounts:shop" }')
    + clusterRole('deleter', "  - { apiGroups: [''], resources: [pods], verbs: [delete] }")
    + crb('authn', 'deleter', '  - { kind: Group, name: system:authenticated }')
    + clusterRole('watcher', "  - { apiGroups: [''], resources: [pods], verbs: [watch] }")
    + crb('anon', 'watcher', '  - { kind: Group, name: system:unauthenticated }')
    + clusterRole('patcher', "  - { apiGroups: [''], resources: [pods], verbs: [patch] }")
    + crb('sa-as-user', 'patcher', '  - { kind: User, name: "system:serviceaccount:shop:web" }');

  it('a ServiceAccount is in system:serviceaccounts, system:serviceaccounts:<ns> and system:authenticated', () => {
    const m = model(yaml);
    const web: SubjectRef = { kind: 'ServiceAccount', namespace: 'shop', name: 'web' };
    assert.ok(can(m, web, res('list', 'pods')));
    assert.ok(can(m, web, res('delete', 'pods')));
    assert.equal(can(m, web, res('watch', 'pods')), false, 'not unauthenticated');
    assert.ok(can(m, web, res('patch', 'pods')), 'User system:serviceaccount:shop:web is the ServiceAccount');
    const groups = m.grantsTo(web).map((v) => `${v.subject.kind}:${v.subject.name}`);
    assert.ok(groups.includes('Group:system:serviceaccounts:shop'));
  });

  it('a user is in system:authenticated; system:anonymous only in system:unauthenticated', () => {
    const m = model(yaml);
    assert.ok(can(m, ALICE, res('delete', 'pods')));
    assert.equal(can(m, ALICE, res('list', 'pods')), false);
    const anon: SubjectRef = { kind: 'User', name: 'system:anonymous' };
    assert.ok(can(m, anon, res('watch', 'pods')));
    assert.equal(can(m, anon, res('delete', 'pods')), false);
  });

  it('who-can reports groups as subjects, not their members', () => {
    const m = model(yaml);
    assert.deepEqual(who(m, res('list', 'pods')), ['Group:system:serviceaccounts']);
    assert.deepEqual(who(m, res('list', 'pods'), { type: 'namespace', namespace: 'shop' }), ['Group:system:serviceaccounts', 'Group:system:serviceaccounts:shop']);
    assert.deepEqual(who(m, res('patch', 'pods')), ['ServiceAccount:shop/web']);
  });

  it('parses subject specs and lists the keys a subject is matched by', () => {
    assert.deepEqual(parseSubjectSpec('ServiceAccount:shop/web'), { kind: 'ServiceAccount', namespace: 'shop', name: 'web' });
    assert.deepEqual(parseSubjectSpec('user:alice'), { kind: 'User', name: 'alice' });
    assert.deepEqual(parseSubjectSpec('Group:system:masters'), { kind: 'Group', name: 'system:masters' });
    assert.equal(typeof parseSubjectSpec('Bogus:x'), 'string');
    assert.equal(typeof parseSubjectSpec('ServiceAccount:web'), 'string');
    assert.equal(typeof parseSubjectSpec('alice'), 'string');
    assert.deepEqual(keysFor({ kind: 'User', name: 'alice' }, ['ops']), ['User:alice', 'Group:system:authenticated', 'Group:ops']);
  });
});

describe('rbac model: binding scope', () => {
  const yaml = clusterRole('debugger', "  - { apiGroups: [''], resources: [pods/exec], verbs: [create] }")
    + rb('shop', 'sre-debug', 'ClusterRole', 'debugger', '  - { kind: ServiceAccount, name: robot, namespace: tools }\n  - { kind: ServiceAccount, name: local }')
    + `${H}\nkind: Role\nmetadata: { name: node-reader, namespace: shop }\nrules:\n  - { apiGroups: [''], resources: [nodes, secrets], verbs: [get] }\n---\n`
    + rb('shop', 'nodes', 'Role', 'node-reader', alice)
    + rb('prod', 'nodes-missing', 'Role', 'node-reader', '  - { kind: User, name: bob }');

  it('a RoleBinding to a ClusterRole grants only in its namespace, to subjects of any namespace', () => {
    const m = model(yaml);
    const robot: SubjectRef = { kind: 'ServiceAccount', namespace: 'tools', name: 'robot' };
    const exec = res('create', 'pods', { subresource: 'exec' });
    assert.ok(can(m, robot, exec, 'shop'));
    assert.equal(can(m, robot, exec, 'tools'), false);
    assert.equal(can(m, robot, exec), false, 'not cluster-wide');
    assert.deepEqual(who(m, exec), [], 'no cluster-wide grant');
    assert.deepEqual(who(m, exec, { type: 'namespace', namespace: 'shop' }), ['ServiceAccount:shop/local', 'ServiceAccount:tools/robot']);
    assert.deepEqual(who(m, exec, { type: 'namespace', namespace: 'prod' }), []);
    const all = m.whoCan(exec, { type: 'all' }).filter((e) => e.subject.name !== 'system:masters');
    assert.deepEqual(all.map((e) => e.via.map((v) => v.namespace)), [['shop'], ['shop']]);
  });

  it('a ServiceAccount subject without namespace defaults to the RoleBinding namespace', () => {
    const m = model(yaml);
    assert.ok(can(m, { kind: 'ServiceAccount', namespace: 'shop', name: 'local' }, res('create', 'pods', { subresource: 'exec' }), 'shop'));
  });

  it('a RoleBinding never grants cluster-scoped resources; a Role binds only in its own namespace', () => {
    const m = model(yaml);
    assert.deepEqual(who(m, res('get', 'nodes'), { type: 'namespace', namespace: 'shop' }), []);
    assert.deepEqual(who(m, res('get', 'secrets'), { type: 'namespace', namespace: 'shop' }), ['User:alice']);
    assert.deepEqual(who(m, res('get', 'secrets'), { type: 'all' }), ['User:alice'], 'prod binding refers to a Role absent from prod');
    assert.deepEqual(m.unresolvedBindings().map((b) => b.name), ['nodes-missing']);
  });

  it('cluster-admin is known without being declared', () => {
    const m = model(crb('ops-admin', 'cluster-admin', alice));
    assert.ok(can(m, ALICE, res('delete', 'namespaces')));
    assert.ok(can(m, ALICE, { type: 'nonResource', verb: 'get', path: '/metrics' }));
    assert.deepEqual(m.unresolvedBindings(), []);
  });
});

describe('rbac model: duplicates', () => {
  it('a role declared twice is the later declaration (as applying both would leave)', () => {
    const m = model(clusterRole('dup', "  - { apiGroups: [''], resources: [pods], verbs: [get] }")
      + clusterRole('dup', "  - { apiGroups: [''], resources: [services], verbs: [get] }") + crb('dup', 'dup', alice));
    assert.deepEqual(who(m, res('get', 'pods')), []);
    assert.deepEqual(who(m, res('get', 'services')), ['User:alice']);
    assert.equal(m.roles.filter((r) => !r.builtin).length, 1);
  });
});

describe('rbac model: names of Object.prototype properties', () => {
  const NAMES = ['toString', 'constructor', '__proto__', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];

  it('a binding to a ClusterRole named like one that the input lacks is unresolved, not a built-in role', () => {
    for (const name of NAMES) {
      const m = model(crb('b', `"${name}"`, alice));
      assert.deepEqual(m.roles.filter((r) => !r.builtin), [], name);
      assert.equal(m.bindings[0]!.role, undefined, name);
      assert.deepEqual(m.unresolvedBindings().map((b) => b.roleRef.name), [name]);
      assert.deepEqual(who(m, res('get', 'pods')), [], name);
      assert.deepEqual(m.grantsTo(ALICE).filter((v) => !v.binding.builtin), [], name);
    }
  });

  it('a role of the input named like one is bound as any other; cluster-admin is still built in', () => {
    for (const name of NAMES) {
      const m = model(clusterRole(`"${name}"`, "  - { apiGroups: [''], resources: [pods], verbs: [get] }") + crb('b', `"${name}"`, alice)
        + crb('admin', 'cluster-admin', '  - { kind: User, name: root }'));
      assert.equal(m.bindings[0]!.role?.name, name);
      assert.deepEqual(who(m, res('get', 'pods')), ['User:alice', 'User:root'], name);
      assert.deepEqual(m.unresolvedBindings(), [], name);
    }
  });
});

describe('rbac model: deep and random aggregation graphs', () => {
  /**
   * ClusterRoles as one `List`: each role has a label `id` and aggregates the ids in `from`; a plain role has one
   * own rule, an aggregated one none (rules written on roles of a cycle are over-approximated: tested apart).
   */
  function roles(edges: ReadonlyArray<readonly number[]>, aggregated: (i: number) => boolean): string {
    const items = edges.map((from, i) => {
      const selectors = from.map((j) => `{ matchLabels: { id: "${j}" } }`).join(', ');
      const aggregation = aggregated(i) ? `, aggregationRule: { clusterRoleSelectors: [${selectors}] }` : '';
      return `  - { ${H}, kind: ClusterRole, metadata: { name: r${String(i).padStart(5, '0')}, labels: { id: "${i}" } }${aggregation}, `
        + `rules: [${aggregated(i) ? '' : `{ apiGroups: [''], resources: [res${i}], verbs: [get] }`}] }`;
    });
    return `apiVersion: v1\nkind: List\nitems:\n${items.join('\n')}\n`;
  }

  const name = (i: number) => `r${String(i).padStart(5, '0')}`;
  const resources = (m: RbacModel, i: number) => m.role('ClusterRole', name(i))!.rules.map((r) => r.resources[0]);

  it('a chain of 10,000 ClusterRoles each aggregating the next resolves without exhausting the stack', () => {
    const n = 10_000;
    const edges = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : []));
    const m = model(roles(edges, (i) => i + 1 < n));
    assert.deepEqual(resources(m, 0), [`res${n - 1}`], 'the last role, through every link');
    assert.deepEqual(resources(m, n - 2), [`res${n - 1}`]);
    assert.equal(m.role('ClusterRole', name(1))!.aggregatedInto![0]!.name, name(0));
  });

  it('a ring of 10,000 aggregated ClusterRoles fed by one plain role converges, every member with its rule', () => {
    const n = 10_000;
    const edges = Array.from({ length: n + 1 }, (_, i) => (i < n ? [(i + 1) % n, ...(i === n - 1 ? [n] : [])] : []));
    const m = model(roles(edges, (i) => i < n));
    for (const i of [0, 1, n / 2, n - 1]) assert.deepEqual(resources(m, i), [`res${n}`], name(i));
  });

  it('a ring of 1,000 aggregated ClusterRoles, each also aggregating its own plain role: every member has all 1,000 rules', () => {
    const n = 1_000;
    // Role i aggregates role i+1 (and the last the first) and plain role n+i; a rule reaches the member
    // before it only through the whole ring, against the order of the input.
    const edges = Array.from({ length: 2 * n }, (_, i) => (i < n ? [(i + 1) % n, n + i] : []));
    const m = model(roles(edges, (i) => i < n));
    const all = Array.from({ length: n }, (_, i) => `res${n + i}`).sort();
    for (const i of [0, 1, n / 2, n - 1]) {
      const got = resources(m, i);
      assert.equal(got.length, n, name(i));
      assert.deepEqual([...got].sort(), all, name(i));
    }
  });

  /** Small deterministic PRNG (mulberry32), so that a failure reproduces. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('random graphs: every aggregated role gets the rules of the plain roles it reaches; without cycles, in source order', () => {
    for (let seed = 1; seed <= 60; seed += 1) {
      const next = random(seed);
      const n = 3 + Math.floor(next() * 14);
      const cyclic = seed % 2 === 0;
      const isAggregated = Array.from({ length: n }, () => next() < 0.6);
      // Acyclic graphs only aggregate roles of a higher index; cyclic ones any other role.
      const edges = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => j)
        .filter((j) => j !== i && (cyclic || j > i) && next() < 0.3));
      const m = model(roles(edges, (i) => isAggregated[i]!));
      // Reference: reachable plain roles (set), and the recursive union in name order (acyclic).
      const reach = (i: number): Set<number> => {
        const seen = new Set<number>([i]);
        const found = new Set<number>();
        const todo = [i];
        while (todo.length > 0) {
          for (const j of edges[todo.pop()!]!) {
            if (!isAggregated[j]) found.add(j);
            else if (!seen.has(j)) { seen.add(j); todo.push(j); }
          }
        }
        return found;
      };
      const ordered = (i: number): string[] => {
        if (!isAggregated[i]) return [`res${i}`];
        return [...new Set(edges[i]!.flatMap(ordered))];
      };
      for (let i = 0; i < n; i += 1) {
        const got = resources(m, i);
        if (!isAggregated[i]) {
          assert.deepEqual(got, [`res${i}`], `seed ${seed}: plain role ${i} keeps its rule`);
          continue;
        }
        assert.deepEqual(new Set(got), new Set([...reach(i)].map((j) => `res${j}`)), `seed ${seed}: role ${i}`);
        assert.equal(got.length, new Set(got).size, `seed ${seed}: role ${i} has no duplicate rule`);
        if (!cyclic) assert.deepEqual(got, ordered(i), `seed ${seed}: role ${i} in source order`);
      }
    }
  });
});
