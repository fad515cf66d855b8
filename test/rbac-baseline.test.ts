/**
 * Kubernetes' built-in RBAC baseline (item 2 of issue 14): generated from the upstream bootstrap policy kept in
 * src/inventory/rbac/builtin/upstream/, used where the input does not declare a role or binding (the input wins).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResources, runChecks } from './support/run-checks.js';
import { projectRoot } from './support/paths.js';
import { renderBaselineModule } from '../src/inventory/rbac/builtin/render.js';
import { BASELINE_KUBERNETES_VERSION, BASELINE_ROLES } from '../src/inventory/rbac/builtin/baseline.js';
import { RbacModel, type AccessRequest, type SubjectRef } from '../src/inventory/rbac/index.js';
import { rbacChecks } from '../src/checks/rbac/index.js';

const dir = join(projectRoot, 'src', 'inventory', 'rbac', 'builtin');
const upstream = (file: string) => readFileSync(join(dir, 'upstream', file), 'utf8');
const H = 'apiVersion: rbac.authorization.k8s.io/v1';
const res = (verb: string, resource: string, apiGroup = ''): AccessRequest => ({ type: 'resource', verb, apiGroup, resource });
const DEVS: SubjectRef = { kind: 'Group', name: 'devs' };

function rb(role: string, subject = '{ kind: Group, name: devs }'): string {
  return `${H}\nkind: RoleBinding\nmetadata: { name: b-${role}, namespace: shop }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role} }\nsubjects: [ ${subject} ]\n---\n`;
}

function model(yaml: string): RbacModel {
  return RbacModel.fromResources(parseResources(yaml));
}

describe('rbac baseline: the data', () => {
  it('baseline-data.ts is the render of the upstream files (regenerate with npx tsx scripts/gen-rbac-baseline.ts)', () => {
    assert.equal(readFileSync(join(dir, 'baseline-data.ts'), 'utf8'), renderBaselineModule(upstream));
  });

  it('is versioned, and has admin/edit/view, cluster-admin, their aggregation sources and the controllers\' roles', () => {
    assert.equal(BASELINE_KUBERNETES_VERSION, 'v1.33');
    const names = new Set(BASELINE_ROLES.map((r) => r.name));
    for (const name of ['admin', 'edit', 'view', 'cluster-admin', 'system:aggregate-to-edit', 'system:controller:namespace-controller']) {
      assert.ok(names.has(name), name);
    }
    assert.match(upstream('README.md'), /License: Apache-2.0/);
  });
});

describe('rbac baseline: in the model', () => {
  it('a RoleBinding to the built-in edit role grants get secrets in its namespace; view does not', () => {
    const m = model(rb('edit'));
    assert.ok(m.allows(DEVS, res('get', 'secrets'), 'shop'));
    assert.ok(m.allows(DEVS, res('create', 'deployments', 'apps'), 'shop'));
    assert.equal(m.allows(DEVS, res('get', 'secrets'), 'other'), undefined);
    assert.deepEqual(m.unresolvedBindings(), []);
    const view = model(rb('view'));
    assert.equal(view.allows(DEVS, res('get', 'secrets'), 'shop'), undefined);
    assert.ok(view.allows(DEVS, res('list', 'pods'), 'shop'));
  });

  it('admin ⊇ edit ⊇ view through aggregation, and admin adds RBAC within the namespace', () => {
    const m = model(rb('admin'));
    for (const request of [res('list', 'pods'), res('get', 'secrets'), res('create', 'rolebindings', 'rbac.authorization.k8s.io')]) {
      assert.ok(m.allows(DEVS, request, 'shop'), JSON.stringify(request));
    }
  });

  it('a ClusterRole of the input labelled aggregate-to-edit is picked up by the built-in edit and admin', () => {
    const custom = `${H}\nkind: ClusterRole\nmetadata: { name: widgets-edit, labels: { rbac.authorization.k8s.io/aggregate-to-edit: "true" } }\nrules:\n  - { apiGroups: [example.com], resources: [widgets], verbs: [delete] }\n---\n`;
    const m = model(custom + rb('admin'));
    assert.ok(m.allows(DEVS, res('delete', 'widgets', 'example.com'), 'shop'));
    assert.deepEqual(m.role('ClusterRole', 'widgets-edit')!.aggregatedInto!.map((r) => r.name).sort(), ['edit']);
  });

  it('the input wins: a declared edit role replaces the built-in one', () => {
    const declared = `${H}\nkind: ClusterRole\nmetadata: { name: edit }\nrules:\n  - { apiGroups: [''], resources: [configmaps], verbs: [get] }\n---\n`;
    const m = model(declared + rb('edit'));
    assert.equal(m.allows(DEVS, res('get', 'secrets'), 'shop'), undefined);
    assert.ok(m.allows(DEVS, res('get', 'configmaps'), 'shop'));
    assert.equal(m.role('ClusterRole', 'edit')!.builtin, undefined);
  });

  it('special groups: system:masters holds cluster-admin; system:authenticated only discovery and self-reviews', () => {
    const m = model('');
    const root: SubjectRef = { kind: 'User', name: 'root' };
    assert.ok(m.allows(root, res('delete', 'nodes'), undefined, ['system:masters']));
    assert.ok(m.allows(root, { type: 'nonResource', verb: 'get', path: '/metrics' }, undefined, ['system:masters']));
    const alice: SubjectRef = { kind: 'User', name: 'alice' };
    assert.equal(m.allows(alice, res('list', 'pods')), undefined);
    assert.ok(m.allows(alice, res('create', 'selfsubjectaccessreviews', 'authorization.k8s.io')));
    assert.ok(m.allows(alice, { type: 'nonResource', verb: 'get', path: '/version' }));
    const anonymous: SubjectRef = { kind: 'User', name: 'system:anonymous' };
    assert.ok(m.allows(anonymous, { type: 'nonResource', verb: 'get', path: '/healthz' }));
    assert.equal(m.allows(anonymous, res('create', 'selfsubjectaccessreviews', 'authorization.k8s.io')), undefined);
  });

  it('the upstream bootstrap policy given as input resolves admin/edit/view to the same rules as the built-in baseline', () => {
    const declared = model(upstream('cluster-roles-featuregates.yaml'));
    const builtin = model('');
    for (const name of ['admin', 'edit', 'view']) {
      const a = declared.role('ClusterRole', name)!;
      const b = builtin.role('ClusterRole', name)!;
      assert.equal(a.builtin, undefined);
      assert.equal(b.builtin, true);
      assert.deepEqual(a.rules, b.rules, name);
      assert.ok(a.rules.length > 10, `${name} has its aggregated rules`);
    }
  });

  it('no check reports the built-in baseline itself; a binding to a built-in role is reported on the binding', () => {
    assert.deepEqual(runChecks(rbacChecks, ''), []);
    const findings = runChecks(rbacChecks, rb('admin', '{ kind: ServiceAccount, name: ci, namespace: shop }'));
    assert.ok(findings.length > 0);
    assert.ok(findings.every((f) => f.resource.kind === 'RoleBinding' && f.path === 'subjects[0]'), JSON.stringify(findings.map((f) => f.checkId)));
    assert.deepEqual([...new Set(findings.map((f) => f.checkId))].sort(), ['rbac.escalation-verbs', 'rbac.pod-exec', 'rbac.secrets-read', 'rbac.serviceaccount-token'], 'edit (in admin) impersonates serviceaccounts');
  });
});
