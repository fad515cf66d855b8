/**
 * Review regressions in the checks (the examples of each check carry the rest: TOKEN_TTL is not a
 * credential, /var exposes what it contains, a namespace-less ServiceAccount is in "default").
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks } from './support/run-checks.js';
import { checkById } from '../src/checks/index.js';
import { looksLikeCredential } from '../src/resources/redact.js';
import type { Check } from '../src/engine/check.js';

function check(id: string): Check {
  const found = checkById(id);
  assert.ok(found, `no check ${id}`);
  return found;
}

const POD_LEVEL_IDS = `apiVersion: v1
kind: Pod
metadata: { name: p, namespace: shop }
spec:
  securityContext: { runAsUser: 0, runAsGroup: 0 }
  initContainers: [{ name: init, image: busybox }]
  containers:
    - { name: a, image: nginx, securityContext: { runAsUser: 20000, runAsGroup: 20000 } }
    - { name: b, image: nginx }
`;

describe('low-user-id and low-group-id name every container a pod-level value applies to', () => {
  for (const [id, field, unit] of [['workload.low-user-id', 'runAsUser', 'UID'], ['workload.low-group-id', 'runAsGroup', 'GID']] as const) {
    it(id, () => {
      const findings = runChecks([check(id)], POD_LEVEL_IDS);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.path, `spec.securityContext.${field}`);
      // Before: 'container "init" runs as UID 0', as if only the first container were concerned.
      assert.match(findings[0]!.message, new RegExp(`^pod \\(containers "init", "b"\\) runs (as|with) ${unit} 0 `));
    });
  }
  it('a container-level value still names its container', () => {
    const findings = runChecks([check('workload.low-user-id')], POD_LEVEL_IDS.replace('runAsUser: 20000', 'runAsUser: 1000'));
    assert.deepEqual(findings.map((f) => f.message), [
      'pod (containers "init", "b") runs as UID 0 (not above 10000)',
      'container "a" runs as UID 1000 (not above 10000)',
    ]);
  });
});

describe('credential-looking names', () => {
  it('names about a credential are not credentials; credential-shaped values still are', () => {
    assert.equal(looksLikeCredential('TOKEN_TTL', '3600'), false);
    assert.equal(looksLikeCredential('DB_PASSWORD_FILE', 'run/secrets/db'), false);
    assert.equal(looksLikeCredential('DB_PASSWORD', 'hunter2'), true);
    assert.equal(looksLikeCredential('API_TOKEN', 'abc123'), true);
    assert.equal(looksLikeCredential('TOKEN_TTL', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'), true);
  });
});
