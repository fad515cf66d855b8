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

interface ReceiverJson { subject: string; binding: string; reach: string; holder: string; severity: string }
const receiversOf = (finding: Finding | undefined): ReceiverJson[] => (finding?.details?.receivers ?? []) as unknown as ReceiverJson[];
/** Severity of each grant of a rule finding, by binding name. */
const byBinding = (finding: Finding | undefined) => Object.fromEntries(receiversOf(finding).map((r) => [r.binding.split('/').pop(), r.severity]));
const bySubject = (finding: Finding | undefined) => Object.fromEntries(receiversOf(finding).map((r) => [r.subject, r.severity]));

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
    assert.deepEqual(findings.map((f) => `${f.resource.kind}/${f.resource.name} ${f.path}`), ['ClusterRole/secret-reader rules[0]'], 'one finding, on the rule');
    assert.deepEqual(byBinding(findings[0]), {
      exposed: 'critical', internal: 'high', 'internal-ns': 'medium', humans: 'medium', 'human-ns': 'low', everyone: 'critical',
    });
    assert.equal(findings[0]!.severity, 'critical', 'the most severe grant decides');
    assert.match(findings[0]!.severityReason ?? '', /high → critical \(most severe grant: Group:system:serviceaccounts .*\): \+1: system:serviceaccounts is a group of many identities/);
  });

  it('names every binding subject receiving the rule in related[], located at the subject', () => {
    const [finding] = run('rbac.secrets-read', estate);
    assert.deepEqual(finding!.related!.map((r) => `${r.resource.name} ${r.path}`),
      ['everyone subjects[0]', 'exposed subjects[0]', 'internal subjects[0]', 'humans subjects[0]', 'internal-ns subjects[0]', 'human-ns subjects[0]'],
      'most severe first, then by binding');
    assert.ok(finding!.related!.every((r) => typeof r.location?.line === 'number'));
    assert.match(finding!.message, /^ClusterRole\/secret-reader rules\[0\] allows get,list secrets; granted to .* and 3 more/);
  });

  it('details and message name reach, holder, workloads and exposure', () => {
    const [finding] = run('rbac.secrets-read', estate);
    assert.equal(finding!.details?.reach, 'cluster');
    const exposed = receiversOf(finding).find((r) => r.binding === 'ClusterRoleBinding/exposed')!;
    assert.deepEqual(exposed, { subject: 'ServiceAccount:shop/web', binding: 'ClusterRoleBinding/exposed', reach: 'cluster', holder: 'exposed-workload', severity: 'critical' });
    assert.deepEqual(finding!.details?.workloads, ['Deployment/shop/web', 'Deployment/shop/worker']);
    assert.deepEqual(finding!.details?.exposedBy, ['Service/shop/web (LoadBalancer)']);
    assert.match(finding!.message, /ServiceAccount:shop\/web cluster-wide via ClusterRoleBinding\/exposed/);
    assert.equal(receiversOf(finding).find((r) => r.binding === 'RoleBinding/shop/internal-ns')?.reach, 'namespace');
  });

  it('an Ingress backend exposes the pods of its (ClusterIP) Service; the default service account is used when none is set', () => {
    const yaml = SECRET_READER + deployment('shop', 'api', undefined) + service('shop', 'api', 'ClusterIP', 'api')
      + `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: api, namespace: shop }\nspec:\n  rules:\n    - http:\n        paths:\n          - { path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }\n---\n`
      + rb('shop', 'default-reads', 'secret-reader', '{ kind: ServiceAccount, name: default, namespace: shop }');
    const [finding] = run('rbac.secrets-read', yaml);
    assert.equal(receiversOf(finding)[0]?.holder, 'exposed-workload');
    assert.deepEqual(finding?.details?.exposedBy, ['Ingress/shop/api → Service/shop/api']);
    assert.equal(finding?.severity, 'high', 'namespace reach (-1), exposed holder (+1)');
  });

  it('pods owned by a workload of the input are counted as that workload', () => {
    const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: worker-abc\n  namespace: shop\n  ownerReferences: [{ apiVersion: apps/v1, kind: Deployment, name: worker, controller: true, uid: x }]\nspec:\n  serviceAccountName: worker\n  containers: [{ name: app, image: nginx }]\n---\n`;
    const [found] = run('rbac.secrets-read', estate + pod);
    assert.deepEqual(found!.details?.workloads, ['Deployment/shop/web', 'Deployment/shop/worker']);
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

  it('anonymous: system:authenticated with discovery only is fine; unauthenticated discovery is high, more is critical', () => {
    const discovery = `${H}\nkind: ClusterRole\nmetadata: { name: disco }\nrules:\n  - { nonResourceURLs: [/version, /healthz], verbs: [get] }\n---\n`;
    assert.deepEqual(run('rbac.anonymous-access', discovery + crb('a', 'disco', '{ kind: Group, name: system:authenticated }')), []);
    const anon = run('rbac.anonymous-access', discovery + crb('b', 'disco', '{ kind: User, name: system:anonymous }'));
    assert.deepEqual(anon.map((f) => f.severity), ['high'], 'never below high for anonymous');
    const more = run('rbac.anonymous-access', SECRET_READER + rb('shop', 'c', 'secret-reader', '{ kind: Group, name: system:unauthenticated }'));
    assert.deepEqual(more.map((f) => f.severity), ['high'], 'critical, one level lower for a namespace');
    const authenticated = run('rbac.anonymous-access', SECRET_READER + rb('shop', 'd', 'secret-reader', '{ kind: Group, name: system:authenticated }'));
    assert.deepEqual(authenticated.map((f) => [f.severity, f.severityReason]), [['high',
      'critical → high: -1: all authenticated users, not anonymous ones; -1: confined to namespace shop (RoleBinding); kept at high or above: granted to anonymous or all authenticated users']],
    'high, and the namespace does not lower it');
  });

  it('anything granted to anonymous or all authenticated users is never below high, nor escalate/bind/impersonate', () => {
    const anonSecrets = run('rbac.secrets-read', SECRET_READER + rb('shop', 'a', 'secret-reader', '{ kind: User, name: system:anonymous }'));
    assert.deepEqual(anonSecrets.map((f) => f.severity), ['high']);
    assert.equal(anonSecrets[0]!.severityReason, undefined, 'the catalogue severity: nothing to explain');
    const escalator = `${H}\nkind: ClusterRole\nmetadata: { name: esc }\nrules:\n  - { apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, bind] }\n  - { apiGroups: [''], resources: [users, groups], verbs: [impersonate] }\n---\n`;
    const human = run('rbac.escalation-verbs', escalator + crb('e', 'esc', '{ kind: User, name: dave }'));
    assert.deepEqual(human.map((f) => `${f.path} ${f.severity}`), ['rules[0] high', 'rules[1] critical'], 'a person cluster-wide is not medium');
    assert.equal(human[0]!.severityReason, undefined, 'kept at the catalogue severity');
    assert.match(human[1]!.severityReason ?? '', /critical: impersonating any group includes system:masters/);
    const unbound = run('rbac.escalation-verbs', escalator);
    assert.deepEqual(unbound.map((f) => f.severity), ['high', 'high'], 'unbound, still high');
  });

  it('a rule nobody binds is reported one level lower, and says so', () => {
    const [finding, ...rest] = run('rbac.secrets-read', SECRET_READER);
    assert.equal(rest.length, 0);
    assert.equal(finding!.path, 'rules[0]');
    assert.equal(finding!.severity, 'medium');
    assert.equal(finding!.details?.reach, 'unbound');
    assert.match(finding!.message, /no binding in the input grants it/);
    assert.match(finding!.severityReason ?? '', /not bound by any binding in the input/);
  });

  it('a binding to a built-in role (edit) is reported on the binding; a rule aggregated into a bound role on the rule', () => {
    const edit = run('rbac.secrets-read', rb('shop', 'devs', 'edit', '{ kind: Group, name: devs }'));
    assert.deepEqual(edit.map((f) => `${f.resource.name} ${f.path} ${f.severity}`), ['devs subjects[0] low']);
    const aggregated = `${H}\nkind: ClusterRole\nmetadata: { name: extra-secrets, labels: { rbac.authorization.k8s.io/aggregate-to-view: "true" } }\nrules:\n  - { apiGroups: [''], resources: [secrets], verbs: [list] }\n---\n`;
    const viaView = run('rbac.secrets-read', aggregated + crb('viewers', 'view', '{ kind: ServiceAccount, name: web, namespace: shop }'));
    assert.deepEqual(viaView.map((f) => `${f.resource.name} ${f.path}`), ['extra-secrets rules[0]'], 'the built-in view picks the rule up; the rule is what to change');
    assert.deepEqual(receiversOf(viaView[0]).map((r) => r.binding), ['ClusterRoleBinding/viewers']);
  });

  it('kube-system workloads: only grants reaching kube-system (there, or cluster-wide)', () => {
    const creator = `${H}\nkind: ClusterRole\nmetadata: { name: pod-creator }\nrules:\n  - { apiGroups: [''], resources: [pods], verbs: [create] }\n---\n`;
    assert.deepEqual(run('rbac.kube-system-workloads', creator + rb('shop', 'x', 'pod-creator', '{ kind: User, name: u }')), []);
    const found = run('rbac.kube-system-workloads', creator + rb('kube-system', 'y', 'pod-creator', '{ kind: ServiceAccount, name: ci, namespace: ci }')
      + crb('z', 'pod-creator', '{ kind: ServiceAccount, name: ci, namespace: ci }'));
    assert.equal(found.length, 1);
    assert.deepEqual(bySubject(found[0]), { 'ServiceAccount:ci/ci': 'high' });
    assert.equal(receiversOf(found[0]).length, 2);
  });

  it('cluster-scoped risks (nodes/proxy, CSR approval, webhooks) ignore RoleBindings, which cannot grant them', () => {
    const role = `${H}\nkind: ClusterRole\nmetadata: { name: np }\nrules:\n  - { apiGroups: [''], resources: [nodes/proxy], verbs: [get] }\n---\n`;
    assert.deepEqual(run('rbac.nodes-proxy', role + rb('shop', 'x', 'np', '{ kind: User, name: u }')), [], 'bound, but only where it grants nothing');
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
    const [secrets, ...others] = findings.filter((f) => f.checkId === 'rbac.secrets-read');
    assert.equal(others.length, 0, 'one finding on the rule');
    assert.equal(secrets!.related!.length, 2000, 'naming every grant');
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
    const byCheck = findings.map((f) => `${f.checkId} ${f.resource.name} ${f.path} ${JSON.stringify(f.details?.grants)}`);
    assert.equal(byCheck.filter((f) => f.startsWith('rbac.secrets-read')).length, 500, 'each rule of the role is where to change it');
    assert.ok(byCheck.includes('rbac.anonymous-access a subjects[0] ["get secrets (core)"]'));
    const anonymous = findings.find((f) => f.checkId === 'rbac.anonymous-access')!;
    assert.match(anonymous.message, /is granted get secrets \(core\) cluster-wide/);
  });

  it('who-can and subject answers list each grant once', () => {
    const model = RbacModel.fromResources(parseResources(copies + crb('ghost', 'not-here', '{ kind: ServiceAccount, name: web, namespace: shop }').repeat(COPIES)));
    const who = whoCanAnswer(model, { type: 'resource', verb: 'delete', apiGroup: '', resource: 'pods' }, { type: 'all' });
    assert.deepEqual(who.subjects.filter((s) => s.name !== 'system:masters'), [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop', via: [{ binding: 'RoleBinding/shop/web', role: 'ClusterRole/cluster-admin', namespace: 'shop' }] }]);
    assert.deepEqual(who.unresolvedBindings, ['ClusterRoleBinding/ghost → ClusterRole/not-here']);
    const subject = subjectAnswer(model, { kind: 'ServiceAccount', namespace: 'shop', name: 'web' }, []);
    assert.equal(subject.namespaces.shop!.length, 1, 'the resource rule of cluster-admin (a RoleBinding grants no URL)');
    for (const rule of subject.namespaces.shop!) assert.equal(rule.via.length, 1);
    assert.deepEqual(subject.unresolvedBindings, ['ClusterRoleBinding/ghost → ClusterRole/not-here']);
  });
});
