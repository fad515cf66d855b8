/** Custom ValidatingAdmissionPolicies (`--policy DIR`) in scan and at admission. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadPolicyDirectory, policyExtension } from '../src/cel/policy-source.js';
import { compilePolicy, evaluatePolicy } from '../src/cel/policy.js';
import { makeConfig } from '../src/isms/config.js';
import { admissionSettings } from '../src/admission/settings.js';
import { createReviewer } from '../src/admission/webhook.js';
import { parseAdmissionReview } from '../src/admission/review.js';
import type { Resource } from '../src/resources/types.js';
import { binPath, projectRoot } from './support/paths.js';
import { admissionReview } from './support/admission.js';

const POLICIES = join(projectRoot, 'examples', 'policies');

function scan(args: string[]): { status: number | null; report: any; stderr: string } {
  const run = spawnSync(process.execPath, [binPath, 'scan', ...args, '-o', 'json', '--no-cross-resource', '-q'], { cwd: projectRoot, encoding: 'utf8' });
  return { status: run.status, report: JSON.parse(run.stdout), stderr: run.stderr };
}

test('scan --policy: a native VAP gives findings with its annotations\' severity and controls, params, variables, matchConditions and messageExpression', () => {
  const { status, report } = scan(['test/fixtures/policy-scan', '--policy', 'examples/policies']);
  assert.equal(status, 1, 'a high finding fails at the default --fail-on high');
  const policyFindings = report.findings.filter((f: any) => f.checkId.startsWith('policy.'));
  const owner = policyFindings.filter((f: any) => f.checkId === 'policy.require-owner-labels');
  assert.equal(owner.length, 1, 'owned has both labels; the kube-system DaemonSet is excluded by the matchCondition');
  assert.equal(owner[0].severity, 'high');
  assert.deepEqual(owner[0].controls, { iso27001: ['A.5.9', 'A.5.2'] });
  assert.deepEqual(owner[0].resource, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'unowned', namespace: 'shop' });
  assert.equal(owner[0].message, 'missing owner labels: cost-center (binding require-owner-labels)');
  assert.equal(owner[0].remediation, 'Add the owner labels listed in the policy\'s parameter to metadata.labels.');
  assert.deepEqual(owner[0].location, { file: 'test/fixtures/policy-scan/workloads.yaml', line: 1, column: 1 });
  const replicas = policyFindings.filter((f: any) => f.checkId === 'policy.max-replicas');
  assert.equal(replicas.length, 1);
  assert.equal(replicas[0].severity, 'low');
  assert.equal(replicas[0].message, 'more than 20 replicas needs a capacity review (binding max-replicas-warn)');
  assert.ok(!policyFindings.some((f: any) => f.checkId === 'policy.team-label-immutable'), 'an UPDATE-only policy does not apply to files (CREATE)');
  const control = report.controls.find((c: any) => c.id === 'A.5.9');
  assert.equal(control.status, 'fail');
});

test('scan --policy: a policy that does not compile is an error with file and line; the others still run (exit 2)', () => {
  const { status, report, stderr } = scan(['test/fixtures/policy-scan', '--policy', 'test/fixtures/policy-broken', '--fail-on', 'never']);
  assert.equal(status, 2);
  assert.match(stderr, /annexa: test\/fixtures\/policy-broken\/broken\.yaml:1:1: ValidatingAdmissionPolicy broken-cel: spec\.validations\[0\]: CEL does not compile/);
  assert.match(stderr, /broken\.yaml:11:1: ValidatingAdmissionPolicy bad-control: annotation annexa\.dev\/iso27001: "A\.9\.1" is not an ISO\/IEC 27001:2022 Annex A control/);
  const reserved = report.findings.filter((f: any) => f.checkId === 'policy.still-works');
  assert.equal(reserved.length, 1);
  assert.equal(reserved[0].message, 'the name unowned is reserved');
  assert.equal(reserved[0].severity, 'medium', 'default severity without the annotation');
});

test('at admission: Deny bindings deny, Warn-only bindings warn, oldObject and request are available', () => {
  const loaded = loadPolicyDirectory(POLICIES);
  assert.deepEqual(loaded.errors, []);
  const config = makeConfig({ admission: { checks: { include: ['workload.privileged-container'] } } });
  const reviewer = createReviewer({ checks: [], config, settings: admissionSettings(config), extensions: [policyExtension(loaded)] });
  const deployment = (labels: Record<string, string>, replicas = 2) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', labels }, spec: { replicas, selector: {}, template: { spec: { containers: [] } } } });
  const review = (object: any, options: any = {}) => reviewer.review(parseAdmissionReview(admissionReview(object, options)));

  const missing = review(deployment({ team: 'a' }));
  assert.equal(missing.response.allowed, false);
  assert.match(missing.response.status!.message, /\[policy\.require-owner-labels\] \(high\) missing owner labels: cost-center/);

  const many = review(deployment({ team: 'a', 'cost-center': 'x' }, 50));
  assert.equal(many.response.allowed, true, 'Warn/Audit-only bindings never deny');
  assert.deepEqual(many.response.warnings, ['[policy.max-replicas] (low) more than 20 replicas needs a capacity review (binding max-replicas-warn)']);

  const system = review(deployment({}), { namespace: 'kube-system' });
  assert.equal(system.response.allowed, true, 'matchCondition on request.namespace');

  const changed = review(deployment({ team: 'b', 'cost-center': 'x' }), { operation: 'UPDATE', oldObject: deployment({ team: 'a', 'cost-center': 'x' }) });
  assert.equal(changed.response.allowed, true, 'medium is below failOn high: a warning');
  assert.ok(changed.response.warnings!.includes('[policy.team-label-immutable] (medium) label team changed from a to b'));
  const same = review(deployment({ team: 'a', 'cost-center': 'x' }), { operation: 'UPDATE', oldObject: deployment({ team: 'a', 'cost-center': 'x' }) });
  assert.equal(same.response.warnings, undefined);
});

function policyResource(spec: Record<string, unknown>, name = 'p'): Resource {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', name, object: { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec: spec as any }, provenance: { source: 'file' } };
}

test('failurePolicy: an expression that errors is a violation under Fail and nothing under Ignore; messageExpression falls back to message', () => {
  const rules = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] };
  const input = { object: { metadata: { name: 'x' }, spec: {} }, operation: 'CREATE' as const, request: {}, group: '', kind: 'Pod', name: 'x' };
  const failing = compilePolicy(policyResource({ matchConstraints: rules, validations: [{ expression: 'object.spec.hostNetwork == false' }] }));
  const fail = evaluatePolicy(failing, undefined, input);
  assert.equal(fail.length, 1);
  assert.equal(fail[0]!.errored, true);
  assert.match(fail[0]!.message, /could not be evaluated: No such key: hostNetwork/);
  const ignoring = compilePolicy(policyResource({ failurePolicy: 'Ignore', matchConstraints: rules, validations: [{ expression: 'object.spec.hostNetwork == false' }] }));
  assert.deepEqual(evaluatePolicy(ignoring, undefined, input), []);
  const fallback = compilePolicy(policyResource({ matchConstraints: rules, validations: [{ expression: 'false', message: 'plain', messageExpression: 'object.nope' }] }));
  assert.equal(evaluatePolicy(fallback, undefined, input)[0]!.message, 'plain');
  const integers = compilePolicy(policyResource({ matchConstraints: rules, validations: [{ expression: 'object.spec.replicas + 1 == 4' }] }));
  assert.deepEqual(evaluatePolicy(integers, undefined, { ...input, object: { metadata: {}, spec: { replicas: 3 } } }), [], 'JSON integers are CEL ints');
  const other = { ...input, kind: 'Service' };
  assert.deepEqual(evaluatePolicy(failing, undefined, other), [], 'resource rules decide what matches');
});
