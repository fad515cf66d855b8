/** `annexa policy test DIR`: PolicyTest cases next to the policies, JUnit output, exit codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binPath, projectRoot } from './support/paths.js';

function policyTest(dir: string, output = 'junit'): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [binPath, 'policy', 'test', dir, '-o', output], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('the example policies pass their PolicyTest cases; the JUnit report lists each case', () => {
  const run = policyTest(join(projectRoot, 'examples', 'policies'));
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="annexa policy test" tests="6" failures="0" errors="0">/);
  assert.match(run.stdout, /<testcase classname="require-owner-labels" name="require-owner-labels on Deployment\/shop\/unowned: fail">/);
  assert.match(run.stdout, /name="require-owner-labels on DaemonSet\/kube-system\/node-agent: skip"/);
  assert.doesNotMatch(run.stdout, /<failure/);
});

test('a wrong expectation fails with exit 1 and says what happened; a case naming a missing policy is an input error (exit 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annexa-policy-test-'));
  cpSync(join(projectRoot, 'examples', 'policies'), dir, { recursive: true });
  const testFile = join(dir, 'policy-test.yaml');
  writeFileSync(testFile, readFileSync(testFile, 'utf8').replace('name: owned }\n    result: pass', 'name: owned }\n    result: fail'));
  const failing = policyTest(dir, 'table');
  assert.equal(failing.status, 1);
  assert.match(failing.stdout, /FAIL {2}example-policies {2}require-owner-labels on Deployment\/shop\/owned: expected fail, got pass/);
  assert.match(failing.stdout, /6 cases, 5 passed, 1 failed/);
  const junit = policyTest(dir);
  assert.match(junit.stdout, /<failure message="expected fail, got pass">/);

  writeFileSync(testFile, `${readFileSync(testFile, 'utf8')}  - policy: no-such-policy\n    resource: { kind: Deployment, namespace: shop, name: owned }\n    result: pass\n`);
  const broken = policyTest(dir, 'table');
  assert.equal(broken.status, 2);
  assert.match(broken.stderr, /policy-test\.yaml:2: PolicyTest example-policies results\[6\]: no policy named "no-such-policy"/);
});
