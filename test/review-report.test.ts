/**
 * Review regression: names from the manifests reached the table output raw, so a container named
 * "x\n0 resources, 0 findings" (or holding an ANSI escape) could forge lines and colours in a CI
 * log. Control characters are now shown escaped in the table outputs of scan and pss check.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, scanInProcess, tempTree } from './support/scan-output.js';
import { printable } from '../src/report/table.js';

const FORGING = `apiVersion: v1
kind: Pod
metadata: { name: "web\\u001b[32m", namespace: shop }
spec:
  containers:
    - name: "app\\nALL CLEAR: 0 findings"
      image: registry.example.com/app:1
      securityContext: { privileged: true }
`;

describe('table output escapes control characters from manifests', () => {
  const dir = tempTree({ 'annexa.yaml': '{}\n', 'forging.yaml': FORGING });

  it('printable', () => {
    assert.equal(printable('a\nb\tc\u001b[0m'), 'a\\nb\\tc\\u001b[0m');
    assert.equal(printable('plain "text" | ok'), 'plain "text" | ok');
  });

  it('scan -o table', async () => {
    const { text } = await scanInProcess([join(dir, 'forging.yaml')], { output: 'table', config: join(dir, 'annexa.yaml'), failOn: 'never' });
    assert.ok(!text.includes('\u001b'), 'no raw escape character');
    assert.ok(!text.split('\n').some((line) => line.startsWith('ALL CLEAR')), 'no forged line');
    assert.match(text, /container "app\\nALL CLEAR: 0 findings" runs privileged/);
  });

  it('pss check (table)', () => {
    const run = runCli(['pss', 'check', join(dir, 'forging.yaml')]);
    assert.equal(run.code, 1, 'the privileged pod is rejected');
    assert.ok(!run.stdout.includes('\u001b'));
    assert.ok(!run.stdout.split('\n').some((line) => line.startsWith('ALL CLEAR')));
    // The names are shown, escaped: the verdict is about this pod and this container.
    assert.match(run.stdout, /^REJECTED\s+Pod\/shop\/web\\u001b\[32m\s+\S+forging\.yaml:1\s+restricted:latest\s+privileged: privileged \(container "app\\nALL CLEAR: 0 findings" must not set securityContext\.privileged=true\)/m);
    assert.match(run.stdout, /^1 workload: 0 allowed, 1 rejected$/m);
  });
});
