/**
 * `annexa watch` end to end against the API double: health probes that follow the watch, the
 * metrics, an evidence record naming the change that broke a control, and PolicyReports kept in
 * place as findings change.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { builtInObjects, type KubeObject } from './support/kube-api-double.js';
import { Fixture } from './support/kube-fixtures.js';
import { startWatch, parseBindAddress, parseDuration, type WatchRun } from '../src/cli/watch.js';
import { EvidenceStore } from '../src/evidence/store.js';
import { UsageError } from '../src/cli/io.js';
import { silentLogger } from '../src/server/index.js';
import { TOOL } from './support/evidence.js';

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const hostNetworkPod: KubeObject = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'host-net', namespace: 'shop' },
  spec: { hostNetwork: true, containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
};

describe('annexa watch: flags', () => {
  it('reads bind addresses and durations as controller-runtime and Go do', () => {
    assert.deepEqual(parseBindAddress(':8080', 'x'), { host: '0.0.0.0', port: 8080 });
    assert.deepEqual(parseBindAddress('127.0.0.1:0', 'x'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseBindAddress('[::1]:9090', 'x'), { host: '::1', port: 9090 });
    assert.equal(parseBindAddress('0', 'x'), undefined);
    assert.throws(() => parseBindAddress('8080', '--metrics-bind-address'), UsageError);
    assert.equal(parseDuration('1h', 'x'), 3_600_000);
    assert.equal(parseDuration('2h30m', 'x'), 9_000_000);
    assert.equal(parseDuration('0', 'x'), 0);
    assert.throws(() => parseDuration('1 hour', '--interval'), /--interval must be a duration/);
  });
});

describe('annexa watch against the API double', () => {
  const fixture = new Fixture();
  let run: WatchRun;
  let storeFile: string;
  before(async () => {
    await fixture.start({ objects: [...builtInObjects(['shop']), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }] });
    storeFile = join(fixture.tmp.dir, 'evidence.db');
    run = await startWatch({
      kubeconfig: fixture.kubeconfig(), allNamespaces: true, pageSize: '500', requestTimeout: '10', store: storeFile, interval: '0',
      policyreports: true, policyreportApi: 'wgpolicyk8s', metricsBindAddress: '127.0.0.1:0', healthProbeBindAddress: '127.0.0.1:0', flushDelay: '20', quiet: true,
    }, silentLogger);
  });
  after(async () => {
    run.stop();
    assert.equal(await run.done, 0);
    await fixture.stop();
  });

  it('answers /healthz and /readyz once every kind is listed and watched', async () => {
    assert.equal((await fetch(`${run.healthUrl}/readyz`)).status, 200);
    assert.equal((await fetch(`${run.healthUrl}/healthz`)).status, 200);
  });

  it('exposes findings, control status, objects watched, latency, restarts and the last full evaluation on /metrics', async () => {
    fixture.double.create({ ...hostNetworkPod, metadata: { name: 'warm-up', namespace: 'default' } });
    await until('the warm-up change', () => [...run.watcher.live.findings()].some((f) => f.resource.name === 'warm-up'));
    await run.watcher.settled();
    fixture.double.closeWatches();
    await until('a watch restart', async () => /annexa_watch_restarts_total\{[^}]*reason="timeout"/.test(await (await fetch(`${run.metricsUrl}/metrics`)).text()));
    const text = await (await fetch(`${run.metricsUrl}/metrics`)).text();
    assert.match(text, /annexa_findings\{check="workload.host-network",severity="[a-z]+",component="watch"\} 1/);
    assert.match(text, /annexa_control_status\{control="A.8.22",theme="technological",status="[a-z-]+",component="watch"\} 1/);
    assert.match(text, /annexa_resources_watched\{kind="Pod",component="watch"\} 1/);
    assert.match(text, /annexa_evaluation_latency_seconds_count\{component="watch"\} [1-9]/);
    assert.match(text, /annexa_last_full_evaluation_timestamp_seconds\{component="watch"\} \d/);
    fixture.double.remove('Pod', 'default', 'warm-up');
    await until('the warm-up Pod gone', () => ![...run.watcher.live.findings()].some((f) => f.resource.name === 'warm-up'));
    await run.watcher.settled();
  });

  it('records a scan naming the change when a control starts to fail, and keeps the PolicyReport current', async () => {
    fixture.double.create(hostNetworkPod);
    const store = await EvidenceStore.open(storeFile, { tool: TOOL });
    try {
      type Trigger = { reason: string; transitions?: Array<{ control: string; to: string; causes: Array<{ checkId: string; resource: { name: string } }> }>; changes?: Array<{ type: string; resource: { name: string } }> };
      const triggers = async () => {
        const out: Trigger[] = [];
        for await (const envelope of store.envelopes({ type: 'scan' })) out.push((envelope.payload as { trigger: Trigger }).trigger);
        return out;
      };
      await until('the posture-change record', async () => (await triggers()).some((t) => t.reason === 'posture-change' && t.changes?.some((c) => c.resource.name === 'host-net')));
      const all = await triggers();
      assert.equal(all[0]?.reason, 'initial');
      const record = all.find((t) => t.reason === 'posture-change' && t.changes?.some((c) => c.resource.name === 'host-net'))!;
      const failing = record.transitions!.find((t) => t.to === 'fail' && t.causes.some((c) => c.checkId === 'workload.host-network' && c.resource.name === 'host-net'));
      assert.ok(failing, 'a transition to fail caused by the host-network finding on the Pod');
    } finally {
      await store.close();
    }
    type Report = { results: Array<{ policy: string; result: string; resources: Array<{ name: string }> }>; summary: { fail: number } };
    const report = () => fixture.double.get('PolicyReport', 'shop', 'annexa-shop') as unknown as Report | undefined;
    await until('the PolicyReport', () => report()?.results.some((r) => r.policy === 'workload.host-network' && r.resources[0]?.name === 'host-net') === true);
    const uid = (fixture.double.get('PolicyReport', 'shop', 'annexa-shop')!.metadata as { uid: string }).uid;
    fixture.double.update('Pod', 'shop', 'host-net', (o) => { (o.spec as KubeObject).hostNetwork = false; });
    await until('the updated PolicyReport', () => report() === undefined || !report()!.results.some((r) => r.policy === 'workload.host-network'));
    const after = fixture.double.get('PolicyReport', 'shop', 'annexa-shop');
    if (after) assert.equal((after.metadata as { uid: string }).uid, uid, 'updated in place');
    assert.ok(fixture.double.get('ClusterPolicyReport', undefined, 'annexa-cluster'), 'cluster-scoped findings go to the ClusterPolicyReport');
  });
});
