/** RBAC risk checks beyond their examples: severity by reach and holder, exposure, defaults, dangling objects. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseResources, runChecks } from './support/run-checks.js';
import { rbacChecks } from '../src/checks/rbac/index.js';
import { Inventory } from '../src/inventory/inventory.js';
import { RbacModel, ServiceAccountUsage, subjectAnswer, whoCanAnswer } from '../src/inventory/rbac/index.js';
import type { Finding } from '../src/resources/types.js';

const H = 'apiVersion: rbac.authorization.k8s.io/v1';
const check = (id: string) => rbacChecks.filter((c) => c.id === id);

function run(id: string, yaml: string): Finding[] {
  return runChecks(check(id), yaml);
}

const SECRET_READER = `${H}
kind: ClusterRole
metadata: { name: secret-reader }
rules:
  - { apiGroups: [''], resources: [secrets], verbs: [get, list] }
---
`;

function crb(name: string, role: string, subject: string): string {
  return `${H}\nkind: ClusterRoleBinding\nmetadata: { name: ${name} }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role} }\nsubjects:\n  - ${subject}\n---\n`;
}

function rb(ns: string, name: string, role: string, subject: string, kind = 'ClusterRole'): string {
  return `${H}\nkind: RoleBinding\nmetadata: { name: ${name}, namespace: ${ns} }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ${kind}, name: ${role} }\nsubjects:\n  - ${subject}\n---\n`;
}

function deployment(ns: string, name: string, sa: string | undefined, labels = `{ app: ${name} }`): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: ${ns} }\nspec:\n  template:\n    metadata: { labels: ${labels} }\n    spec:\n${sa ? `      serviceAccountName: ${sa}\n` : ''}      containers: [{ name: app, image: nginx }]\n---\n`;
}

function service(ns: string, name: string, type: string, app: string): string {
  return `apiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: ${ns} }\nspec: { type: ${type}, selector: { app: ${app} } }\n---\n`;
}

const bySubject = (findings: Finding[]) => Object.fromEntries(findings.map((f) => [String(f.details?.subject), f.severity]));

describe('rbac checks: severity reflects reach and holder', () => {
  const estate = SECRET_READER
    + deployment('shop', 'web', 'web') + service('shop', 'web', 'LoadBalancer', 'web')
    + deployment('shop', 'worker', 'worker') + service('shop', 'worker', 'ClusterIP', 'worker')
    + crb('exposed', 'secret-reader', '{ kind: ServiceAccount, name: web, namespace: shop }')
    + crb('internal', 'secret-reader', '{ kind: ServiceAccount, name: worker, namespace: shop }')
    + rb('shop', 'internal-ns', 'secret-reader', '{ kind: ServiceAccount, name: worker, namespace: shop }')
    + crb('humans', 'secret-reader', '{ kind: Group, name: ops }')
    + rb('shop', 'human-ns', 'secret-reader', '{ kind: User, name: dave }')
    + crb('everyone', 'secret-reader', '{ kind: Group, name: system:serviceaccounts }');

  it('exposed workload > workload cluster-wide > workload in a namespace ≈ human group cluster-wide > human in a namespace', () => {
    const findings = run('rbac.secrets-read', estate);
    const byBinding = Object.fromEntries(findings.map((f) => [f.resource.name, f.severity]));
    assert.deepEqual(byBinding, {
      exposed: 'critical', internal: 'high', 'internal-ns': 'medium', humans: 'medium', 'human-ns': 'low', everyone: 'critical',
    });
  });

  it('details and message name reach, holder, workloads and exposure', () => {
    const exposed = run('rbac.secrets-read', estate).find((f) => f.resource.name === 'exposed')!;
    assert.equal(exposed.details?.reach, 'cluster');
    assert.equal(exposed.details?.holder, 'exposed-workload');
    assert.deepEqual(exposed.details?.workloads, ['Deployment/shop/web']);
    assert.deepEqual(exposed.details?.exposedBy, ['Service/shop/web (LoadBalancer)']);
    assert.match(exposed.message, /cluster-wide via ClusterRole\/secret-reader \(ClusterRoleBinding\/exposed\); held by Deployment\/shop\/web, exposed by Service\/shop\/web/);
    const ns = run('rbac.secrets-read', estate).find((f) => f.resource.name === 'internal-ns')!;
    assert.equal(ns.details?.reach, 'namespace');
    assert.equal(ns.details?.namespace, 'shop');
    assert.equal(ns.path, 'subjects[0]');
  });

  it('an Ingress backend exposes the pods of its (ClusterIP) Service; the default service account is used when none is set', () => {
    const yaml = SECRET_READER + deployment('shop', 'api', undefined) + service('shop', 'api', 'ClusterIP', 'api')
      + `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: api, namespace: shop }\nspec:\n  rules:\n    - http:\n        paths:\n          - { path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }\n---\n`
      + rb('shop', 'default-reads', 'secret-reader', '{ kind: ServiceAccount, name: default, namespace: shop }');
    const [finding] = run('rbac.secrets-read', yaml);
    assert.equal(finding?.details?.holder, 'exposed-workload');
    assert.deepEqual(finding?.details?.exposedBy, ['Ingress/shop/api → Service/shop/api']);
    assert.equal(finding?.severity, 'high', 'namespace reach (-1), exposed holder (+1)');
  });

  it('pods owned by a workload of the input are counted as that workload', () => {
    const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: worker-abc\n  namespace: shop\n  ownerReferences: [{ apiVersion: apps/v1, kind: Deployment, name: worker, controller: true, uid: x }]\nspec:\n  serviceAccountName: worker\n  containers: [{ name: app, image: nginx }]\n---\n`;
    const found = run('rbac.secrets-read', estate + pod).find((f) => f.resource.name === 'internal')!;
    assert.deepEqual(found.details?.workloads, ['Deployment/shop/worker']);
  });

  it('a rule limited by resourceNames is one level lower', () => {
    const yaml = `${H}\nkind: Role\nmetadata: { name: one-secret, namespace: shop }\nrules:\n  - { apiGroups: [''], resources: [secrets], resourceNames: [tls], verbs: [get] }\n---\n`
      + rb('shop', 'one', 'one-secret', '{ kind: ServiceAccount, name: worker, namespace: shop }', 'Role');
    const [finding] = run('rbac.secrets-read', yaml);
    assert.equal(finding?.severity, 'low');
    assert.match(finding!.message, /named objects only/);
  });
});

describe('rbac checks: what is not reported', () => {
  it('system:masters, bootstrap-labelled bindings and cluster-admin-equivalent roles (left to cluster-admin-binding)', () => {
    const yaml = SECRET_READER
      + crb('masters', 'secret-reader', '{ kind: Group, name: system:masters }')
      + `${H}\nkind: ClusterRoleBinding\nmetadata:\n  name: vendor-default\n  annotations: { rbac.authorization.kubernetes.io/autoupdate: "true" }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader }\nsubjects:\n  - { kind: User, name: vendor }\n---\n`
      + crb('admins', 'cluster-admin', '{ kind: User, name: root }');
    assert.deepEqual(run('rbac.secrets-read', yaml), []);
    assert.deepEqual(run('rbac.cluster-admin-binding', yaml).map((f) => f.resource.name), ['admins']);
  });

  it('anonymous: system:authenticated with discovery only is fine; unauthenticated discovery is medium, more is critical', () => {
    const discovery = `${H}\nkind: ClusterRole\nmetadata: { name: disco }\nrules:\n  - { nonResourceURLs: [/version, /healthz], verbs: [get] }\n---\n`;
    assert.deepEqual(run('rbac.anonymous-access', discovery + crb('a', 'disco', '{ kind: Group, name: system:authenticated }')), []);
    const anon = run('rbac.anonymous-access', discovery + crb('b', 'disco', '{ kind: User, name: system:anonymous }'));
    assert.deepEqual(anon.map((f) => f.severity), ['medium']);
    const more = run('rbac.anonymous-access', SECRET_READER + rb('shop', 'c', 'secret-reader', '{ kind: Group, name: system:unauthenticated }'));
    assert.deepEqual(more.map((f) => f.severity), ['high'], 'critical, one level lower for a namespace');
  });

  it('kube-system workloads: only grants reaching kube-system (there, or cluster-wide)', () => {
    const creator = `${H}\nkind: ClusterRole\nmetadata: { name: pod-creator }\nrules:\n  - { apiGroups: [''], resources: [pods], verbs: [create] }\n---\n`;
    assert.deepEqual(run('rbac.kube-system-workloads', creator + rb('shop', 'x', 'pod-creator', '{ kind: User, name: u }')), []);
    const found = run('rbac.kube-system-workloads', creator + rb('kube-system', 'y', 'pod-creator', '{ kind: ServiceAccount, name: ci, namespace: ci }')
      + crb('z', 'pod-creator', '{ kind: ServiceAccount, name: ci, namespace: ci }'));
    assert.deepEqual(bySubject(found), { 'ServiceAccount:ci/ci': 'high' });
    assert.equal(found.length, 2);
  });

  it('cluster-scoped risks (nodes/proxy, CSR approval, webhooks) ignore RoleBindings, which cannot grant them', () => {
    const role = `${H}\nkind: ClusterRole\nmetadata: { name: np }\nrules:\n  - { apiGroups: [''], resources: [nodes/proxy], verbs: [get] }\n---\n`;
    assert.deepEqual(run('rbac.nodes-proxy', role + rb('shop', 'x', 'np', '{ kind: User, name: u }')), []);
    assert.equal(run('rbac.nodes-proxy', role + crb('x', 'np', '{ kind: User, name: u }')).length, 1);
  });

  it('dangling: missing ServiceAccounts only where the namespace declares some; well-known roles are never missing', () => {
    const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: web, namespace: shop }\n---\n';
    const yaml = sa + rb('shop', 'a', 'edit', '{ kind: ServiceAccount, name: gone, namespace: shop }')
      + rb('other', 'b', 'view', '{ kind: ServiceAccount, name: unknown, namespace: other }')
      + rb('shop', 'c', 'custom-missing', '{ kind: ServiceAccount, name: web, namespace: shop }');
    const findings = run('rbac.dangling-binding', yaml);
    assert.deepEqual(findings.map((f) => `${f.resource.name} ${f.path} ${f.severity}`).sort(), ['a subjects[0].name medium', 'c roleRef.name low']);
  });

  it('unused: a role aggregated into a bound role is used; an unbound aggregated role is not', () => {
    const yaml = `${H}\nkind: ClusterRole\nmetadata: { name: agg }\naggregationRule: { clusterRoleSelectors: [ { matchLabels: { feed: "yes" } } ] }\n---\n`
      + `${H}\nkind: ClusterRole\nmetadata: { name: part, labels: { feed: "yes" } }\nrules: []\n---\n`
      + crb('agg', 'agg', '{ kind: User, name: u }');
    assert.deepEqual(run('rbac.unused-role', yaml), []);
    assert.deepEqual(run('rbac.unused-role', yaml.replace(/apiVersion: rbac\.authorization\.k8s\.io\/v1\nkind: ClusterRoleBinding[\s\S]*$/, '')).map((f) => f.resource.name), ['agg']);
  });

  it('a binding to a missing role named like an Object.prototype property is dangling, and every check runs', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'valueOf', 'hasOwnProperty']) {
      const yaml = crb('b', `"${name}"`, '{ kind: User, name: alice }') + rb('shop', 'c', `"${name}"`, '{ kind: User, name: bob }', 'Role');
      const findings = runChecks(rbacChecks, yaml); // throws when a check fails
      assert.deepEqual(findings.map((f) => `${f.checkId} ${f.resource.name} ${f.path}`).sort(),
        ['rbac.dangling-binding b roleRef.name', 'rbac.dangling-binding c roleRef.name'], name);
      assert.match(findings[0]!.message, new RegExp(`"${name}"`));
    }
  });

  // Its timing is measured in bench/ (RBAC benchmark), not asserted here.
  it('every check handles 2,000 bindings (parse included)', () => {
    let yaml = SECRET_READER;
    for (let i = 0; i < 2000; i += 1) yaml += rb(`ns${i % 50}`, `b${i}`, 'secret-reader', `{ kind: ServiceAccount, name: sa${i}, namespace: ns${i % 50} }`);
    const findings = runChecks(rbacChecks, yaml);
    assert.equal(findings.filter((f) => f.checkId === 'rbac.secrets-read').length, 2000);
  });
});

describe('rbac checks: duplicated manifests', () => {
  const ingress = (ns: string, name: string, backend: string) =>
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: ${name}, namespace: ${ns} }\nspec: { defaultBackend: { service: { name: ${backend}, port: { number: 80 } } } }\n---\n`;
  const unit = deployment('shop', 'web', 'web') + service('shop', 'web', 'LoadBalancer', 'web') + ingress('shop', 'web', 'web')
    + rb('shop', 'web', 'cluster-admin', '{ kind: ServiceAccount, name: web, namespace: shop }');
  const COPIES = 200;
  const copies = unit.repeat(COPIES);

  it('the same Deployment, Service, Ingress and binding declared many times: one finding per binding, each the size of one copy', () => {
    const single = runChecks(rbacChecks, unit);
    const findings = runChecks(rbacChecks, copies);
    assert.equal(single.length, 1);
    assert.equal(findings.length, COPIES, 'one per binding document');
    for (const finding of findings) {
      assert.equal(finding.message, single[0]!.message);
      assert.deepEqual(finding.details, single[0]!.details);
    }
    assert.deepEqual(single[0]!.details?.workloads, ['Deployment/shop/web']);
    assert.deepEqual(single[0]!.details?.exposedBy, ['Service/shop/web (LoadBalancer)', 'Ingress/shop/web → Service/shop/web']);
  });

  it('service account usage lists a workload once, with each exposure once', () => {
    const usage = ServiceAccountUsage.of(Inventory.of(parseResources(copies)));
    assert.deepEqual(usage.workloadsOf('shop', 'web'), [
      { workload: 'Deployment/shop/web', exposedBy: ['Service/shop/web (LoadBalancer)', 'Ingress/shop/web → Service/shop/web'] },
    ]);
    assert.equal(usage.holderOf({ kind: 'ServiceAccount', namespace: 'shop', name: 'web' }), usage.holderOf({ kind: 'User', name: 'system:serviceaccount:shop:web' }));
  });

  it('distinct Services and Ingresses still all count, in input order; copies of a workload merge their exposures', () => {
    const yaml = deployment('shop', 'web', 'web') + service('shop', 'b-lb', 'LoadBalancer', 'web') + service('shop', 'a-np', 'NodePort', 'web')
      + service('shop', 'internal', 'ClusterIP', 'web') + ingress('shop', 'z', 'internal') + ingress('shop', 'y', 'internal')
      + deployment('shop', 'web', 'web', '{ app: other }') + service('shop', 'other', 'LoadBalancer', 'other')
      + service('shop', 'b-lb', 'LoadBalancer', 'web');
    const usage = ServiceAccountUsage.of(Inventory.of(parseResources(yaml)));
    assert.deepEqual(usage.workloadsOf('shop', 'web'), [{
      workload: 'Deployment/shop/web',
      exposedBy: ['Service/shop/b-lb (LoadBalancer)', 'Service/shop/a-np (NodePort)', 'Ingress/shop/z → Service/shop/internal',
        'Ingress/shop/y → Service/shop/internal', 'Service/shop/other (LoadBalancer)'],
    }]);
  });

  it('a role repeating a rule reports it once', () => {
    const role = `${H}\nkind: ClusterRole\nmetadata: { name: reader }\nrules:\n${"  - { apiGroups: [''], resources: [secrets], verbs: [get] }\n".repeat(500)}---\n`;
    const findings = runChecks(rbacChecks, role + crb('r', 'reader', '{ kind: User, name: u }') + crb('a', 'reader', '{ kind: Group, name: system:unauthenticated }'));
    const byCheck = Object.fromEntries(findings.map((f) => [`${f.checkId} ${f.resource.name}`, f.details?.grants]));
    assert.deepEqual(byCheck, {
      'rbac.secrets-read r': ['get secrets (core)'],
      'rbac.secrets-read a': ['get secrets (core)'],
      'rbac.anonymous-access a': ['get secrets (core)'],
    });
    const anonymous = findings.find((f) => f.checkId === 'rbac.anonymous-access')!;
    assert.match(anonymous.message, /is granted get secrets \(core\) cluster-wide/);
  });

  it('who-can and subject answers list each grant once', () => {
    const model = RbacModel.fromResources(parseResources(copies + crb('ghost', 'not-here', '{ kind: ServiceAccount, name: web, namespace: shop }').repeat(COPIES)));
    const who = whoCanAnswer(model, { type: 'resource', verb: 'delete', apiGroup: '', resource: 'pods' }, { type: 'all' });
    assert.deepEqual(who.subjects, [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop', via: [{ binding: 'RoleBinding/shop/web', role: 'ClusterRole/cluster-admin', namespace: 'shop' }] }]);
    assert.deepEqual(who.unresolvedBindings, ['ClusterRoleBinding/ghost → ClusterRole/not-here']);
    const subject = subjectAnswer(model, { kind: 'ServiceAccount', namespace: 'shop', name: 'web' }, []);
    assert.equal(subject.namespaces.shop!.length, 1, 'the resource rule of cluster-admin (a RoleBinding grants no URL)');
    for (const rule of subject.namespaces.shop!) assert.equal(rule.via.length, 1);
    assert.deepEqual(subject.unresolvedBindings, ['ClusterRoleBinding/ghost → ClusterRole/not-here']);
  });
});
