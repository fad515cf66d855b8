/** Network checks beyond their examples: system namespaces, namespace stand-ins, hostNetwork, ignored directions. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks } from './support/run-checks.js';
import { networkChecks } from '../src/checks/network/index.js';
import type { Check } from '../src/engine/check.js';

function check(id: string): Check {
  const found = networkChecks.find((c) => c.id === id);
  assert.ok(found, `no check ${id}`);
  return found;
}

const SYSTEM_AND_APP = `apiVersion: apps/v1
kind: Deployment
metadata: { name: coredns, namespace: kube-system }
spec:
  template:
    metadata: { labels: { k8s-app: kube-dns } }
    spec: { containers: [{ name: coredns, image: coredns }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: web }] }
`;

describe('network checks', () => {
  it('default-deny findings name the namespace, one level lower in system namespaces', () => {
    const findings = runChecks([check('network.default-deny-ingress')], SYSTEM_AND_APP);
    assert.deepEqual(findings.map((f) => [f.resource.kind, f.resource.name, f.severity]), [['Namespace', 'kube-system', 'low'], ['Namespace', 'shop', 'medium']]);
    // A namespace the input does not declare is located at its first workload's document (review:
    // a finding without a file made GitHub code scanning reject the whole SARIF report).
    assert.match(findings[1]!.location?.file ?? '', /^example-\d+\.yaml$/);
    assert.deepEqual({ line: findings[1]!.location?.line, column: findings[1]!.location?.column }, { line: 9, column: 1 });
    assert.match(findings[1]!.message, /namespace "shop" has no NetworkPolicy; 1 of 1 workloads accept any incoming traffic \(Deployment\/web\)/);
  });

  it('a declared Namespace object carries the finding and its location', () => {
    const findings = runChecks([check('network.default-deny-egress')], `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
${SYSTEM_AND_APP.split('---\n')[1]}`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.resource.kind, 'Namespace');
    assert.match(findings[0]!.location?.file ?? '', /^example-\d+\.yaml$/);
  });

  it('workload-not-selected is low when the namespace has no policy, medium when policies miss it', () => {
    const none = runChecks([check('network.workload-not-selected')], SYSTEM_AND_APP);
    assert.deepEqual(none.map((f) => [f.resource.name, f.severity]), [['coredns', 'info'], ['web', 'low']]);
    const missed = runChecks([check('network.workload-not-selected')], `${SYSTEM_AND_APP}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api, namespace: shop }
spec: { podSelector: { matchLabels: { app: api } } }
`);
    const web = missed.find((f) => f.resource.name === 'web')!;
    assert.equal(web.severity, 'medium');
    assert.equal(web.path, 'spec.template.metadata.labels');
    assert.match(web.message, /pod labels: app=web/);
  });

  it('egress rules of a policy without the Egress type are ignored', () => {
    const findings = runChecks([check('network.policy-allows-all'), check('network.metadata-egress')], `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ingress-only, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: []
  egress: [{}]
`);
    assert.deepEqual(findings, []);
  });

  it('metadata-egress lists hostNetwork workloads even under a default deny', () => {
    const findings = runChecks([check('network.metadata-egress')], `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: ops }
spec:
  template:
    metadata: { labels: { app: agent } }
    spec: { hostNetwork: true, containers: [{ name: agent, image: agent }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: ops }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`);
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.message, /DaemonSet\/agent \(hostNetwork\)/);
    assert.deepEqual(findings[0]!.details, { workloads: ['DaemonSet/agent (hostNetwork)'] });
  });

  it('metadata-egress ignores rules whose ports exclude 80/TCP and excepted metadata addresses', () => {
    const findings = runChecks([check('network.metadata-egress')], `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: out, namespace: shop }
spec:
  podSelector: {}
  egress:
    - to: [{ ipBlock: { cidr: 0.0.0.0/0 } }]
      ports: [{ port: 443 }]
    - to: [{ ipBlock: { cidr: 169.254.0.0/16, except: [169.254.169.254/32] } }]
    - to: [{ ipBlock: { cidr: "::/0" } }]
      ports: [{ protocol: TCP }]
`);
    assert.deepEqual(findings.map((f) => f.path), ['spec.egress[2].to[0].ipBlock']);
    assert.match(findings[0]!.message, /fd00:ec2::254/);
  });

  it('policy-allows-all: restricted ports lower the severity; DNS-only egress is exempt', () => {
    const findings = runChecks([check('network.policy-allows-all')], `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress, Egress]
  ingress:
    - ports: [{ port: 443 }]
  egress:
    - to: [{ namespaceSelector: {} }]
      ports: [{ port: 53, protocol: UDP }, { port: 53, protocol: TCP }]
    - to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: db } } }]
`);
    assert.deepEqual(findings.map((f) => [f.path, f.severity]), [['spec.ingress[0]', 'low']]);
  });
});
