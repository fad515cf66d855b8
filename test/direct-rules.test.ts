/**
 * Rules that rested on a single example or only on external data, tested directly: both directions
 * of a namespace default-deny, a container-level runAsNonRoot that overrides the pod's, and Secret
 * redaction as every later stage and reporter sees resources (a scan's inventory).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinChecks } from '../src/checks/index.js';
import { runScan } from '../src/engine/scan.js';
import { DEFAULT_CONFIG } from '../src/isms/config.js';
import { runChecks } from './support/run-checks.js';

const only = (...ids: string[]) => builtinChecks.filter((check) => ids.includes(check.id));

const WORKLOADS = `apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec:
  selector: { matchLabels: { app: cart } }
  template:
    metadata: { labels: { app: cart } }
    spec: { containers: [{ name: app, image: cart }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: db, namespace: shop }
spec:
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: app, image: db }] }
`;

function policy(selector: string, types: string): string {
  return `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny, namespace: shop }\nspec:\n  podSelector: ${selector}\n  policyTypes: [${types}]\n`;
}

function flagged(direction: 'ingress' | 'egress', manifest: string): boolean {
  return runChecks(only(`network.default-deny-${direction}`), manifest).length > 0;
}

describe('namespace default-deny, both directions', () => {
  for (const direction of ['ingress', 'egress'] as const) {
    const type = direction === 'ingress' ? 'Ingress' : 'Egress';
    const other = direction === 'ingress' ? 'Egress' : 'Ingress';

    it(`${direction}: a policy selecting every pod with no ${direction} rule is a default-deny`, () => {
      assert.equal(flagged(direction, WORKLOADS + policy('{}', type)), false);
      assert.equal(flagged(direction, WORKLOADS + policy('{}', `Ingress, Egress`)), false);
    });

    it(`${direction}: a policy that selects only some pods is not a namespace default-deny`, () => {
      assert.equal(flagged(direction, WORKLOADS + policy('{ matchLabels: { app: cart } }', type)), true);
    });

    it(`${direction}: a default-deny of the other direction only does not count`, () => {
      assert.equal(flagged(direction, WORKLOADS + policy('{}', other)), true);
    });

    it(`${direction}: no policy at all is flagged`, () => {
      assert.equal(flagged(direction, WORKLOADS), true);
    });
  }
});

describe('runAsNonRoot: the container setting overrides the pod setting', () => {
  const pod = (podLevel: string, containerLevel: string) => `apiVersion: v1
kind: Pod
metadata: { name: p, namespace: shop }
spec:
  securityContext: { runAsNonRoot: ${podLevel} }
  initContainers: [{ name: init, image: x${containerLevel ? `, securityContext: { runAsNonRoot: ${containerLevel} }` : ''} }]
  containers: [{ name: app, image: x${containerLevel ? `, securityContext: { runAsNonRoot: ${containerLevel} }` : ''} }]
`;
  const paths = (manifest: string) => runChecks(only('workload.run-as-non-root'), manifest).map((f) => f.path).sort();

  it('container false under pod true is flagged, for every container', () => {
    assert.deepEqual(paths(pod('true', 'false')), ['spec.containers[0].securityContext.runAsNonRoot', 'spec.initContainers[0].securityContext.runAsNonRoot']);
  });

  it('container true under pod false passes; pod true with nothing on the container passes', () => {
    assert.deepEqual(paths(pod('false', 'true')), []);
    assert.deepEqual(paths(pod('true', '')), []);
  });
});

describe('Secret redaction as later stages see resources', () => {
  const VALUES = ['c2VjcmV0LWluLWRhdGEtWjk=', 'secret-in-string-data-Q4', 'last-applied-secret-P2'];
  const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: shop
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"stringData":{"token":"last-applied-secret-P2"}}'
data: { password: ${VALUES[0]} }
stringData: { token: ${VALUES[1]} }
`;

  it('the inventory a scan hands to cross-resource checks and reporters holds no Secret value', async () => {
    const seen: string[] = [];
    const outcome = await runScan([{ source: 'stdin', file: 'secret.yaml', text: SECRET }], { config: DEFAULT_CONFIG, checks: builtinChecks, workers: 0 }, {
      resource: (scanned) => void seen.push(JSON.stringify(scanned)),
      inventoryFindings: (findings) => void seen.push(JSON.stringify(findings)),
    });
    const secrets = outcome.inventory.ofKind('Secret');
    assert.equal(secrets.length, 1, 'the Secret is kept for cross-resource checks');
    const kept = JSON.stringify(secrets[0]!.object);
    assert.match(kept, /"password"/, 'keys are kept');
    for (const value of VALUES) {
      assert.ok(!kept.includes(value), `the inventory holds ${value}`);
      assert.ok(!seen.some((text) => text.includes(value)), `a reporter received ${value}`);
    }
  });
});
