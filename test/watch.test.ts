/**
 * Watch mode against the API double, driven by client-node's own informer: the double's watch
 * protocol (events after a resourceVersion, bookmarks, 410 Expired, timeoutSeconds), then the
 * watcher keeping findings and posture current through creates, updates, deletes, a 410 relist,
 * errors with back-off, and the equivalence of its findings with `annexa cluster` on the same estate.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { builtInObjects, type KubeObject } from './support/kube-api-double.js';
import { Fixture, manifestsOf } from './support/kube-fixtures.js';
import { projectRoot } from './support/paths.js';
import { loadClientNode } from '../src/sources/cluster/client-node.js';
import { ClusterConnection } from '../src/sources/cluster/connection.js';
import { ClusterSource } from '../src/sources/cluster/source.js';
import { OwnerRollUp } from '../src/sources/cluster/owners.js';
import { runScan } from '../src/engine/scan.js';
import { builtinChecks } from '../src/checks/index.js';
import { makeConfig } from '../src/isms/config.js';
import { Watcher, type FlushEvent } from '../src/watch/watcher.js';
import type { Finding } from '../src/resources/types.js';

const estateDir = join(projectRoot, 'examples', 'estate');

function pod(name: string, namespace: string, privileged: boolean): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { app: name } },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1.0', securityContext: { privileged } }] },
  };
}

async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const identity = (f: Finding) => `${f.checkId} ${f.resource.kind}/${f.resource.namespace ?? ''}/${f.resource.name} ${f.path} ${f.message}`;

describe('the API double serves watches as the API server does (client-node informer)', () => {
  const fixture = new Fixture();
  before(() => fixture.start({ objects: [...builtInObjects(['shop']), pod('one', 'shop', false)], bookmarkIntervalMs: 50 }));
  after(() => fixture.stop());

  it('streams ADDED, MODIFIED and DELETED after the list to a makeInformer informer', async () => {
    const k8s = await loadClientNode();
    const config = new k8s.KubeConfig();
    config.loadFromFile(fixture.kubeconfig());
    const api = config.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(config, '/api/v1/namespaces/shop/pods', () => api.listNamespacedPod({ namespace: 'shop' }));
    const seen: string[] = [];
    informer.on('add', (o: KubernetesObject) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o: KubernetesObject) => seen.push(`update ${o.metadata?.name}`));
    informer.on('delete', (o: KubernetesObject) => seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
    try {
      await until('the list', () => seen.includes('add one'));
      fixture.double.create(pod('two', 'shop', true));
      fixture.double.create(pod('elsewhere', 'default', true));
      fixture.double.update('Pod', 'shop', 'one', (o) => { (o.metadata as KubeObject).labels = { app: 'one', tier: 'web' }; });
      fixture.double.remove('Pod', 'shop', 'two');
      await until('the watch events', () => seen.includes('delete two'));
      assert.deepEqual(seen, ['add one', 'add two', 'update one', 'delete two']);
      assert.equal(informer.list('shop').length, 1);
    } finally {
      await informer.stop();
    }
  });

  it('sends BOOKMARKs when asked, ends the watch after timeoutSeconds, and answers a too-old version with ERROR 410', async () => {
    const k8s = await loadClientNode();
    const config = new k8s.KubeConfig();
    config.loadFromFile(fixture.kubeconfig());
    const watch = new k8s.Watch(config);
    const from = fixture.double.currentResourceVersion;
    const events: Array<{ type: string; code?: number; rv?: string }> = [];
    let ended = false;
    await watch.watch('/api/v1/pods', { resourceVersion: from, allowWatchBookmarks: true, timeoutSeconds: 1 },
      (type: string, object: { code?: number; metadata?: { resourceVersion?: string } }) => events.push({ type, code: object.code, rv: object.metadata?.resourceVersion }),
      () => { ended = true; });
    fixture.double.create(pod('three', 'shop', false));
    await until('the end of the watch', () => ended, 3000);
    assert.equal(events[0]?.type, 'ADDED');
    assert.ok(events.some((e) => e.type === 'BOOKMARK' && e.rv === fixture.double.currentResourceVersion), 'bookmarks carry the current version');

    fixture.double.compactHistory();
    const expired: Array<{ type: string; code?: number }> = [];
    let done = false;
    await watch.watch('/api/v1/pods', { resourceVersion: from }, (type: string, object: { code?: number }) => expired.push({ type, code: object.code }), () => { done = true; });
    await until('the expired watch to end', () => done);
    assert.deepEqual(expired, [{ type: 'ERROR', code: 410 }]);
  });
});

describe('annexa watch: findings and posture follow the cluster', () => {
  const fixture = new Fixture();
  let watcher: Watcher;
  const flushes: FlushEvent[] = [];
  const restarts: string[] = [];
  before(async () => {
    await fixture.start({ objects: [...manifestsOf(estateDir), pod('clean', 'shop', false)], controllers: true, maxPage: 7 });
    const connection = await ClusterConnection.open({ kubeconfig: fixture.kubeconfig() });
    watcher = new Watcher({ connection, config: makeConfig(), registry: builtinChecks, flushDelayMs: 20, backoff: { initialMs: 20, maxMs: 100 } });
    watcher.on({ flush: (event) => { flushes.push(event); }, restart: (kind, reason) => { restarts.push(`${kind} ${reason}`); } });
    await watcher.start();
  });
  after(async () => {
    await watcher.stop();
    await fixture.stop();
  });

  const current = () => [...watcher.live.findings()];
  const on = (name: string) => current().filter((f) => f.resource.name === name);

  it('holds the same findings as annexa cluster reads from the same estate', async () => {
    const connection = await ClusterConnection.open({ kubeconfig: fixture.kubeconfig() });
    const keys: string[] = [];
    const sink = { resource: (s: { findings: Finding[] }) => { keys.push(...s.findings.map(identity)); }, inventoryFindings: (f: Finding[]) => { keys.push(...f.map(identity)); } };
    await runScan([], { config: makeConfig(), checks: builtinChecks, resources: new ClusterSource(connection).resources(), resourceHook: new OwnerRollUp(), workers: 0 }, sink);
    assert.ok(keys.length > 20);
    assert.deepEqual(current().map(identity).sort(), keys.sort());
  });

  it('watches every kind from the list\'s resourceVersion, with bookmarks and a server-side timeout', () => {
    const watches = fixture.double.requests.filter((r) => r.query.watch === 'true');
    const kinds = new Set(watches.map((r) => r.path));
    assert.ok(kinds.has('/api/v1/pods') && kinds.has('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings'));
    assert.ok(watches.every((r) => r.query.allowWatchBookmarks === 'true' && Number(r.query.timeoutSeconds) > 0));
    assert.ok(watches.every((r) => /^\d+$/.test(r.query.resourceVersion ?? '')), 'each watch resumes from a resourceVersion, not from the start');
  });

  it('create, update and delete change findings and posture within one second', async () => {
    const before = flushes.length;
    const started = Date.now();
    fixture.double.create(pod('rogue', 'shop', true));
    const flushed = () => flushes.slice(before).find((f) => f.changes.some((c) => c.resource.name === 'rogue'));
    await until('the flush with the privileged Pod finding', () => flushed() !== undefined && on('rogue').some((f) => f.checkId === 'workload.privileged-container'), 1000);
    assert.ok(Date.now() - started < 1000);
    const event = flushed()!;
    assert.ok(event.latencies.every((ms) => ms < 1000));
    assert.equal(event.changes.find((c) => c.resource.name === 'rogue')?.type, 'added');

    fixture.double.update('Pod', 'shop', 'rogue', (o) => { ((o.spec as KubeObject).containers as KubeObject[])[0]!.securityContext = { privileged: false }; });
    await until('the fixed Pod', () => !on('rogue').some((f) => f.checkId === 'workload.privileged-container'), 1000);
    fixture.double.remove('Pod', 'shop', 'rogue');
    await until('the deleted Pod', () => on('rogue').length === 0, 1000);
  });

  it('a 410 on the resumed watch leads to a relist with no lost or duplicated findings', async () => {
    await watcher.settled();
    fixture.double.failNextWatches(1000);
    fixture.double.closeWatches();
    await until('the watches to fail', () => restarts.some((r) => r.endsWith('error')) || watcher.kinds.some((k) => k.state === 'backing-off'));
    // While no watch runs: a new privileged Pod, a deleted Pod, then the history is compacted.
    fixture.double.create(pod('while-away', 'shop', true));
    fixture.double.remove('Pod', 'shop', 'clean');
    fixture.double.compactHistory();
    fixture.double.failNextWatches(-1000);
    await until('the relist', () => on('while-away').length > 0 && on('clean').length === 0, 3000);
    assert.ok(restarts.some((r) => r === 'Pod expired'), `the Pod watch expired and relisted: ${restarts.join(', ')}`);
    await watcher.settled();
    const ids = current().map(identity);
    assert.equal(new Set(ids).size, ids.length, 'no finding twice');
    const connection = await ClusterConnection.open({ kubeconfig: fixture.kubeconfig() });
    const keys: string[] = [];
    const sink = { resource: (s: { findings: Finding[] }) => { keys.push(...s.findings.map(identity)); }, inventoryFindings: (f: Finding[]) => { keys.push(...f.map(identity)); } };
    await runScan([], { config: makeConfig(), checks: builtinChecks, resources: new ClusterSource(connection).resources(), resourceHook: new OwnerRollUp(), workers: 0 }, sink);
    assert.deepEqual(ids.sort(), keys.sort());
    assert.ok(watcher.ready && watcher.healthy);
  });
});

describe('annexa watch: a change that breaks a control', () => {
  const fixture = new Fixture();
  let watcher: Watcher;
  const flushes: FlushEvent[] = [];
  before(async () => {
    await fixture.start({ objects: [...builtInObjects(['shop']), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }] });
    const connection = await ClusterConnection.open({ kubeconfig: fixture.kubeconfig() });
    watcher = new Watcher({ connection, config: makeConfig(), registry: builtinChecks, flushDelayMs: 20 });
    watcher.on({ flush: (event) => { flushes.push(event); } });
    await watcher.start();
  });
  after(async () => {
    await watcher.stop();
    await fixture.stop();
  });

  it('is a posture transition naming the object and the finding that caused it', async () => {
    const control = watcher.live.posture.find((c) => c.checks.includes('workload.host-network') && c.status !== 'fail');
    assert.ok(control, 'a control of the host-network check that does not fail yet');
    const before = flushes.length;
    fixture.double.create({ ...pod('host-net', 'shop', false), spec: { hostNetwork: true, containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] } });
    await until('the transition', () => flushes.slice(before).some((f) => f.transitions.some((t) => t.control === control.id)), 1000);
    const event = flushes.slice(before).find((f) => f.transitions.some((t) => t.control === control.id))!;
    const transition = event.transitions.find((t) => t.control === control.id)!;
    assert.equal(transition.from, control.status);
    assert.equal(transition.to, 'fail');
    assert.ok(transition.causes.some((f) => f.resource.name === 'host-net' && f.checkId === 'workload.host-network'), 'the cause names the Pod and the check');
    assert.ok(event.changes.some((c) => c.type === 'added' && c.resource.name === 'host-net'), 'the flush names the change');
  });
});
