/** One problem, one finding (issue 14, item 5): PSS and workload checks flagging one field give one finding. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks } from './support/run-checks.js';
import { builtinChecks } from '../src/checks/index.js';
import { EvaluationRecorder } from '../src/engine/evaluation.js';

const POD = `apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec:
  hostNetwork: true
  containers:
    - name: app
      image: nginx@sha256:${'a'.repeat(64)}
      securityContext: { privileged: true }
`;

describe('one problem, one finding', () => {
  const findings = runChecks(builtinChecks, POD);
  const at = (path: string) => findings.filter((f) => f.path === path);

  it('a privileged container is one finding listing the workload and the PSS check, most severe first', () => {
    const privileged = at('spec.containers[0].securityContext.privileged');
    assert.equal(privileged.length, 1);
    assert.equal(privileged[0]!.checkId, 'workload.privileged-container');
    assert.equal(privileged[0]!.severity, 'critical');
    assert.deepEqual(privileged[0]!.rules, ['workload.privileged-container', 'pss.baseline']);
    const also = privileged[0]!.details?.alsoFlaggedBy as Array<{ checkId: string; message: string }>;
    assert.deepEqual(also.map((a) => a.checkId), ['pss.baseline']);
    assert.match(also[0]!.message, /privileged/);
  });

  it('the merged finding carries the framework references of every check that flags it', () => {
    const [hostNetwork] = at('spec.hostNetwork');
    assert.deepEqual(hostNetwork!.rules?.sort(), ['pss.baseline', 'workload.host-network']);
    const pss = builtinChecks.find((c) => c.id === 'pss.baseline')!;
    const workload = builtinChecks.find((c) => c.id === 'workload.host-network')!;
    for (const control of [...pss.controls.iso27001, ...workload.controls.iso27001]) assert.ok(hostNetwork!.controls.iso27001.includes(control), control);
    assert.ok(hostNetwork!.controls.pss?.includes('hostNamespaces'));
  });

  it('each resource and path is reported once when a PSS check is among those flagging it', () => {
    const seen = new Map<string, string[]>();
    for (const f of findings) seen.set(f.path, [...(seen.get(f.path) ?? []), f.checkId]);
    for (const [path, ids] of seen) {
      if (ids.some((id) => id.startsWith('pss.')) && new Set(ids).size > 1) assert.fail(`${path} reported by ${ids.join(', ')}`);
    }
  });

  it('PSS run alone still reports its findings, unmerged', () => {
    const pssOnly = runChecks(builtinChecks.filter((c) => c.id.startsWith('pss.')), POD);
    assert.ok(pssOnly.some((f) => f.path === 'spec.containers[0].securityContext.privileged' && f.checkId === 'pss.baseline' && f.rules === undefined));
  });

  it('the evaluation record (which posture reads) counts the merged finding once for each check it lists', () => {
    const recorder = new EvaluationRecorder(builtinChecks, [], true);
    const [privileged] = at('spec.containers[0].securityContext.privileged');
    recorder.finding(privileged!);
    const byCheck = new Map(recorder.record().checks.map((c) => [c.check, c.findings]));
    for (const id of privileged!.rules!) assert.deepEqual(byCheck.get(id), { critical: 1 }, id);
    assert.equal([...byCheck.values()].filter((f) => Object.keys(f).length > 0).length, privileged!.rules!.length);
  });
});
