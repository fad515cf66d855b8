/**
 * Review regressions for the engine: a check that throws (a bug, usually on a malformed manifest)
 * must not kill the scan. It becomes an error entry naming the check and the resource, the other
 * checks still report, the thrown message (which can quote a field value) is not copied, and the
 * crashed check is not counted as evaluated (so posture cannot call its control "pass").
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineCheck, type InventoryCheck, type PodCheck } from '../src/engine/check.js';
import { CheckSet, evaluateInventory, evaluateResource } from '../src/engine/evaluate.js';
import { runScan } from '../src/engine/scan.js';
import { assessScan } from '../src/posture/outcome.js';
import { parseManifestText } from '../src/sources/yaml-documents.js';
import { DEFAULT_CONFIG } from '../src/isms/config.js';
import { Inventory } from '../src/inventory/inventory.js';
import { jsonReporter } from '../src/report/json.js';

const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  securityContext: "hunter2-SECRET-VALUE"
  containers:
  - name: app
    image: nginx
`;

const base = {
  severity: 'high' as const, domain: 'workload' as const, rationale: 'r', remediation: 'm',
  controls: { iso27001: ['A.8.9'] }, examples: { valid: [], invalid: [] },
};

// Throws the way real code does on a string where an object was expected: the V8 message quotes the value.
const throwing: PodCheck = defineCheck({
  ...base, id: 'test.throws', title: 'throws', scope: 'pod',
  *check(pod) {
    const sc = pod.spec.securityContext as unknown as Record<string, unknown>;
    Object.defineProperty(sc, 'x', { value: 1 });
    yield { path: 'spec', message: 'unreachable' };
  },
});
const working: PodCheck = defineCheck({
  ...base, id: 'test.works', title: 'works', scope: 'pod',
  check: () => [{ path: 'spec.containers[0]', message: 'found' }],
});
const throwingInventory: InventoryCheck = defineCheck({
  ...base, id: 'test.inventory-throws', title: 'inventory throws', scope: 'inventory', inputKinds: ['Pod'],
  check: () => { throw new TypeError("Cannot read properties of 'hunter2-SECRET-VALUE'"); },
});

function resource() {
  const parsed = parseManifestText(manifest, { source: 'file', file: 'web.yaml' });
  return { parsed, resource: parsed.resources[0]! };
}

describe('engine isolates a throwing check', () => {
  it('evaluateResource keeps the other checks and names the failing check and resource', () => {
    const { parsed, resource: pod } = resource();
    try {
      const result = evaluateResource(pod, new CheckSet([throwing, working]), { config: DEFAULT_CONFIG });
      assert.deepEqual(result.findings.map((f) => f.checkId), ['test.works']);
      assert.deepEqual(result.evaluated, ['test.works'], 'a check that threw is not counted as evaluated');
      assert.equal(result.errors.length, 1);
      const [failure] = result.errors;
      assert.equal(failure!.checkId, 'test.throws');
      assert.deepEqual(failure!.resource, { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web' });
      assert.equal(failure!.file, 'web.yaml');
      assert.equal(failure!.line, 1);
      assert.match(failure!.message, /test\.throws.*Pod\/shop\/web/);
      assert.doesNotMatch(failure!.message, /hunter2/);
    } finally {
      parsed.release();
    }
  });

  it('evaluateInventory skips a throwing cross-resource check without the thrown text', () => {
    const { findings, errors: failures } = evaluateInventory(new Inventory(), new CheckSet([throwingInventory]), { config: DEFAULT_CONFIG });
    assert.deepEqual(findings, []);
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.checkId, 'test.inventory-throws');
    assert.doesNotMatch(failures[0]!.message, /hunter2/);
  });

  it('runScan completes and reports the other findings when a check throws', async () => {
    let json = '';
    const reporter = jsonReporter({ write: (chunk) => void (json += chunk), color: false, toolVersion: 'test' });
    const outcome = assessScan(await runScan([{ source: 'stdin', file: '-', text: manifest }], { config: DEFAULT_CONFIG, checks: [throwing, working], workers: 0 }, reporter), DEFAULT_CONFIG, [throwing, working]);
    reporter.finish(outcome);
    const report = JSON.parse(json);
    assert.deepEqual(report.findings.map((f: { checkId: string }) => f.checkId), ['test.works']);
    // The string securityContext is an input error of its own (the API server rejects it); the pod is still checked.
    assert.deepEqual(report.errors.map((e: { field?: string; checkId?: string }) => e.field ?? e.checkId), ['spec.securityContext', 'test.throws']);
    assert.match(report.errors[1].message, /test\.throws/);
    assert.ok(!json.includes('hunter2'));
  });
});
