/**
 * Coverage-aware control posture: the engine's evaluation record (which check ran on how many
 * in-scope resources, or why not) and the status rules computed from it outside the engine.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Check } from '../src/engine/check.js';
import type { PodTemplate } from '../src/resources/workloads.js';
import type { EvaluationRecord } from '../src/engine/evaluation.js';
import { runScan } from '../src/engine/scan.js';
import { computePosture, type ControlStatus } from '../src/posture/posture.js';
import { isoControl, type AnnexAControl } from '../src/frameworks/iso27001.js';
import { makeConfig } from '../src/isms/config.js';
import type { Severity } from '../src/resources/types.js';
import { inputDigest } from '../src/posture/digest.js';
import { configKeeping, scanInProcess, tempTree } from './support/scan-output.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

function podCheck(id: string, iso27001: string[], severity: Severity = 'medium', fire = true): Check {
  return {
    id, title: id, severity, domain: 'workload', scope: 'pod', rationale: 'r', remediation: 'r', controls: { iso27001 },
    *check() {
      if (fire) yield { path: 'spec', message: `${id} fired` };
    },
    examples: { valid: [], invalid: [] },
  };
}

function inventoryCheck(id: string, iso27001: string[], inputKinds: string[], behaviour: 'quiet' | 'throw' = 'quiet'): Check {
  return {
    id, title: id, severity: 'high', domain: 'rbac', scope: 'inventory', inputKinds, rationale: 'r', remediation: 'r', controls: { iso27001 },
    *check() {
      if (behaviour === 'throw') throw new Error('boom');
    },
    examples: { valid: [], invalid: [] },
  };
}

/** A pod check that throws on the pod with the given name. */
function throwsOn(id: string, name: string): Check {
  return {
    ...podCheck(id, ['A.8.9'], 'low', false),
    *check(pod: PodTemplate) {
      if (pod.metadata.name === name) throw new Error('boom');
    },
  } as Check;
}

/** A reduced catalog: one control judged fully automatable, one partly. */
const FULL: AnnexAControl = { ...isoControl('A.8.18')!, coverage: 'full' };
const PARTIAL: AnnexAControl = isoControl('A.8.9')!;
const MANUAL: AnnexAControl = isoControl('A.5.1')!;
const CATALOG = [FULL, PARTIAL, MANUAL];

function record(entries: Array<[string, number, Partial<Record<Severity, number>>?, EvaluationRecord['checks'][number]['notEvaluated']?]>): EvaluationRecord {
  return {
    checks: entries.map(([check, resources, findings = {}, notEvaluated]) => ({ check, resources, errors: 0, findings, ...(notEvaluated ? { notEvaluated } : {}) })),
  };
}

function statusOf(controls: ControlStatus[], id: string): ControlStatus {
  const control = controls.find((c) => c.id === id);
  assert.ok(control, id);
  return control;
}

