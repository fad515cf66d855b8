/** `annexa netpol coverage` and `annexa netpol reach`: JSON shapes, tables and exit codes. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { parsePortArg, parseWorkloadArg } from '../src/cli/netpol.js';
import type { CoverageReport } from '../src/inventory/netpol/index.js';

const ESTATE = `apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { team: retail } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec:
  template:
    metadata: { labels: { app: cart } }
    spec:
      containers:
        - name: app
          image: cart
          ports: [{ name: http, containerPort: 8080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: app, image: web }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: cart-from-web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: cart } }
  ingress:
    - from: [{ podSelector: { matchLabels: { app: web } } }]
      ports: [{ port: http }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-egress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress:
    - to: [{ podSelector: { matchLabels: { app: cart } } }]
      ports: [{ port: 8080 }]
---
apiVersion: v1
kind: Pod
metadata: { name: toolbox, namespace: ops }
spec: { containers: [{ name: sh, image: busybox }] }
`;

let dir: string;
let estate: string;

async function run(...args: string[]): Promise<{ code: number; out: string }> {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.txt`);
  const code = await main(['node', 'annexa', 'netpol', ...args, '--output-file', out]);
  let text = '';
  try {
    text = readFileSync(out, 'utf8');
  } catch {
    text = '';
  }
  return { code, out: text };
}

describe('annexa netpol coverage', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'annexa-netpol-'));
    estate = join(dir, 'estate.yaml');
    writeFileSync(estate, ESTATE);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints namespaces, workloads and a summary as JSON', async () => {
    const { code, out } = await run('coverage', estate, '-o', 'json');
    assert.equal(code, 0);
    const report = JSON.parse(out) as CoverageReport & { errors: unknown[] };
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.summary, {
      namespaces: 2, policies: 3, workloads: 3, covered: 2, uncovered: 1, ingressIsolated: 2, egressIsolated: 2, hostNetwork: 0,
      namespacesWithoutDefaultDenyIngress: 1, namespacesWithoutDefaultDenyEgress: 1, uncoveredInScope: 1, outOfScopeNamespaces: 0,
    });
    assert.deepEqual(report.namespaces.map((ns) => [ns.name, ns.defaultDenyIngress, ns.defaultDenyEgress]), [['ops', false, false], ['shop', true, true]]);
    const shop = report.namespaces[1]!;
    const cart = shop.workloads.find((w) => w.name === 'cart')!;
    assert.equal(cart.kind, 'Deployment');
    assert.deepEqual(cart.location, { file: estate, line: 5 });
    assert.deepEqual(cart.ingressPolicies, ['default-deny', 'cart-from-web']);
    assert.deepEqual(cart.allowedFrom, [{
      peer: { type: 'pods', namespaces: '(same: shop)', pods: 'app=web', workloads: 1, text: 'pods app=web in namespace shop' },
      ports: [{ protocol: 'TCP', port: 'http', resolved: [8080] }],
      policies: ['cart-from-web'],
    }]);
    assert.deepEqual(cart.allowedTo, []);
    const web = shop.workloads.find((w) => w.name === 'web')!;
    assert.deepEqual(web.allowedTo.map((e) => [e.peer.text, e.ports, e.policies]), [['pods app=cart in namespace shop', [{ protocol: 'TCP', port: 8080 }], ['web-egress']]]);
    const toolbox = report.namespaces[0]!.workloads[0]!;
    assert.equal(toolbox.ingressIsolated, false);
    assert.equal(toolbox.allowedFrom[0]!.peer.type, 'all');
  });

  it('prints a table, and exits 1 with --fail-on-uncovered', async () => {
    const { code, out } = await run('coverage', estate, '--fail-on-uncovered');
    assert.equal(code, 1);
    assert.match(out, /^shop {2}\(3 policies; default-deny ingress: yes, egress: yes\)$/m);
    assert.match(out, /from pods app=web in namespace shop, http=8080\/TCP {2}\[cart-from-web\]/);
    assert.match(out, /3 workloads in 2 namespaces, 3 NetworkPolicies: 2 covered, 1 uncovered/);
  });

  it('follows the annexa.yaml scope: uncovered workloads of excluded namespaces do not fail the run', async () => {
    const config = join(dir, 'annexa-scope.yaml');
    writeFileSync(config, 'scope:\n  namespaces:\n    exclude:\n      - name: ops\n        justification: Platform tooling, covered by the platform ISMS\n');
    const json = await run('coverage', estate, '--fail-on-uncovered', '--config', config, '-o', 'json');
    assert.equal(json.code, 0);
    const report = JSON.parse(json.out) as CoverageReport;
    assert.equal(report.summary.uncovered, 1);
    assert.equal(report.summary.uncoveredInScope, 0);
    assert.equal(report.summary.outOfScopeNamespaces, 1);
    assert.equal(report.namespaces.find((ns) => ns.name === 'ops')!.outOfScope, 'Platform tooling, covered by the platform ISMS');
    assert.equal(report.namespaces.find((ns) => ns.name === 'shop')!.outOfScope, undefined);
    const table = await run('coverage', estate, '--fail-on-uncovered', '--config', config);
    assert.equal(table.code, 0);
    assert.match(table.out, /^ops {2}\(0 policies; default-deny ingress: NO, egress: NO; out of scope: Platform tooling, covered by the platform ISMS\)$/m);
    assert.match(table.out, /1 namespace out of scope: 0 uncovered workloads in scope/);
  });

  it('exits 2 on input errors after reporting what it could read', async () => {
    const { code, out } = await run('coverage', estate, join(dir, 'missing.yaml'), '-o', 'json');
    assert.equal(code, 2);
    const report = JSON.parse(out) as CoverageReport & { errors: Array<{ file: string; message: string }> };
    assert.equal(report.summary.workloads, 3);
    assert.deepEqual(report.errors.map((e) => e.message), ['no such file or directory']);
  });

  it('lists invalid policies per namespace, in JSON and in the table', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: typo, namespace: shop }
spec:
  podSelector: { matchExpressions: [{ key: app, operator: Equals, values: [web] }] }
`);
    const json = JSON.parse((await run('coverage', broken, '-o', 'json')).out) as CoverageReport;
    assert.deepEqual(json.namespaces[0]!.invalidPolicies, [{ name: 'typo', problems: [{ path: 'spec.podSelector', message: 'unknown operator "Equals" for key "app"' }] }]);
    assert.match((await run('coverage', broken)).out, /^ {2}! policy typo: spec\.podSelector: unknown operator "Equals" for key "app"$/m);
  });

  it('exits 2 for an unknown output format', async () => {
    assert.equal((await run('coverage', estate, '-o', 'sarif')).code, 2);
  });
});

describe('annexa netpol reach', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'annexa-netpol-'));
    estate = join(dir, 'estate.yaml');
    writeFileSync(estate, ESTATE);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('allowed: lists the allowing policies of both sides', async () => {
    const { code, out } = await run('reach', '--from', 'shop/web', '--to', 'shop/Deployment/cart', '--port', '8080', estate, '-o', 'json');
    assert.equal(code, 0);
    const result = JSON.parse(out);
    assert.equal(result.allowed, true);
    assert.deepEqual(result.port, { port: 8080, protocol: 'TCP' });
    assert.deepEqual(result.egress.decidedBy, ['web-egress']);
    assert.deepEqual(result.egress.isolatingPolicies, ['default-deny', 'web-egress']);
    assert.deepEqual(result.ingress.decidedBy, ['cart-from-web']);
    assert.deepEqual(result.ingress.allowingRules, ['cart-from-web: spec.ingress[0]']);
    assert.deepEqual(result.to, { namespace: 'shop', kind: 'Deployment', name: 'cart' });
  });

  it('denied: names the isolating policies of the side that denies', async () => {
    const { code, out } = await run('reach', '--from', 'shop/cart', '--to', 'shop/web', estate, '-o', 'json');
    assert.equal(code, 0);
    const result = JSON.parse(out);
    assert.equal(result.allowed, false);
    assert.equal(result.egress.allowed, false);
    assert.deepEqual(result.egress.decidedBy, ['default-deny']);
    assert.deepEqual(result.ingress.decidedBy, ['default-deny']);
  });

  it('a wrong port is denied on the ingress side; the table says which side', async () => {
    const { code, out } = await run('reach', '--from', 'shop/web', '--to', 'shop/cart', '--port', '9090/tcp', estate);
    assert.equal(code, 0);
    assert.match(out, /^shop\/Deployment\/web -> shop\/Deployment\/cart on 9090\/TCP: DENIED$/m);
    assert.match(out, /ingress: DENIED: shop\/Deployment\/cart is isolated by default-deny, cart-from-web/);
  });

  it('an unisolated source and destination in another namespace', async () => {
    const { out } = await run('reach', '--from', 'ops/toolbox', '--to', 'shop/cart', '--port', 'http', estate, '-o', 'json');
    const result = JSON.parse(out);
    assert.equal(result.egress.isolated, false);
    assert.deepEqual(result.egress.decidedBy, []);
    assert.equal(result.ingress.allowed, false);
    assert.deepEqual(result.port, { port: 8080, protocol: 'TCP', name: 'http' });
  });

  it('--expect turns the verdict into the exit code', async () => {
    assert.equal((await run('reach', '--from', 'shop/web', '--to', 'shop/cart', '--expect', 'denied', estate)).code, 1);
    assert.equal((await run('reach', '--from', 'shop/cart', '--to', 'shop/web', '--expect', 'denied', estate)).code, 0);
  });

  it('exits 2 for a malformed or unknown --from, an unknown port name, or a missing --to', async () => {
    assert.equal((await run('reach', '--from', 'shop', '--to', 'shop/cart', estate)).code, 2);
    assert.equal((await run('reach', '--from', 'shop/a/b/c', '--to', 'shop/cart', estate)).code, 2);
    assert.equal((await run('reach', '--from', 'shop/nope', '--to', 'shop/cart', estate)).code, 2);
    assert.equal((await run('reach', '--from', 'shop/web', '--to', 'shop/cart', '--port', 'grpc', estate)).code, 2);
    assert.equal((await run('reach', '--from', 'shop/web', '--to', 'shop/cart', '--port', '70000', estate)).code, 2);
    assert.equal((await run('reach', '--from', 'shop/web', estate)).code, 2);
  });

  it('parses workload and port arguments', () => {
    assert.deepEqual(parseWorkloadArg('--from', 'a/b'), { namespace: 'a', name: 'b' });
    assert.deepEqual(parseWorkloadArg('--from', 'a/StatefulSet/b'), { namespace: 'a', kind: 'StatefulSet', name: 'b' });
    assert.throws(() => parseWorkloadArg('--from', '/b'), /NAMESPACE\/NAME/);
    assert.deepEqual(parsePortArg('53/udp'), { port: 53, protocol: 'UDP' });
    assert.deepEqual(parsePortArg('http'), { port: 'http', protocol: 'TCP' });
    assert.throws(() => parsePortArg('80/icmp'), /PORT\/PROTOCOL/);
  });
});
