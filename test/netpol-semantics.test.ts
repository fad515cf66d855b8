/** NetworkPolicy semantics: selectors, namespace labels, ipBlock, ports, policyTypes, additive allows, hostNetwork. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseResources } from './support/run-checks.js';
import { Inventory } from '../src/inventory/inventory.js';
import {
  compileSelector, compilePolicy, findWorkload, ipBlockAdmits, NetpolAnalysis, parseCidr, PortSet, reach, workloadCoverage,
  type IpBlock, type NetpolPod,
} from '../src/inventory/netpol/index.js';
import type { JsonValue } from '../src/resources/types.js';

function analyse(manifest: string): NetpolAnalysis {
  return NetpolAnalysis.of(Inventory.of(parseResources(manifest)));
}

function pod(analysis: NetpolAnalysis, ref: string): NetpolPod {
  const [namespace, name] = ref.split('/') as [string, string];
  return findWorkload(analysis, { namespace, name });
}

function deployment(namespace: string, name: string, labels: Record<string, string>, extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  template:
    metadata: { labels: ${JSON.stringify(labels)} }
    spec:
${extra}      containers:
        - name: app
          image: nginx
          ports:
            - { name: http, containerPort: 8080 }
            - { name: dns, containerPort: 5353, protocol: UDP }
---
`;
}

function policy(namespace: string, name: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${spec.replace(/^/gm, '  ')}
---
`;
}

describe('label selectors', () => {
  it('matchLabels and matchExpressions are ANDed; empty matches all', () => {
    const selector = compileSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] });
    assert.equal(selector.matches({ app: 'web', tier: 'a' }), true);
    assert.equal(selector.matches({ app: 'web', tier: 'c' }), false);
    assert.equal(selector.matches({ app: 'web' }), false);
    assert.equal(compileSelector({}).matches({}), true);
    assert.equal(compileSelector({}).matchesAll, true);
  });

  it('NotIn and DoesNotExist match objects without the key; Exists requires it', () => {
    const notIn = compileSelector({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] });
    assert.equal(notIn.matches({}), true);
    assert.equal(notIn.matches({ env: 'dev' }), true);
    assert.equal(notIn.matches({ env: 'prod' }), false);
    const exists = compileSelector({ matchExpressions: [{ key: 'env', operator: 'Exists' }] });
    assert.equal(exists.matches({ env: '' }), true);
    assert.equal(exists.matches({}), false);
    const absent = compileSelector({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] });
    assert.equal(absent.matches({}), true);
    assert.equal(absent.matches({ env: 'x' }), false);
  });

  it('an invalid selector matches nothing and says why', () => {
    const bad = compileSelector({ matchExpressions: [{ key: 'env', operator: 'Like', values: ['x'] }] });
    assert.equal(bad.matches({ env: 'x' }), false);
    assert.match(bad.problem ?? '', /unknown operator/);
    assert.equal(compileSelector({ matchExpressions: [{ key: 'env', operator: 'In' }] }).matches({ env: 'x' }), false);
  });

  it('a value that is a map or a list is invalid, never converted (a map may have its own toString or valueOf)', () => {
    const hostile = { toString: 1 };
    for (const [selector, problem] of [
      [{ matchExpressions: [{ key: 'env', operator: hostile }] }, 'unknown operator "{"toString":1}" for key "env"'],
      [{ matchExpressions: [{ key: 'env', operator: 'In', values: [hostile] }] }, 'value {"toString":1} for key "env" is not a string'],
      [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['a', ['b']] }] }, 'value ["b"] for key "env" is not a string'],
      [{ matchLabels: { env: { valueOf: 1 } } }, 'matchLabels value {"valueOf":1} for key "env" is not a string'],
      [{ matchLabels: { env: null } }, 'matchLabels value null for key "env" is not a string'],
    ] as Array<[JsonValue, string]>) {
      const compiled = compileSelector(selector);
      assert.equal(compiled.problem, problem);
      assert.equal(compiled.matches({ env: 'a' }), false);
      assert.equal(compiled.toString(), `(invalid: ${problem})`);
    }
    // Numbers and booleans are read as their text, as in label maps.
    assert.equal(compileSelector({ matchLabels: { v: 1 }, matchExpressions: [{ key: 'on', operator: 'In', values: [true] }] }).matches({ v: '1', on: 'true' }), true);
  });
});

describe('ipBlock and CIDRs', () => {
  const block = (cidr: string, except: string[] = []): IpBlock => ({ cidr: parseCidr(cidr)!, except: except.map((c) => parseCidr(c)!), invalid: [] });

  it('admits addresses inside cidr and outside every except', () => {
    const b = block('10.0.0.0/8', ['10.1.0.0/16']);
    assert.equal(ipBlockAdmits(b, '10.2.3.4'), true);
    assert.equal(ipBlockAdmits(b, '10.1.3.4'), false);
    assert.equal(ipBlockAdmits(b, '11.0.0.1'), false);
    assert.equal(ipBlockAdmits(block('0.0.0.0/0', ['169.254.169.254/32']), '169.254.169.254'), false);
    assert.equal(ipBlockAdmits(block('0.0.0.0/0'), '169.254.169.254'), true);
  });

  it('handles IPv6 and keeps families apart', () => {
    assert.equal(ipBlockAdmits(block('::/0'), 'fd00:ec2::254'), true);
    assert.equal(ipBlockAdmits(block('::/0'), '10.0.0.1'), false);
    assert.equal(ipBlockAdmits(block('2001:db8::/32', ['2001:db8:1::/48']), '2001:db8:1::5'), false);
    assert.equal(ipBlockAdmits(block('2001:db8::/32', ['2001:db8:1::/48']), '2001:db8:2::5'), true);
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.equal(parseCidr('300.0.0.0/8'), undefined);
  });

  it('records except entries that are not strings as problems, described', () => {
    const [resource] = parseResources(policy('a', 'p', 'podSelector: {}\ningress:\n  - from: [{ ipBlock: { cidr: "10.0.0.0/8", except: [{ toString: 1 }, [1, 2]] } }]'));
    assert.deepEqual(compilePolicy(resource!).problems, [{ path: 'spec.ingress[0].from[0].ipBlock.except', message: 'not CIDRs: {"toString":1}, [1,2]' }]);
  });

  it('records unparseable CIDRs as problems of the policy', () => {
    const [resource] = parseResources(policy('a', 'p', 'podSelector: {}\ningress:\n  - from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["nope"] } }]'));
    assert.deepEqual(compilePolicy(resource!).problems, [{ path: 'spec.ingress[0].from[0].ipBlock.except', message: 'not CIDRs: nope' }]);
  });
});

describe('policyTypes defaulting', () => {
  it('Ingress always; Egress only when egress rules are present', () => {
    const [onlyIngress, withEgress, egressOnly, emptyEgress, emptyTypes] = parseResources(
      policy('a', 'i', 'podSelector: {}') +
      policy('a', 'e', 'podSelector: {}\negress: [{}]') +
      policy('a', 'x', 'podSelector: {}\npolicyTypes: [Egress]') +
      policy('a', 'z', 'podSelector: {}\negress: []') +
      policy('a', 't', 'podSelector: {}\npolicyTypes: []\negress: [{ ports: [{ port: 53 }] }]'),
    ).map(compilePolicy);
    assert.deepEqual(onlyIngress!.types, { ingress: true, egress: false });
    assert.deepEqual(emptyEgress!.types, { ingress: true, egress: false });
    assert.deepEqual(emptyTypes!.types, { ingress: true, egress: true });
    assert.deepEqual(withEgress!.types, { ingress: true, egress: true });
    assert.deepEqual(egressOnly!.types, { ingress: false, egress: true });
  });

  it('an entry that is not a string counts as declared but selects neither direction', () => {
    const [compiled] = parseResources(policy('a', 'm', 'podSelector: {}\npolicyTypes: [{ toString: 1 }]\negress: [{}]')).map(compilePolicy);
    assert.deepEqual(compiled!.types, { ingress: false, egress: false });
    assert.deepEqual(compiled!.problems, [{ path: 'spec.policyTypes[0]', message: 'unknown policy type "{"toString":1}" (Ingress or Egress)' }]);
  });

  it('declared Egress with no rules denies all egress', () => {
    const a = analyse(
      deployment('a', 'web', { app: 'web' }) + deployment('a', 'db', { app: 'db' }) +
      policy('a', 'deny-egress', 'podSelector: { matchLabels: { app: web } }\npolicyTypes: [Egress]'),
    );
    const result = reach(a, pod(a, 'a/web'), pod(a, 'a/db'));
    assert.equal(result.allowed, false);
    assert.equal(result.egress.isolated, true);
    assert.deepEqual(result.egress.isolatingPolicies, ['deny-egress']);
    assert.equal(result.ingress.isolated, false);
  });
});

describe('selection and namespaces', () => {
  const estate =
    `apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { team: retail } }
---
` + deployment('shop', 'cart', { app: 'cart' }) + deployment('shop', 'web', { app: 'web', tier: 'front' }) +
    deployment('ops', 'monitor', { app: 'prom' }) + deployment('other', 'client', { app: 'web' }) +
    policy('shop', 'cart-from-web', `podSelector: { matchLabels: { app: cart } }
ingress:
  - from:
      - podSelector: { matchLabels: { app: web } }
      - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ops } }
        podSelector: { matchExpressions: [{ key: app, operator: In, values: [prom, grafana] }] }
    ports: [{ port: http }]`);

  it('podSelector alone selects pods of the policy namespace only', () => {
    const a = analyse(estate);
    assert.equal(reach(a, pod(a, 'shop/web'), pod(a, 'shop/cart')).allowed, true);
    const outside = reach(a, pod(a, 'other/client'), pod(a, 'shop/cart'));
    assert.equal(outside.allowed, false);
    assert.deepEqual(outside.ingress.isolatingPolicies, ['cart-from-web']);
    assert.deepEqual(outside.ingress.allowingPolicies, []);
  });

  it('namespaceSelector sees the automatic metadata.name label, also without a Namespace object', () => {
    const a = analyse(estate);
    assert.equal(a.hasNamespaceObject('ops'), false);
    assert.deepEqual(a.namespaceLabels('ops'), { 'kubernetes.io/metadata.name': 'ops' });
    assert.deepEqual(a.namespaceLabels('shop'), { team: 'retail', 'kubernetes.io/metadata.name': 'shop' });
    const result = reach(a, pod(a, 'ops/monitor'), pod(a, 'shop/cart'));
    assert.equal(result.allowed, true);
    assert.deepEqual(result.ports.toJSON(), [{ protocol: 'TCP', port: 8080 }]);
  });

  it('namespaceSelector on Namespace object labels', () => {
    const a = analyse(estate + policy('ops', 'from-retail', `podSelector: {}
ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: retail } } }] }]`));
    assert.equal(reach(a, pod(a, 'shop/web'), pod(a, 'ops/monitor')).allowed, true);
    assert.equal(reach(a, pod(a, 'other/client'), pod(a, 'ops/monitor')).allowed, false);
    assert.deepEqual(a.namespacesMatching(compileSelector({ matchLabels: { team: 'retail' } })), ['shop']);
  });

  it('coverage lists isolating policies and resolves named ingress ports', () => {
    const a = analyse(estate);
    const cart = workloadCoverage(a, pod(a, 'shop/cart'));
    assert.equal(cart.ingressIsolated, true);
    assert.equal(cart.egressIsolated, false);
    assert.deepEqual(cart.ingressPolicies, ['cart-from-web']);
    assert.equal(cart.allowedFrom.length, 2);
    assert.deepEqual(cart.allowedFrom[0], {
      peer: { type: 'pods', namespaces: '(same: shop)', pods: 'app=web', workloads: 1, text: 'pods app=web in namespace shop' },
      ports: [{ protocol: 'TCP', port: 'http', resolved: [8080] }],
      policies: ['cart-from-web'],
    });
    assert.equal(cart.allowedTo[0]!.peer.type, 'all');
    assert.deepEqual(cart.allowedFrom[1]!.peer, {
      type: 'pods', namespaces: 'kubernetes.io/metadata.name=ops', pods: 'app in (prom,grafana)', workloads: 1, text: 'pods app in (prom,grafana) in namespaces kubernetes.io/metadata.name=ops',
    });
    const web = workloadCoverage(a, pod(a, 'shop/web'));
    assert.equal(web.ingressIsolated, false);
  });
});

describe('ports', () => {
  const base = deployment('a', 'src', { app: 'src' }) + deployment('a', 'dst', { app: 'dst' });

  it('numeric ports default to TCP; endPort makes a range', () => {
    const a = analyse(base + policy('a', 'range', `podSelector: { matchLabels: { app: dst } }
ingress: [{ ports: [{ port: 8000, endPort: 8100 }, { protocol: UDP, port: 53 }] }]`));
    const [src, dst] = [pod(a, 'a/src'), pod(a, 'a/dst')];
    assert.equal(reach(a, src, dst, { port: 8050, protocol: 'TCP' }).allowed, true);
    assert.equal(reach(a, src, dst, { port: 8101, protocol: 'TCP' }).allowed, false);
    assert.equal(reach(a, src, dst, { port: 8050, protocol: 'UDP' }).allowed, false);
    assert.equal(reach(a, src, dst, { port: 53, protocol: 'UDP' }).allowed, true);
    assert.deepEqual(reach(a, src, dst).ports.toJSON(), [{ protocol: 'TCP', port: 8000, endPort: 8100 }, { protocol: 'UDP', port: 53 }]);
  });

  it('named ports resolve against the destination container ports, with their protocol', () => {
    const a = analyse(base + policy('a', 'named', `podSelector: { matchLabels: { app: dst } }
ingress: [{ ports: [{ port: http }, { port: dns }] }]`));
    const [src, dst] = [pod(a, 'a/src'), pod(a, 'a/dst')];
    assert.equal(reach(a, src, dst, { port: 8080, protocol: 'TCP' }).allowed, true);
    // "dns" is a UDP container port: the TCP named port does not resolve.
    assert.equal(reach(a, src, dst, { port: 5353, protocol: 'UDP' }).allowed, false);
    assert.equal(reach(a, src, dst, { port: 'http', protocol: 'TCP' }).port?.port, 8080);
  });

  it('a port entry without port admits every port of its protocol', () => {
    const a = analyse(base + policy('a', 'udp', `podSelector: { matchLabels: { app: dst } }
ingress: [{ ports: [{ protocol: UDP }] }]`));
    assert.equal(reach(a, pod(a, 'a/src'), pod(a, 'a/dst'), { port: 9999, protocol: 'UDP' }).allowed, true);
    assert.equal(reach(a, pod(a, 'a/src'), pod(a, 'a/dst'), { port: 9999, protocol: 'TCP' }).allowed, false);
  });

  it('egress and ingress port sets intersect', () => {
    const a = analyse(base +
      policy('a', 'in', 'podSelector: { matchLabels: { app: dst } }\ningress: [{ ports: [{ port: 80, endPort: 90 }] }]') +
      policy('a', 'out', 'podSelector: { matchLabels: { app: src } }\negress: [{ to: [{ podSelector: {} }], ports: [{ port: 85, endPort: 100 }] }]'));
    const result = reach(a, pod(a, 'a/src'), pod(a, 'a/dst'));
    assert.equal(result.allowed, true);
    assert.deepEqual(result.ports.toJSON(), [{ protocol: 'TCP', port: 85, endPort: 90 }]);
  });

  it('a port or endPort that is neither a number nor a string is invalid (a map, a list, a boolean), never converted', () => {
    const a = analyse(base + policy('a', 'bad', `podSelector: { matchLabels: { app: dst } }
ingress: [{ ports: [{ port: { toString: 1 } }, { port: [80] }, { port: true }, { port: 443, endPort: { valueOf: 1 } }] }]`));
    assert.deepEqual(a.policiesIn('a')[0]!.problems, [
      { path: 'spec.ingress[0].ports[0].port', message: 'port {"toString":1} is neither a port number nor a port name' },
      { path: 'spec.ingress[0].ports[1].port', message: 'port [80] is neither a port number nor a port name' },
      { path: 'spec.ingress[0].ports[2].port', message: 'port true is neither a port number nor a port name' },
      { path: 'spec.ingress[0].ports[3].endPort', message: 'endPort {"valueOf":1} must be between port 443 and 65535' },
    ]);
    // Only the valid part of the entries remains: port 443 without its range.
    assert.deepEqual(reach(a, pod(a, 'a/src'), pod(a, 'a/dst')).ports.toJSON(), [{ protocol: 'TCP', port: 443 }]);
  });

  it('PortSet merges adjacent ranges', () => {
    const set = PortSet.of([{ protocol: 'TCP', range: [1, 5] }, { protocol: 'TCP', range: [6, 9] }, { protocol: 'TCP', range: [20, 20] }]);
    assert.equal(set.toString(), '1-9/TCP, 20/TCP');
  });
});

describe('additive semantics', () => {
  const base = deployment('a', 'src', { app: 'src' }) + deployment('a', 'dst', { app: 'dst', role: 'api' });

  it('allowed traffic is the union of every policy selecting the pod', () => {
    const a = analyse(base +
      policy('a', 'deny-all', 'podSelector: {}\npolicyTypes: [Ingress, Egress]') +
      policy('a', 'allow-80', 'podSelector: { matchLabels: { app: dst } }\ningress: [{ from: [{ podSelector: { matchLabels: { app: src } } }], ports: [{ port: 80 }] }]') +
      policy('a', 'allow-443', 'podSelector: { matchLabels: { role: api } }\ningress: [{ ports: [{ port: 443 }] }]') +
      policy('a', 'src-out', 'podSelector: { matchLabels: { app: src } }\negress: [{ to: [{ podSelector: { matchLabels: { app: dst } } }] }]'));
    const result = reach(a, pod(a, 'a/src'), pod(a, 'a/dst'));
    assert.equal(result.allowed, true);
    assert.deepEqual(result.ingress.isolatingPolicies, ['deny-all', 'allow-80', 'allow-443']);
    assert.deepEqual(result.ingress.allowingPolicies, ['allow-80', 'allow-443']);
    assert.deepEqual(result.egress.allowingPolicies, ['src-out']);
    assert.equal(result.ports.toString(), '80/TCP, 443/TCP');
    const on443 = reach(a, pod(a, 'a/src'), pod(a, 'a/dst'), { port: 443, protocol: 'TCP' });
    assert.deepEqual(on443.ingress.allowingPolicies, ['allow-443']);
    assert.equal(reach(a, pod(a, 'a/dst'), pod(a, 'a/src')).allowed, false);
  });

  it('an empty rule {} allows everything; an empty ingress list allows nothing', () => {
    const a = analyse(base + policy('a', 'open', 'podSelector: { matchLabels: { app: dst } }\ningress: [{}]') +
      policy('a', 'closed', 'podSelector: { matchLabels: { app: src } }\ningress: []'));
    assert.equal(reach(a, pod(a, 'a/src'), pod(a, 'a/dst'), { port: 12345, protocol: 'SCTP' }).allowed, true);
    assert.equal(reach(a, pod(a, 'a/dst'), pod(a, 'a/src')).allowed, false);
  });
});

describe('hostNetwork pods', () => {
  it('are not selected by policies and not matched as pod peers', () => {
    const a = analyse(
      deployment('a', 'host', { app: 'x' }, '      hostNetwork: true\n') + deployment('a', 'plain', { app: 'x' }) +
      policy('a', 'deny', 'podSelector: {}\npolicyTypes: [Ingress, Egress]\ningress: [{ from: [{ podSelector: { matchLabels: { app: x } } }] }]\negress: [{ to: [{ podSelector: { matchLabels: { app: x } } }] }]'),
    );
    const host = pod(a, 'a/host');
    const plain = pod(a, 'a/plain');
    assert.deepEqual(a.policiesSelecting(host), []);
    assert.equal(workloadCoverage(a, host).ingressIsolated, false);
    // plain → host: plain's egress rule names app=x pods, but the hostNetwork pod is not one of them.
    assert.equal(reach(a, plain, host).egress.allowed, false);
    assert.equal(reach(a, plain, host).ingress.isolated, false);
    // host → plain: no egress isolation for host, and plain's ingress rule does not match it.
    assert.equal(reach(a, host, plain).egress.isolated, false);
    assert.equal(reach(a, host, plain).ingress.allowed, false);
  });
});

describe('workloads', () => {
  it('folds controller-owned objects into owners present in the input and finds by kind', () => {
    const a = analyse(deployment('a', 'web', { app: 'web' }) + `apiVersion: v1
kind: Pod
metadata:
  name: web-1
  namespace: a
  labels: { app: web }
  ownerReferences: [{ apiVersion: apps/v1, kind: Deployment, name: web, controller: true, uid: x }]
spec: { containers: [{ name: c, image: nginx }] }
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: a }
spec: { containers: [{ name: c, image: nginx }] }
`);
    assert.deepEqual(a.pods.map((p) => `${p.kind}/${p.name}`), ['Deployment/web', 'Pod/web']);
    assert.throws(() => findWorkload(a, { namespace: 'a', name: 'web' }), /ambiguous/);
    assert.equal(findWorkload(a, { namespace: 'a', kind: 'pod', name: 'web' }).kind, 'Pod');
    assert.throws(() => findWorkload(a, { namespace: 'b', name: 'web' }), /no workload/);
  });

  it('workloads without namespace are in default', () => {
    const a = analyse(`apiVersion: v1
kind: Pod
metadata: { name: lone }
spec: { containers: [{ name: c, image: nginx }] }
`);
    assert.equal(findWorkload(a, { namespace: 'default', name: 'lone' }).namespace, 'default');
  });
});

describe('indexes', () => {
  it('a selector is answered from its most selective requirement, not by scanning the namespace', async () => {
    const { PodIndex } = await import('../src/inventory/netpol/index.js');
    const index = new PodIndex();
    const pods = Array.from({ length: 1000 }, (_, i) => ({ labels: { app: `app-${i}`, tier: i % 2 ? 'web' : 'db' }, hostNetwork: false }) as unknown as NetpolPod);
    pods.forEach((p) => index.add(p));
    const selector = compileSelector({ matchLabels: { tier: 'web', app: 'app-7' } });
    let calls = 0;
    const counting = { ...selector, requirements: selector.requirements, matchesAll: false, matches: (labels: Record<string, string>) => { calls += 1; return selector.matches(labels); } };
    assert.deepEqual(index.select(counting).map((p) => p.labels.app), ['app-7']);
    assert.equal(calls, 1);
    calls = 0;
    const exists = compileSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['app-1', 'app-2'] }, { key: 'tier', operator: 'Exists' }] });
    assert.equal(index.select({ ...counting, requirements: exists.requirements, matches: (l: Record<string, string>) => { calls += 1; return exists.matches(l); } }).length, 2);
    assert.equal(calls, 2);
  });

  it('coverage of a generated estate selects every workload through the indexes', async () => {
    const { generateEstate } = await import('../bench/netpol.bench.js');
    const a = analyse(generateEstate(500));
    assert.equal(a.pods.length, 500);
    assert.equal(a.policies.length, 100);
    assert.ok(a.podsIn('ns-0').every((p) => a.isolating(p, 'ingress').some((policy) => policy.name === 'np-0')));
    // ns-9 has no default deny: its web-tier pods are selected by the open np-0, others only by chance.
    const ns9 = a.podsIn('ns-9');
    assert.ok(ns9.filter((p) => p.labels.tier === 'web').every((p) => a.isolating(p, 'ingress').some((policy) => policy.name === 'np-0')));
    assert.ok(ns9.some((p) => a.isolating(p, 'ingress').length === 0));
  });
});