describe('posture status rules', () => {
  const a = podCheck('workload.a', ['A.8.18', 'A.8.9']);
  const b = podCheck('workload.b', ['A.8.18']);
  const posture = (evaluation: EvaluationRecord, config = makeConfig(), checks: Check[] = [a, b]) => computePosture({ config, checks, evaluation, catalog: CATALOG });

  it('pass only for a fully automatable control whose every mapped check ran clean', () => {
    const controls = posture(record([['workload.a', 3], ['workload.b', 3]]));
    assert.equal(statusOf(controls, 'A.8.18').status, 'pass');
    assert.deepEqual(statusOf(controls, 'A.8.18').coverage, { evaluated: ['workload.a', 'workload.b'], notEvaluated: [] });
    assert.equal(statusOf(controls, 'A.8.9').status, 'partial', 'partly automatable: never pass');
    assert.equal(statusOf(controls, 'A.5.1').status, 'manual');
  });

  it('partial when a mapped check was not evaluated, with the reason', () => {
    const controls = posture(record([['workload.a', 3], ['workload.b', 0, {}, 'no-input-of-kinds']]));
    const control = statusOf(controls, 'A.8.18');
    assert.equal(control.status, 'partial');
    assert.deepEqual(control.coverage.notEvaluated, [{ check: 'workload.b', reason: 'no-input-of-kinds' }]);
  });

  it('not-assessed when no mapped check was evaluated', () => {
    const controls = posture(record([['workload.a', 0, {}, 'no-input-of-kinds'], ['workload.b', 0, {}, 'errored']]));
    assert.equal(statusOf(controls, 'A.8.18').status, 'not-assessed');
    assert.equal(statusOf(controls, 'A.8.9').status, 'not-assessed');
  });

  it('fails at or above posture.failOn (default medium); lower findings are observations', () => {
    const controls = posture(record([['workload.a', 3, { low: 2, medium: 1 }], ['workload.b', 3, { low: 4 }]]));
    const control = statusOf(controls, 'A.8.18');
    assert.deepEqual([control.status, control.findings, control.checksFailed], ['fail', 1, ['workload.a']]);
    assert.deepEqual(control.observations, [{ check: 'workload.a', severity: 'low', findings: 2 }, { check: 'workload.b', severity: 'low', findings: 4 }]);
    const lowOnly = posture(record([['workload.a', 3, { low: 2 }], ['workload.b', 3]]));
    assert.equal(statusOf(lowOnly, 'A.8.18').status, 'pass', 'low findings below the default threshold do not fail');
    const strict = posture(record([['workload.a', 3, { low: 2 }], ['workload.b', 3]]), makeConfig({ posture: { failOn: 'low' } }));
    assert.equal(statusOf(strict, 'A.8.18').status, 'fail');
  });

  it('an info finding never fails a control, whatever the threshold', () => {
    const controls = posture(record([['workload.a', 3, { info: 9 }], ['workload.b', 3]]), makeConfig({ posture: { failOn: 'low' } }));
    const control = statusOf(controls, 'A.8.18');
    assert.deepEqual([control.status, control.findings], ['pass', 0]);
    assert.deepEqual(control.observations, [{ check: 'workload.a', severity: 'info', findings: 9 }]);
    assert.throws(() => makeConfig({ posture: { failOn: 'info' } }), /info findings never fail a control/);
  });

  it('a disabled check is listed and prevents pass', () => {
    const controls = posture(record([['workload.a', 3], ['workload.b', 0, {}, 'disabled']]));
    const control = statusOf(controls, 'A.8.18');
    assert.equal(control.status, 'partial');
    assert.deepEqual(control.checks, ['workload.a', 'workload.b']);
    assert.deepEqual(control.coverage.notEvaluated, [{ check: 'workload.b', reason: 'disabled' }]);
  });

  it('an excluded control is not-applicable, and failing findings on it are a conflict', () => {
    const config = makeConfig({ applicability: [{ control: 'A.8.18', applicable: false, justification: 'a test exclusion that is long enough to be accepted' }] });
    const clean = statusOf(posture(record([['workload.a', 3], ['workload.b', 3]]), config), 'A.8.18');
    assert.deepEqual([clean.status, clean.conflict], ['not-applicable', undefined]);
    const failing = statusOf(posture(record([['workload.a', 3, { high: 2 }], ['workload.b', 3]]), config), 'A.8.18');
    assert.equal(failing.status, 'not-applicable');
    assert.match(failing.conflict ?? '', /excluded in annexa\.yaml, but 2 in-scope findings at or above medium from workload\.a contradict the exclusion/);
  });

  it('without a scan every mapped check is not-scanned', () => {
    const controls = computePosture({ config: makeConfig(), checks: [a, b], catalog: CATALOG });
    assert.equal(statusOf(controls, 'A.8.18').status, 'not-assessed');
    assert.deepEqual(statusOf(controls, 'A.8.18').coverage.notEvaluated.map((n) => n.reason), ['not-scanned', 'not-scanned']);
  });
});

describe('evaluation record from runScan', () => {
  const POD = (ns: string, name: string) => `apiVersion: v1\nkind: Pod\nmetadata: { name: ${name}, namespace: ${ns} }\nspec:\n  containers: [{ name: c, image: x }]\n`;
  const manifest = [POD('shop', 'a'), POD('shop', 'b'), POD('sandbox', 'c')].join('---\n');
  const units = [{ source: 'stdin' as const, file: 'estate.yaml', text: manifest }];
  const config = makeConfig({
    scope: { namespaces: { exclude: [{ name: 'sandbox', justification: 'developer sandbox with no production data' }] } },
    checks: { disabled: ['workload.off'] },
  });
  const checks = [
    podCheck('workload.fires', ['A.8.9'], 'high'),
    podCheck('workload.quiet', ['A.8.9'], 'low', false),
    podCheck('workload.off', ['A.8.9']),
    inventoryCheck('rbac.needs-roles', ['A.5.15'], ['Role']),
    inventoryCheck('rbac.on-pods', ['A.5.15'], ['Pod']),
    inventoryCheck('rbac.throws', ['A.5.15'], ['Pod'], 'throw'),
    throwsOn('workload.throws-on-b', 'b'),
    throwsOn('workload.throws-out-of-scope', 'c'),
  ];
  const byId = (evaluation: EvaluationRecord) => new Map(evaluation.checks.map((e) => [e.check, e]));

  it('counts in-scope resources and findings per check, and says why a check was not evaluated', async () => {
    const result = await runScan(units, { config, checks, workers: 0 }, { resource() {} });
    const entries = byId(result.evaluation);
    assert.deepEqual(entries.get('workload.fires'), { check: 'workload.fires', resources: 2, errors: 0, findings: { high: 2 } }, 'the sandbox pod is out of scope');
    assert.deepEqual(entries.get('workload.quiet'), { check: 'workload.quiet', resources: 2, errors: 0, findings: {} });
    assert.equal(entries.get('workload.off')?.notEvaluated, 'disabled');
    assert.equal(entries.get('rbac.needs-roles')?.notEvaluated, 'no-input-of-kinds');
    assert.deepEqual([entries.get('rbac.on-pods')?.resources, entries.get('rbac.on-pods')?.notEvaluated], [2, undefined]);
    assert.equal(entries.get('rbac.throws')?.notEvaluated, 'errored');
    assert.deepEqual([entries.get('workload.throws-on-b')?.errors, entries.get('workload.throws-on-b')?.notEvaluated], [1, 'errored'], 'unknown on one in-scope pod');
    assert.deepEqual([entries.get('workload.throws-out-of-scope')?.errors, entries.get('workload.throws-out-of-scope')?.notEvaluated], [0, undefined], 'a failure outside the scope does not count');
    assert.equal(result.evaluation.checks.length, checks.length, 'every check of the registry, disabled ones too');
  });

  it('records cross-resource checks as cross-resource-off when they do not run', async () => {
    const result = await runScan(units, { config, checks, workers: 0, crossResource: false }, { resource() {} });
    const entries = byId(result.evaluation);
    for (const id of ['rbac.needs-roles', 'rbac.on-pods', 'rbac.throws']) assert.equal(entries.get(id)?.notEvaluated, 'cross-resource-off', id);
    assert.ok(result.checks.every((c) => c.scope !== 'inventory'));
    assert.equal(entries.get('workload.fires')?.resources, 2);
  });
});

