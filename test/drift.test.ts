/**
 * `annexa drift` against a DOUBLE of the Kubernetes API server (test/support/kube-api-double.ts),
 * through the real @kubernetes/client-node. The double stores objects as the API server does:
 * server metadata, status, API defaults, canonical quantities, controllers' ReplicaSets and Pods,
 * and the objects every cluster has (bootstrap RBAC, default service accounts, kube-root-ca.crt).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { builtInObjects, type DoubleOptions, type KubeObject } from './support/kube-api-double.js';
import { Fixture, manifestsOf, tempDir } from './support/kube-fixtures.js';
import { projectRoot } from './support/paths.js';
import { runDriftCommand } from '../src/cli/drift.js';
import { declaredChanges, quantityValue } from '../src/drift/compare.js';
import type { DriftReport } from '../src/drift/drift.js';
import { driftMarkdown, driftTable } from '../src/drift/render.js';

const estateDir = join(projectRoot, 'examples', 'estate');
const ESTATE_NAMESPACES = ['shop', 'payments', 'observability', 'batch'];

type Flags = Parameters<typeof runDriftCommand>[0];

async function drift(fixture: Fixture, baseline: string[], flags: Partial<Flags> = {}): Promise<{ code: number; report: DriftReport; text: string }> {
  const tmp = tempDir();
  try {
    const outputFile = join(tmp.dir, 'drift.json');
    const code = await runDriftCommand({ baseline, kubeconfig: fixture.kubeconfig(), output: 'json', outputFile, pageSize: '500', requestTimeout: '10', unmanagedKinds: 'ClusterRole,ClusterRoleBinding,ValidatingWebhookConfiguration,MutatingWebhookConfiguration,ValidatingAdmissionPolicy,ValidatingAdmissionPolicyBinding', ...flags });
    const text = readFileSync(outputFile, 'utf8');
    return { code, report: JSON.parse(text) as DriftReport, text };
  } finally {
    tmp.remove();
  }
}

function estateCluster(extra: Partial<DoubleOptions> = {}): Promise<Fixture> {
  return new Fixture().start({ objects: [...builtInObjects(ESTATE_NAMESPACES), ...manifestsOf(estateDir)], controllers: true, maxPage: 3, ...extra });
}

const empty = (report: DriftReport) => ({ missing: report.missing, unmanaged: report.unmanaged, modified: report.modified, unverified: report.unverified });

describe('annexa drift', () => {
  it('finds no drift when the cluster runs the baseline, whatever the server added (metadata, status, defaults, controllers, built-ins)', async () => {
    const fixture = await estateCluster();
    try {
      const { code, report } = await drift(fixture, [estateDir]);
      assert.deepEqual(empty(report), { missing: [], unmanaged: [], modified: [], unverified: [] });
      assert.equal(code, 0);
    } finally {
      await fixture.stop();
    }
  });

  it('reports exactly the real differences: a changed image, a deleted policy, a hand-made binding, a Secret it may not read', async () => {
    const fixture = await estateCluster({ forbidden: ['/secrets'] });
    try {
      const double = fixture.double;
      double.update('Deployment', 'shop', 'storefront', (object) => {
        ((object.spec as KubeObject).template as { spec: { containers: KubeObject[] } }).spec.containers[0]!.image = 'registry.example.com/shop/storefront:hotfix';
      });
      double.remove('NetworkPolicy', 'shop', 'default-deny-ingress');
      double.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'temp-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }] });
      // Not unmanaged: outside the baseline's namespaces, or made by a controller.
      double.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'elsewhere', namespace: 'kube-system' } });
      double.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'orphan-like', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', uid: 'u-1', controller: true }] }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'c:1' }] } } } });

      const { code, report } = await drift(fixture, [estateDir]);
      const before = readFileSync(join(estateDir, 'shop.yaml'), 'utf8');
      const declaredImage = /image: (registry\.example\.com\/shop\/storefront@sha256:[0-9a-f]+)/.exec(before)![1];
      assert.deepEqual(empty(report), {
        missing: [{ kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny-ingress' }],
        unmanaged: [{ kind: 'ClusterRoleBinding', name: 'temp-admin' }],
        modified: [{ resource: { kind: 'Deployment', namespace: 'shop', name: 'storefront' }, changes: [{ path: 'spec.template.spec.containers[0].image', desired: declaredImage, live: 'registry.example.com/shop/storefront:hotfix' }] }],
        unverified: [{ kind: 'Secret', namespace: 'shop', name: 'cart-db', reason: 'forbidden' }],
      });
      assert.equal(code, 1);
    } finally {
      await fixture.stop();
    }
  });

  it('a user with namespace Roles only: kinds refused cluster-wide are read per namespace and verified', async () => {
    const fixture = await estateCluster({ namespaceOnly: { 'apps/deployments': ['default', 'kube-system', 'kube-public', 'kube-node-lease', ...ESTATE_NAMESPACES], '/secrets': ['shop'] } });
    try {
      fixture.double.update('Deployment', 'shop', 'storefront', (object) => {
        (object.spec as KubeObject).replicas = 7;
      });
      const { report } = await drift(fixture, [estateDir]);
      assert.deepEqual(empty(report), {
        missing: [], unmanaged: [], unverified: [],
        modified: [{ resource: { kind: 'Deployment', namespace: 'shop', name: 'storefront' }, changes: [{ path: 'spec.replicas', desired: 3, live: 7 }] }],
      });
    } finally {
      await fixture.stop();
    }
  });

  it('compares Secrets by digest and never prints their values', async () => {
    const fixture = await estateCluster();
    try {
      fixture.double.update('Secret', 'shop', 'cart-db', (object) => {
        (object.data as KubeObject).password = Buffer.from('rotated-by-hand').toString('base64');
      });
      const { report, text } = await drift(fixture, [estateDir]);
      assert.deepEqual(report.modified, [{ resource: { kind: 'Secret', namespace: 'shop', name: 'cart-db' }, changes: [{ path: 'data.password', desired: '[redacted]', live: '[redacted]' }] }]);
      for (const value of ['rotated-by-hand', 'do-not-print-me']) {
        assert.ok(!text.includes(value) && !text.includes(Buffer.from(value).toString('base64')), `${value} is not printed`);
      }
      assert.doesNotMatch(text, /sha256:[0-9a-f]{64}"/, 'no digest of a value either');
    } finally {
      await fixture.stop();
    }
  });

  it('a baseline that spells out API defaults, in other units, matches; a sidecar injected into a declared list does not', async () => {
    const tmp = tempDir();
    const fixture = await new Fixture().start({ objects: [...builtInObjects(['web'])], controllers: false });
    try {
      const manifest = `apiVersion: v1
kind: Namespace
metadata: { name: web }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: web }
spec:
  replicas: 1
  strategy: { type: RollingUpdate }
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      dnsPolicy: ClusterFirst
      hostNetwork: false
      containers:
        - name: api
          image: api:1.4
          ports: [{ containerPort: 8080, protocol: TCP }]
          resources: { limits: { cpu: 0.5, memory: 1Gi } }
          env: [{ name: MODE, value: prod }]
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: web }
spec:
  selector: { app: api }
  ports: [{ port: 80, targetPort: 8080 }]
`;
      mkdirSync(join(tmp.dir, 'base'));
      writeFileSync(join(tmp.dir, 'base', 'app.yaml'), manifest);
      const { parseAllDocuments } = await import('yaml');
      for (const doc of parseAllDocuments(manifest)) fixture.double.create(doc.toJSON() as KubeObject);
      const stored = fixture.double.get('Deployment', 'web', 'api')!;
      const container = ((stored.spec as KubeObject).template as { spec: { containers: KubeObject[] } }).spec.containers[0]!;
      assert.equal((container.resources as { limits: { cpu: string } }).limits.cpu, '500m', 'the double canonicalizes quantities as the API server does');

      const clean = await drift(fixture, [join(tmp.dir, 'base')]);
      assert.deepEqual(empty(clean.report), { missing: [], unmanaged: [], modified: [], unverified: [] });

      fixture.double.update('Deployment', 'web', 'api', (object) => {
        const spec = ((object.spec as KubeObject).template as { spec: { containers: KubeObject[] } }).spec;
        spec.containers.push({ name: 'proxy', image: 'proxy:2' });
        (spec.containers[0]!.env as KubeObject[]).push({ name: 'DEBUG', value: '1' });
      });
      const injected = await drift(fixture, [join(tmp.dir, 'base')]);
      assert.deepEqual(injected.report.modified, [{
        resource: { kind: 'Deployment', namespace: 'web', name: 'api' },
        changes: [
          { path: 'spec.template.spec.containers[0].env[1]', desired: null, live: { name: 'DEBUG' } },
          { path: 'spec.template.spec.containers[1]', desired: null, live: { name: 'proxy' } },
        ],
      }]);
    } finally {
      await fixture.stop();
      tmp.remove();
    }
  });
});

describe('drift comparison', () => {
  it('reads quantities in any unit', () => {
    assert.equal(quantityValue('500m'), 0.5);
    assert.equal(quantityValue('1Gi'), quantityValue('1024Mi'));
    assert.equal(quantityValue('1e3'), 1000);
    assert.equal(quantityValue('abc'), undefined);
  });

  it('never compares server metadata or status, and reports a declared value that differs', () => {
    const desired = { metadata: { name: 'a', uid: 'mine', resourceVersion: '1', generation: 3, labels: { tier: 'web' } }, status: { phase: 'x' }, spec: { replicas: 3 } };
    const live = { metadata: { name: 'a', uid: 'theirs', resourceVersion: '99', generation: 1, labels: { tier: 'web', extra: 'y' } }, status: { phase: 'y' }, spec: { replicas: 2, paused: false } };
    assert.deepEqual(declaredChanges('Deployment', desired, live), [{ path: 'spec.replicas', desired: 3, live: 2 }]);
  });

  it('a declared field the live object lacks is drift unless it is a zero value or the API default', () => {
    assert.deepEqual(declaredChanges('Deployment', { spec: { paused: false, revisionHistoryLimit: 10, minReadySeconds: 5 } }, { spec: {} }), [{ path: 'spec.minReadySeconds', desired: 5, live: null }]);
  });
});

describe('drift table and markdown', () => {
  const report: DriftReport = {
    missing: [{ kind: 'NetworkPolicy', namespace: 'shop', name: 'cart-ingress' }],
    unmanaged: [{ kind: 'ClusterRoleBinding', name: 'temp-admin' }],
    modified: [{ resource: { kind: 'Deployment', namespace: 'shop', name: 'cart' }, changes: [{ path: 'spec.template.spec.containers[0].image', desired: 'cart:1.2', live: 'cart:hotfix' }, { path: 'spec.template.spec.containers[1]', desired: null, live: { name: 'proxy' } }] }],
    unverified: [{ kind: 'Secret', namespace: 'shop', name: 'cart-db', reason: 'forbidden' }],
  };

  it('lists every entry with its state, and each change with desired and live', () => {
    const table = driftTable(report);
    assert.match(table, /^MISSING {5}NetworkPolicy shop\/cart-ingress$/m);
    assert.match(table, /^UNMANAGED {3}ClusterRoleBinding temp-admin$/m);
    assert.match(table, /spec\.template\.spec\.containers\[0\]\.image: cart:1\.2 -> cart:hotfix/);
    assert.match(table, /spec\.template\.spec\.containers\[1\]: \(absent\) -> \{"name":"proxy"\}/);
    assert.match(table, /^UNVERIFIED {2}Secret shop\/cart-db \(forbidden\)$/m);
    assert.match(table, /Drift: 1 missing, 1 unmanaged, 1 modified, 1 unverified/);
    const markdown = driftMarkdown(report);
    assert.match(markdown, /\| missing \| NetworkPolicy shop\/cart-ingress \| declared, not in the cluster \|/);
    assert.match(markdown, /\| Deployment shop\/cart \| `spec.template.spec.containers\[0\].image` \| cart:1.2 \| cart:hotfix \|/);
  });
});
