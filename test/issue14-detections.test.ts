/** Detections added for issue 14 beyond their own examples: Cilium policies, digests, credentials, capabilities, Secrets. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks } from './support/run-checks.js';
import { builtinChecks } from '../src/checks/index.js';
import { digestProblem } from '../src/checks/workload/util.js';
import { looksLikeCredential } from '../src/resources/redact.js';

const only = (...ids: string[]) => builtinChecks.filter((c) => ids.includes(c.id));

const CART = `apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec:
  template:
    metadata: { labels: { app: cart } }
    spec: { containers: [{ name: cart, image: nginx }] }
---
`;

describe('Cilium policies: never "no policy" for a pod they select', () => {
  const checks = only('network.workload-not-selected', 'network.default-deny-ingress', 'network.metadata-egress');

  it('a CiliumClusterwideNetworkPolicy selecting by Cilium\'s namespace label', () => {
    const ccnp = `apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: { name: cart }\nspec:\n  endpointSelector: { matchLabels: { k8s:app: cart, k8s:io.kubernetes.pod.namespace: shop } }\n  egress: [{ toEndpoints: [{}] }]\n`;
    const findings = runChecks(checks, CART + ccnp);
    assert.deepEqual(findings.filter((f) => f.checkId !== 'network.default-deny-ingress'), []);
    assert.match(findings.find((f) => f.checkId === 'network.default-deny-ingress')!.message, /1 selected by Cilium policies, whose rules are not evaluated/);
    assert.doesNotMatch(findings[0]!.message, /accept any incoming traffic/);
  });

  it('a CiliumNetworkPolicy of another namespace, or for other labels, selects nothing here', () => {
    const elsewhere = `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: { name: cart, namespace: other }\nspec:\n  endpointSelector: { matchLabels: { app: cart } }\n---\n`
      + `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: { name: web, namespace: shop }\nspec:\n  endpointSelector: { matchLabels: { app: web } }\n`;
    const ids = runChecks(checks, CART + elsewhere).map((f) => f.checkId).sort();
    assert.deepEqual(ids, ['network.default-deny-ingress', 'network.metadata-egress', 'network.workload-not-selected']);
  });
});

describe('image digests', () => {
  it('accepts sha256 with 64 and sha512 with 128 lower-case hex characters, and names the problem otherwise', () => {
    assert.equal(digestProblem(`sha256:${'0'.repeat(64)}`), undefined);
    assert.equal(digestProblem(`sha512:${'f'.repeat(128)}`), undefined);
    assert.equal(digestProblem(`sha256:${'0'.repeat(63)}`), 'sha256 digest has 63 hexadecimal characters, not 64');
    assert.equal(digestProblem(`sha256:${'A'.repeat(64)}`), 'sha256 digest must be lower-case hexadecimal');
    assert.equal(digestProblem(`sha512:${'0'.repeat(64)}`), 'sha512 digest has 64 hexadecimal characters, not 128');
    assert.equal(digestProblem(`md5:${'0'.repeat(32)}`), 'unknown digest algorithm "md5" (sha256 or sha512)');
  });

  it('digest-pinning reports a malformed digest as such; pull-policy no longer treats it as pinned', () => {
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers: [{ name: a, image: "nginx@sha256:${'a'.repeat(63)}" }]\n`;
    const [finding] = runChecks(only('images.digest-pinning'), pod);
    assert.match(finding!.message, /has a malformed digest: sha256 digest has 63 hexadecimal characters, not 64/);
  });
});

describe('credentials by name and value', () => {
  it('Authorization values and key names count; data keys and metadata names do not', () => {
    for (const [name, value] of [['HEADER', 'Bearer abcdefghijkl0123'], ['X', 'Basic dXNlcjpwYXNzd29yZA=='], ['ENCRYPTION_KEY', 'x'], ['SIGNING_KEY', 'y'],
      ['AZURE_STORAGE_ACCOUNT_KEY', 'z'], ['WEBHOOK_KEY', '9f8e7d6c5b4a39281706']] as const) {
      assert.ok(looksLikeCredential(name, value), name);
    }
    for (const [name, value] of [['CACHE_KEY', 'users'], ['SORT_KEY', 'created_at'], ['PARTITION_KEY', 'tenant-id'], ['AUTH_HEADER', 'Authorization']] as const) {
      assert.equal(looksLikeCredential(name, value), false, name);
    }
  });
});

describe('capabilities and Secrets', () => {
  it('NET_BIND_SERVICE, which the restricted profile allows, is info and says so; others are medium and say they go beyond it', () => {
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers: [{ name: a, image: nginx, securityContext: { capabilities: { drop: [ALL], add: [NET_BIND_SERVICE, CHOWN] } } }]\n`;
    const findings = runChecks(only('workload.added-capabilities'), pod);
    assert.deepEqual(findings.map((f) => f.severity), ['info', 'medium']);
    assert.match(findings[0]!.message, /restricted Pod Security profile allows/);
    assert.match(findings[0]!.severityReason ?? '', /medium → info/);
    assert.match(findings[1]!.message, /beyond the restricted Pod Security profile's allow-list/);
  });

  it('a literal Secret names its keys, never its values', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData: { password: hunter2-not-real }\n';
    const [finding] = runChecks(only('secrets.literal-secret'), secret);
    assert.match(finding!.message, /"password"/);
    assert.doesNotMatch(JSON.stringify(finding), /hunter2/);
  });
});
