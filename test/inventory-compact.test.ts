/**
 * The inventory keeps compact copies of resources (src/inventory/compact.ts). The cross-resource
 * checks must give exactly the findings they give on whole resources, and the copies must really
 * be smaller and share nothing with the parsed originals.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCorpus } from '../bench/corpus.js';
import { builtinChecks } from '../src/checks/index.js';
import { CheckSet, evaluateInventory } from '../src/engine/evaluate.js';
import { compactForInventory, InventoryCopier, projectForInventory } from '../src/inventory/compact.js';
import { Inventory } from '../src/inventory/inventory.js';
import { DEFAULT_CONFIG } from '../src/isms/config.js';
import type { Finding, Resource } from '../src/resources/types.js';
import { expandPaths } from '../src/sources/files.js';
import { parseManifestText } from '../src/sources/yaml-documents.js';
import { conformanceDir, projectRoot } from './support/paths.js';

function resourcesOf(paths: string[]): Resource[] {
  const resources: Resource[] = [];
  for (const unit of expandPaths(paths).units) {
    const parsed = parseManifestText(readFileSync(unit.file, 'utf8'), { source: 'file', file: unit.file });
    parsed.release();
    resources.push(...parsed.resources);
  }
  return resources;
}

/** Everything of a finding but its location (located the same way for both inventories). */
const essence = (finding: Finding) => {
  const { location: _location, ...rest } = finding;
  return rest;
};

function inventoryFindings(resources: Resource[]): Finding[] {
  const { findings, errors } = evaluateInventory(Inventory.of(resources), new CheckSet(builtinChecks), { config: DEFAULT_CONFIG });
  assert.deepEqual(errors, []);
  return findings;
}

function assertSameFindings(resources: Resource[], label: string): void {
  const compact = resources.filter((resource) => Inventory.retains(resource)).map((resource) => compactForInventory(resource));
  const whole = inventoryFindings(resources).map(essence);
  assert.ok(whole.length > 0, `${label}: the cross-resource checks find something`);
  assert.deepEqual(inventoryFindings(compact).map(essence), whole, `${label}: same findings on compact resources`);
}

