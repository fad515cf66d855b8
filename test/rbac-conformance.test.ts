/**
 * The Kubernetes bootstrap RBAC policy (test/conformance/rbac): the model resolves it as a
 * cluster would (aggregation of admin/edit/view, expected who-can answers), recognises every object as a system
 * default, and the RBAC checks report none of it as the user's risk.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from './support/paths.js';
import { parseResources, runChecks } from './support/run-checks.js';
import { rbacChecks } from '../src/checks/rbac/index.js';
import { RbacModel, type AccessRequest, type AccessScope, type PolicyRule, type RoleNode } from '../src/inventory/rbac/index.js';
import { SEVERITIES } from '../src/resources/types.js';

const dir = join(conformanceDir, 'rbac');
const yamlFiles = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const text = yamlFiles.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n---\n');
const resources = parseResources(text, 'rbac-defaults.yaml');
const model = RbacModel.fromResources(resources);

function who(request: AccessRequest, scope: AccessScope = { type: 'cluster' }): string[] {
  return model.whoCan(request, scope).map((e) => (e.subject.namespace ? `${e.subject.kind}:${e.subject.namespace}/${e.subject.name}` : `${e.subject.kind}:${e.subject.name}`));
}

const r = (verb: string, apiGroup: string, resource: string, extra: { subresource?: string; name?: string } = {}): AccessRequest =>
  ({ type: 'resource', verb, apiGroup, resource, ...extra });

interface SummaryRow {
  file: string; kind: string; namespace: string; name: string; aggregated: string; rules: string;
  wildcard_verb: string; wildcard_resource: string; wildcard_apigroup: string; can_read_secrets: string;
  sensitive_verbs: string; pods_exec_or_attach: string; nonresource_urls: string;
}

function summary(): SummaryRow[] {
  const [header, ...lines] = readFileSync(join(dir, 'roles_summary.csv'), 'utf8').trim().split(/\r?\n/);
  const keys = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i], v])) as unknown as SummaryRow);
}

const py = (b: boolean) => (b ? 'True' : 'False');
const some = (rules: PolicyRule[], f: (rule: PolicyRule) => boolean) => py(rules.some(f));
const SENSITIVE = ['escalate', 'bind', 'impersonate', 'approve', 'sign'];

function facts(role: RoleNode): Partial<SummaryRow> {
  const rules = role.ownRules;
  return {
    aggregated: py(role.aggregated),
    rules: String(rules.length),
    wildcard_verb: some(rules, (x) => x.verbs.includes('*')),
    wildcard_resource: some(rules, (x) => x.resources.some((res) => res.includes('*'))), // the summary counts */scale too
    wildcard_apigroup: some(rules, (x) => x.apiGroups.includes('*')),
    can_read_secrets: some(rules, (x) => x.verbs.some((v) => ['get', 'list', 'watch', '*'].includes(v))
      && x.apiGroups.some((g) => g === '' || g === '*') && x.resources.some((res) => res === 'secrets' || res === '*')),
    sensitive_verbs: SENSITIVE.filter((v) => rules.some((x) => x.verbs.includes(v))).join(';'),
    pods_exec_or_attach: some(rules, (x) => x.resources.includes('pods/exec') || x.resources.includes('pods/attach')),
    nonresource_urls: some(rules, (x) => x.nonResourceURLs.length > 0),
  };
}

describe('rbac conformance: bootstrap policy parsed as roles_summary.csv describes it', () => {
  const rows = summary();
  it('has every role of the summary, and no other', () => {
    assert.equal(rows.length, 77);
    assert.equal(model.roles.length, rows.length);
  });
  for (const row of rows) {
    it(`${row.kind} ${row.namespace ? `${row.namespace}/` : ''}${row.name}`, () => {
      const role = model.role(row.kind as 'Role' | 'ClusterRole', row.name, row.namespace || undefined);
      assert.ok(role, 'role not in the model');
      const expected = Object.fromEntries(Object.keys(facts(role)).map((k) => [k, row[k as keyof SummaryRow]]));
      assert.deepEqual(facts(role), expected);
    });
  }
});

describe('rbac conformance: aggregation of admin, edit, view', () => {
  const admin = model.role('ClusterRole', 'admin')!;
  const edit = model.role('ClusterRole', 'edit')!;
  const view = model.role('ClusterRole', 'view')!;

  it('view = system:aggregate-to-view; edit = view + aggregate-to-edit; admin = edit + aggregate-to-admin', () => {
    const own = (name: string) => model.role('ClusterRole', name)!.ownRules.length;
    assert.equal(view.rules.length, own('system:aggregate-to-view'));
    assert.equal(edit.rules.length, view.rules.length + own('system:aggregate-to-edit'));
    assert.equal(admin.rules.length, edit.rules.length + own('system:aggregate-to-admin'));
  });

  it('admin manages rolebindings, edit reads secrets and execs, view does neither', () => {
    const allows = (role: RoleNode, request: AccessRequest) => model.rolesAllowing(request).has(role);
    const rbCreate = r('create', 'rbac.authorization.k8s.io', 'rolebindings');
    const secrets = r('get', '', 'secrets');
    const exec = r('create', '', 'pods', { subresource: 'exec' });
    assert.deepEqual([admin, edit, view].map((role) => allows(role, rbCreate)), [true, false, false]);
    assert.deepEqual([admin, edit, view].map((role) => allows(role, secrets)), [true, true, false]);
    assert.deepEqual([admin, edit, view].map((role) => allows(role, exec)), [true, true, false]);
    assert.ok(allows(view, r('list', 'apps', 'deployments')));
  });
});