describe('annexa scan -o json: posture fields', () => {
  it('carries coverage and observations on every control, and a conflict on a contradicted exclusion', async () => {
    const dir = tempTree({
      'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: shop }\nspec:\n  containers:\n    - { name: app, image: registry.example.com/app:1.0, securityContext: { privileged: true } }\n',
    });
    const config = configKeeping(dir, ['workload.privileged-container', 'workload.capabilities-drop-all'], {}, {
      applicability: [{ control: 'A.8.18', applicable: false, justification: 'excluded here on purpose to show that findings contradict it' }],
    });
    const { text } = await scanInProcess([join(dir, 'pod.yaml')], { output: 'json', config });
    const report = JSON.parse(text) as { controls: Array<{ id: string; status: string; conflict?: string; coverage: { evaluated: string[]; notEvaluated: Array<{ check: string; reason: string }> }; observations: Array<{ check: string; severity: string }> }> };
    const byId = new Map(report.controls.map((c) => [c.id, c]));
    assert.equal(byId.get('A.8.18')?.status, 'not-applicable');
    assert.match(byId.get('A.8.18')?.conflict ?? '', /contradict the exclusion/);
    const a82 = byId.get('A.8.2')!;
    assert.equal(a82.status, 'fail');
    assert.deepEqual(a82.coverage.evaluated, ['workload.privileged-container', 'workload.capabilities-drop-all']);
    assert.ok(a82.coverage.notEvaluated.some((n) => n.check === 'workload.root-user' && n.reason === 'disabled'));
    assert.deepEqual(a82.observations.map((o) => [o.check, o.severity]), [['workload.capabilities-drop-all', 'low']]);
    for (const c of report.controls) assert.ok(Array.isArray(c.coverage.evaluated) && Array.isArray(c.observations), c.id);
    const evaluation = (JSON.parse(text) as { evaluation: EvaluationRecord }).evaluation;
    assert.deepEqual(evaluation.checks.find((e) => e.check === 'workload.privileged-container'), { check: 'workload.privileged-container', resources: 1, errors: 0, findings: { critical: 1 } });
    assert.equal(evaluation.checks.find((e) => e.check === 'workload.root-user')?.notEvaluated, 'disabled');
  });
});

describe('SoA input digest', () => {
  it('is stable for the same input and changes with a file\'s content or name', () => {
    const dir = tempTree({ 'a.yaml': 'kind: Pod\n', 'b.yaml': 'kind: Service\n' });
    const units = (names: string[]) => names.map((n) => ({ source: 'file' as const, file: join(dir, n) }));
    const first = inputDigest(units(['a.yaml', 'b.yaml']));
    assert.match(first, /^sha256:[0-9a-f]{64}$/);
    assert.equal(inputDigest(units(['a.yaml', 'b.yaml'])), first);
    assert.notEqual(inputDigest(units(['b.yaml', 'a.yaml'])), first);
    writeFileSync(join(dir, 'b.yaml'), 'kind: Service \n');
    assert.notEqual(inputDigest(units(['a.yaml', 'b.yaml'])), first);
    assert.notEqual(inputDigest([{ source: 'stdin', file: '-', text: 'kind: Pod\n' }]), inputDigest([{ source: 'stdin', file: '-', text: 'kind: Pod \n' }]));
  });
});
