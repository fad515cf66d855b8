/**
 * Parity: every generated ValidatingAdmissionPolicy, evaluated with the CEL implementation, agrees
 * with its TypeScript check on every example of that check (each Pod or workload of the manifest:
 * the check flags it ⇔ the policy rejects it), and on extra cases for every workload kind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { binPath } from './support/paths.js';
import { builtinChecks } from '../src/checks/index.js';
import { CheckSet, evaluateResource } from '../src/engine/evaluate.js';
import { makeConfig } from '../src/isms/config.js';
import { POD_KINDS } from '../src/admission/kinds.js';
import { compilePolicy, evaluatePolicy } from '../src/cel/policy.js';
import { offlineInput } from '../src/cel/policy-source.js';
import { expressibleChecks, generatePolicy, generateAll } from '../src/cel/vap/generate.js';
import type { Check } from '../src/engine/check.js';
import type { Resource } from '../src/resources/types.js';
import { parseResources } from './support/run-checks.js';

const podKinds: readonly string[] = POD_KINDS;

function compare(check: Check, manifest: string, config: object | undefined, label: string): { flagged: number } {
  const policy = compilePolicy({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', name: 'p', object: generatePolicy(check), provenance: { source: 'file' } } as Resource);
  const set = new CheckSet([check]);
  const ctx = { config: makeConfig(config ?? {}) };
  let flagged = 0;
  for (const resource of parseResources(manifest).filter((r) => podKinds.includes(r.kind))) {
    const evaluation = evaluateResource(resource, set, ctx);
    assert.deepEqual(evaluation.errors, [], `${check.id} ${label}: the check threw`);
    const tsFails = evaluation.findings.length > 0;
    const violations = evaluatePolicy(policy, undefined, offlineInput(resource));
    assert.ok(!violations.some((v) => v.errored), `${check.id} ${label} ${resource.kind}/${resource.name}: CEL error ${JSON.stringify(violations)}`);
    assert.equal(violations.length > 0, tsFails, `${check.id} ${label} ${resource.kind}/${resource.name}: VAP ${violations.length > 0 ? 'rejects' : 'admits'}, check ${tsFails ? 'flags' : 'passes'}`);
    if (tsFails) {
      flagged += 1;
      assert.match(violations[0]!.message, new RegExp(`^${check.id.replace(/\./g, '\\.')}: `));
    }
  }
  return { flagged };
}

const expressible = expressibleChecks(builtinChecks);

test('every CEL-expressible check has a generated policy and binding', () => {
  assert.ok(expressible.length >= 9, `${expressible.length} checks`);
  const objects = generateAll(builtinChecks, 'Deny');
  assert.equal(objects.length, expressible.length * 2);
});

for (const check of expressible) {
  test(`VAP parity with ${check.id} on all its examples`, () => {
    check.examples.valid.forEach((example, i) => {
      const manifest = typeof example === 'string' ? example : example.manifest;
      compare(check, manifest, typeof example === 'string' ? undefined : example.config, `valid[${i}]`);
    });
    let flagged = 0;
    check.examples.invalid.forEach((example, i) => {
      flagged += compare(check, example.manifest, example.config, `invalid[${i}]`).flagged;
    });
    assert.ok(flagged > 0, 'the invalid examples are flagged by both');
  });
}

const workloadKinds: Array<[string, (spec: string) => string]> = [
  ['Pod', (spec) => `apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n${spec}`],
  ['Deployment', (spec) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec:\n  selector: {}\n  template:\n    spec:\n${indent(spec, 4)}`],
  ['CronJob', (spec) => `apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: c }\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${indent(spec, 8)}`],
  ['PodTemplate', (spec) => `apiVersion: v1\nkind: PodTemplate\nmetadata: { name: t }\ntemplate:\n  spec:\n${indent(spec, 2)}`],
];

function indent(text: string, by: number): string {
  return text.split('\n').map((line) => `${' '.repeat(by)}${line}`).join('\n');
}

const SPECS = [
  '  containers: [{ name: a, image: x }]',
  '  hostNetwork: true\n  hostPID: true\n  hostIPC: true\n  shareProcessNamespace: true\n  containers: [{ name: a, image: x }]',
  '  initContainers: [{ name: i, image: x, securityContext: { privileged: true } }]\n  containers: [{ name: a, image: x, securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } }]',
  '  ephemeralContainers: [{ name: e, image: x, securityContext: { allowPrivilegeEscalation: true } }]\n  containers: [{ name: a, image: x, securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false } }]',
  '  hostUsers: false\n  securityContext: { windowsOptions: { hostProcess: true } }\n  containers: [{ name: a, image: x, ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 0 }], securityContext: { procMount: Unmasked } }]',
  '  containers: [{ name: a, image: x, ports: [{ containerPort: 80 }], securityContext: { procMount: Default, windowsOptions: { hostProcess: false } } }]',
  '  os: { name: windows }\n  volumes: [{ name: h, hostPath: { path: /var/log } }, { name: e, emptyDir: {} }]\n  hostAliases: [{ ip: 10.0.0.1, hostnames: [a] }]\n  containers: [{ name: a, image: x }]',
];

test('VAP parity on Pods and workload kinds beyond the examples (init and ephemeral containers, Windows pods)', () => {
  for (const check of expressible) {
    for (const [kind, wrap] of workloadKinds) {
      SPECS.forEach((spec, i) => compare(check, wrap(spec), undefined, `${kind} spec[${i}]`));
    }
  }
});

test('annexa vap generate: the policies load back through --policy and flag what the checks flag', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annexa-vap-'));
  const generated = spawnSync(process.execPath, [binPath, 'vap', 'generate', '--checks', 'workload.host-pid,workload.privileged-container', '--action', 'Warn', '--output-file', join(dir, 'vap.yaml')], { encoding: 'utf8' });
  assert.equal(generated.status, 0, generated.stderr);
  const objects = parseAllDocuments(readFileSync(join(dir, 'vap.yaml'), 'utf8')).map((doc) => doc.toJS() as any);
  assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`), [
    'ValidatingAdmissionPolicy/annexa-workload-privileged-container', 'ValidatingAdmissionPolicyBinding/annexa-workload-privileged-container',
    'ValidatingAdmissionPolicy/annexa-workload-host-pid', 'ValidatingAdmissionPolicyBinding/annexa-workload-host-pid',
  ]);
  assert.deepEqual(objects[1].spec.validationActions, ['Warn', 'Audit']);
  assert.equal(objects[0].metadata.annotations['annexa.dev/iso27001'], builtinChecks.find((c) => c.id === 'workload.privileged-container')!.controls.iso27001.join(','));
  writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: a }\nspec:\n  hostPID: true\n  containers: [{ name: c, image: x }]\n');
  const scan = spawnSync(process.execPath, [binPath, 'scan', join(dir, 'pod.yaml'), '--policy', join(dir, 'vap.yaml'), '-o', 'json', '--fail-on', 'never', '-q'], { encoding: 'utf8' });
  const findings = JSON.parse(scan.stdout).findings.filter((f: any) => f.checkId.startsWith('policy.'));
  assert.deepEqual(findings.map((f: any) => [f.checkId, f.severity, f.message]), [['policy.annexa-workload-host-pid', 'high', 'workload.host-pid: pod shares the host PID namespace (hostPID: true) (binding annexa-workload-host-pid)']]);
  const unknown = spawnSync(process.execPath, [binPath, 'vap', 'generate', '--checks', 'rbac.wildcard-rules'], { encoding: 'utf8' });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /rbac\.wildcard-rules has no CEL form/);
});