describe('rbac conformance: who-can on the defaults', () => {
  it('escalate clusterroles: system:masters and the clusterrole-aggregation-controller', () => {
    assert.deepEqual(who(r('escalate', 'rbac.authorization.k8s.io', 'clusterroles')),
      ['Group:system:masters', 'ServiceAccount:kube-system/clusterrole-aggregation-controller']);
  });

  it('get secrets cluster-wide, and in kube-system (namespace Roles add bootstrap-signer, token-cleaner)', () => {
    const cluster = ['Group:system:masters', 'User:system:kube-controller-manager',
      'ServiceAccount:kube-system/generic-garbage-collector', 'ServiceAccount:kube-system/namespace-controller'];
    assert.deepEqual(who(r('get', '', 'secrets')), cluster);
    assert.deepEqual(who(r('get', '', 'secrets'), { type: 'namespace', namespace: 'kube-system' }),
      ['Group:system:masters', 'User:system:kube-controller-manager', 'ServiceAccount:kube-system/bootstrap-signer',
        'ServiceAccount:kube-system/generic-garbage-collector', 'ServiceAccount:kube-system/namespace-controller',
        'ServiceAccount:kube-system/token-cleaner']);
    assert.ok(who(r('list', '', 'secrets')).includes('ServiceAccount:kube-system/resourcequota-controller'), 'list/watch on *');
  });

  it('discovery and health endpoints: everyone; /metrics: only system:masters', () => {
    assert.deepEqual(who({ type: 'nonResource', verb: 'get', path: '/healthz' }),
      ['Group:system:authenticated', 'Group:system:masters', 'Group:system:unauthenticated']);
    assert.deepEqual(who({ type: 'nonResource', verb: 'get', path: '/apis/apps/v1' }), ['Group:system:authenticated', 'Group:system:masters']);
    assert.deepEqual(who({ type: 'nonResource', verb: 'get', path: '/metrics' }), ['Group:system:masters'], 'system:monitoring is not bound in this older bindings file');
  });

  it('exec and impersonation: nobody but system:masters (edit/admin are not bound by default)', () => {
    assert.deepEqual(who(r('create', '', 'pods', { subresource: 'exec' }), { type: 'all' }), ['Group:system:masters']);
    assert.deepEqual(who(r('impersonate', '', 'serviceaccounts'), { type: 'all' }), ['Group:system:masters']);
  });

  it('CSR approval: certificate-controller (and the garbage collector\'s */* update)', () => {
    assert.deepEqual(who(r('update', 'certificates.k8s.io', 'certificatesigningrequests', { subresource: 'approval' })),
      ['Group:system:masters', 'ServiceAccount:kube-system/certificate-controller', 'ServiceAccount:kube-system/generic-garbage-collector']);
  });

  it('self reviews: every authenticated identity', () => {
    assert.deepEqual(who(r('create', 'authorization.k8s.io', 'selfsubjectaccessreviews')), ['Group:system:authenticated', 'Group:system:masters']);
  });

  it('the binding to the absent podcheckpoint-controller role is the only unresolved one', () => {
    assert.deepEqual(model.unresolvedBindings().map((b) => b.name), ['system:controller:podcheckpoint-controller']);
  });
});

describe('rbac conformance: defaults are not the user\'s risks', () => {
  it('every role and binding is recognised as a system default', () => {
    assert.deepEqual(model.roles.filter((x) => !x.systemDefault).map((x) => x.name), []);
    assert.deepEqual(model.bindings.filter((x) => !x.systemDefault).map((x) => x.name), []);
  });

  it('the RBAC checks find nothing above info in the folder', () => {
    const findings = runChecks(rbacChecks, text);
    const aboveInfo = findings.filter((f) => SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf('info'));
    assert.deepEqual(aboveInfo.map((f) => `${f.checkId}: ${f.message}`), []);
  });

  it('a user binding of the default edit role on top of the defaults is reported, through aggregation', () => {
    const user = `${text}\n---\napiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: web-edit, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects:
  - { kind: ServiceAccount, name: web, namespace: shop }`;
    const ids = new Set(runChecks(rbacChecks, user).map((f) => f.checkId));
    for (const id of ['rbac.secrets-read', 'rbac.pod-exec', 'rbac.escalation-verbs', 'rbac.serviceaccount-token']) assert.ok(ids.has(id), id);
    assert.equal(ids.has('rbac.cluster-admin-binding'), false);
  });
});