describe('compact inventory records', () => {
  it('give the same cross-resource findings as whole resources on a generated estate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'annexa-compact-'));
    try {
      generateCorpus(dir, 1500, 7);
      const resources = resourcesOf([dir]);
      assertSameFindings(resources, 'corpus');
      // …and are much smaller where it matters: the workloads.
      const workloads = resources.filter((r) => ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Pod'].includes(r.kind));
      const size = (objects: unknown[]) => objects.reduce<number>((sum, object) => sum + JSON.stringify(object).length, 0);
      const ratio = size(workloads.map((r) => projectForInventory(r))) / size(workloads.map((r) => r.object));
      assert.ok(ratio < 0.75, `compact workloads are ${Math.round(ratio * 100)}% of the whole`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('give the same cross-resource findings on the bundled examples and the default cluster RBAC', () => {
    assertSameFindings(resourcesOf([join(projectRoot, 'examples', 'estate')]), 'examples');
    assertSameFindings(resourcesOf([join(projectRoot, 'examples', 'estate'), join(conformanceDir, 'rbac')]), 'examples with default RBAC');
  });

  it('keep what Pod Security and the relations need, and drop the bulk (rollout fields, probes but their hosts)', () => {
    const [resource] = resourcesOf([]).concat(parseManifestText(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"big": "blob"}'
    team: shop
  managedFields: [{ manager: kubectl }]
spec:
  replicas: 3
  strategy: { type: RollingUpdate }
  revisionHistoryLimit: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
      annotations: { container.apparmor.security.beta.kubernetes.io/web: unconfined }
    spec:
      serviceAccountName: web
      hostNetwork: true
      tolerations: [{ operator: Exists }]
      containers:
        - name: web
          image: nginx:1.27
          args: ["--verbose"]
          env: [{ name: A, value: b }]
          ports: [{ name: http, containerPort: 8080 }]
          securityContext: { privileged: true }
          livenessProbe: { httpGet: { host: 10.0.0.1, port: 80, path: /healthz }, periodSeconds: 5 }
          readinessProbe: { httpGet: { port: 80 }, periodSeconds: 5 }
          startupProbe: { tcpSocket: { port: 80, host: "" }, exec: { command: [true] } }
          lifecycle: { preStop: { exec: { command: [sleep, "5"] } }, postStart: { tcpSocket: { host: db.internal, port: 5432 } } }
        - name: sidecar
          image: busybox
          lifecycle: { preStop: { exec: { command: [sleep, "5"] } } }
      volumes: [{ name: host, hostPath: { path: / } }]
status: { replicas: 1 }
`, { source: 'file', file: 'web.yaml' }).resources);
    const compact = compactForInventory(resource!);
    assert.deepEqual(compact.object, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', annotations: { team: 'shop' } },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' }, annotations: { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' } },
          spec: {
            serviceAccountName: 'web',
            hostNetwork: true,
            containers: [{
              name: 'web',
              ports: [{ name: 'http', containerPort: 8080 }],
              securityContext: { privileged: true },
              livenessProbe: { httpGet: { host: '10.0.0.1' } },
              lifecycle: { postStart: { tcpSocket: { host: 'db.internal' } } },
            }, { name: 'sidecar' }],
            volumes: [{ name: 'host', hostPath: { path: '/' } }],
          },
        },
      },
    });
    // Pod Security's host-probe check sees the same hosts on the compact copy (a namespace enforcing baseline rejects them).
    const [namespace] = parseManifestText(`apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/enforce-version: v1.34 } }
`, { source: 'file', file: 'ns.yaml' }).resources;
    const rejects = (workload: Resource) => inventoryFindings([namespace!, workload]).filter((f) => f.checkId === 'pss.namespace-enforce-rejects').map(essence);
    assert.match(JSON.stringify(rejects(resource!)), /db\.internal/);
    assert.deepEqual(rejects(compact), rejects(resource!));
    // A copy: the original is untouched and nothing is shared.
    assert.equal((resource!.object.status as { replicas: number }).replicas, 1);
    assert.notEqual(compact.provenance, resource!.provenance);
    assert.deepEqual({ ...compact, object: undefined }, { ...resource!, object: undefined });
  });

  it('are copied whole by InventoryCopier: same values, keys, order and positions, nothing shared', () => {
    const resources = resourcesOf([join(projectRoot, 'examples', 'estate')]).concat(parseManifestText(`apiVersion: v1
kind: ConfigMap
metadata: { name: odd, namespace: shop, labels: { "__proto__": x, constructor: y } }
data: { "__proto__": "a", list: [1, true, null, "two", { deep: [[]] }] }
`, { source: 'file', file: 'odd.yaml' }).resources);
    const copier = new InventoryCopier();
    const copies: Array<[Int32Array, Int32Array]> = [];
    for (const [i, resource] of resources.entries()) {
      const table = new Int32Array(i % 3 === 0 ? 20_000 : 12).map((_, j) => j * 7 + i);
      const original = { ...resource, provenance: { ...resource.provenance, positions: table } };
      const copy = copier.copy(original);
      assert.deepEqual(copy, original, resource.name);
      assert.deepEqual(Object.keys(copy.object), Object.keys(resource.object));
      assert.notEqual(copy.object, resource.object);
      assert.notEqual(copy.provenance.positions, table, 'the table is copied, not shared');
      copies.push([copy.provenance.positions!, table]);
    }
    // Packed tables share chunks: none may overwrite another.
    for (const [copy, table] of copies) assert.deepEqual([...copy], [...table]);
    const odd = copier.copy(resources.at(-1)!);
    assert.deepEqual(Object.keys((odd.object.metadata as { labels: object }).labels), ['__proto__', 'constructor']);
    assert.equal(Object.getPrototypeOf(odd.object.data), Object.prototype, 'a __proto__ key stays a key');
  });
});
