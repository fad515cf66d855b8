/**
 * The watch benchmark's processes. `serve N` starts the API double with a generated estate of about
 * N objects (Deployments with their ReplicaSets and Pods, Services, ServiceAccounts, Secrets,
 * NetworkPolicies, Roles and bindings per namespace), prints its kubeconfig, and on a stdin line
 * `churn RATE SECONDS` changes objects at RATE per second: a Pod's labels (50%), a Deployment's
 * template flipping `privileged` (30%), a bare Pod created or deleted (20%). `watch KUBECONFIG
 * SECONDS` runs the watcher: prints `ready` after the first full evaluation, then after SECONDS the
 * latency of every change (arrival to findings and posture current), RSS over time and CPU.
 * `scan KUBECONFIG` is the baseline: `annexa cluster -A` once over the same estate.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { KubeApiDouble, nodeObject, type KubeObject } from '../test/support/kube-api-double.js';
import { makePki, tempDir, writeKubeconfig } from '../test/support/kube-fixtures.js';
import { ClusterConnection } from '../src/sources/cluster/connection.js';
import { runClusterCommand } from '../src/cli/cluster.js';
import { builtinChecks } from '../src/checks/index.js';
import { makeConfig } from '../src/isms/config.js';
import { Watcher } from '../src/watch/watcher.js';

const PER_NAMESPACE_DEPLOYMENTS = 8;

function namespaceObjects(ns: string, n: number): KubeObject[] {
  const objects: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: `t${n % 7}` } } }];
  for (let i = 0; i < PER_NAMESPACE_DEPLOYMENTS; i++) {
    objects.push({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `app-${i}`, namespace: ns },
      spec: {
        replicas: 3, selector: { matchLabels: { app: `app-${i}` } },
        template: {
          metadata: { labels: { app: `app-${i}` } },
          spec: { serviceAccountName: `sa-${i}`, containers: [{ name: 'main', image: `registry.example.com/app-${i}:1.${i}`, ports: [{ containerPort: 8080 }], resources: { limits: { cpu: '500m', memory: '256Mi' } }, securityContext: i % 3 === 0 ? { privileged: true } : { runAsNonRoot: true, allowPrivilegeEscalation: false } }] },
        },
      },
    });
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `app-${i}`, namespace: ns }, spec: { selector: { app: `app-${i}` }, ports: [{ port: 80, targetPort: 8080 }] } });
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `sa-${i}`, namespace: ns } });
  }
  for (let i = 0; i < 4; i++) objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `secret-${i}`, namespace: ns }, stringData: { password: `pw-${ns}-${i}` } });
  objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: ns }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
  objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: ns }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] });
  objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'reader', namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'sa-0', namespace: ns }] });
  return objects;
}

/** Objects per namespace once the double's controllers made ReplicaSets and Pods. */
const PER_NAMESPACE = 1 + PER_NAMESPACE_DEPLOYMENTS * (3 + 1 + 3) + 4 + 3;

async function serve(objects: number): Promise<void> {
  const namespaces = Math.max(1, Math.round(objects / PER_NAMESPACE));
  const estate: KubeObject[] = [];
  for (let n = 0; n < namespaces; n++) estate.push(...namespaceObjects(`ns-${n}`, n));
  for (let n = 0; n < 20; n++) estate.push(nodeObject(`node-${n}`, 'v1.36.2'));
  const tmp = tempDir('annexa-bench-watch-');
  const pki = makePki(tmp.dir);
  const double = new KubeApiDouble({ objects: estate, controllers: true, auth: { tokens: ['bench'] }, tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca }, gitVersion: 'v1.36.2', watchHistory: 20_000, bookmarkIntervalMs: 10_000 });
  const server = await double.start();
  const kubeconfig = writeKubeconfig(tmp.dir, server, { token: 'bench' }, { ca: pki.ca });
  const served = ['Namespace', 'Deployment', 'ReplicaSet', 'Pod', 'Service', 'ServiceAccount', 'Secret', 'NetworkPolicy', 'Role', 'RoleBinding', 'Node'].reduce((n, kind) => n + double.list(kind).length, 0);
  writeFileSync(join(tmp.dir, 'served'), String(served));
  process.stdout.write(`${JSON.stringify({ kubeconfig, served })}\n`);
  const pods = double.list('Pod').map((p) => ({ namespace: String((p.metadata as KubeObject).namespace), name: String((p.metadata as KubeObject).name) }));
  let step = 0;
  const change = () => {
    step += 1;
    const n = step % namespaces;
    const roll = step % 10;
    if (roll < 5) {
      const pod = pods[step % pods.length]!;
      double.update('Pod', pod.namespace, pod.name, (o) => { ((o.metadata as KubeObject).labels as KubeObject).revision = String(step); });
    } else if (roll < 8) {
      double.update('Deployment', `ns-${n}`, `app-${step % PER_NAMESPACE_DEPLOYMENTS}`, (o) => {
        const container = (((o.spec as KubeObject).template as KubeObject).spec as { containers: KubeObject[] }).containers[0]!;
        container.securityContext = step % 2 === 0 ? { privileged: true } : { runAsNonRoot: true, allowPrivilegeEscalation: false };
      });
    } else {
      const name = `bare-${step % 50}`;
      if (double.get('Pod', `ns-${n % 5}`, name)) double.remove('Pod', `ns-${n % 5}`, name);
      else double.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: `ns-${n % 5}`, labels: { app: 'bare' } }, spec: { containers: [{ name: 'c', image: 'registry.example.com/bare:1' }] } });
    }
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [command, rate, seconds] = line.split(' ');
    if (command !== 'churn') return;
    const interval = 1000 / Number(rate);
    const end = Date.now() + Number(seconds) * 1000;
    let next = performance.now();
    const tick = () => {
      // Catch up when a tick is late, so the rate holds on a busy machine.
      while (performance.now() >= next && Date.now() < end) {
        change();
        next += interval;
      }
      if (Date.now() < end) setTimeout(tick, Math.max(0, next - performance.now()));
      else process.stdout.write(`${JSON.stringify({ churned: step })}\n`);
    };
    tick();
  });
  lines.on('close', () => void double.stop().then(() => {
    tmp.remove();
    process.exit(0);
  }));
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function watch(kubeconfig: string, seconds: number): Promise<void> {
  const connection = await ClusterConnection.open({ kubeconfig, timeoutMs: 300_000 });
  const watcher = new Watcher({ connection, config: makeConfig(), registry: builtinChecks });
  const latencies: number[] = [];
  let flushes = 0;
  let checksRun = 0;
  let flushMs = 0;
  watcher.on({
    flush: (event) => {
      if (event.full) return;
      flushes += 1;
      checksRun += event.inventoryChecksRun.length;
      flushMs += event.durationMs;
      latencies.push(...event.latencies);
    },
  });
  const started = performance.now();
  await watcher.start();
  const initialMs = performance.now() - started;
  global.gc?.();
  const heapStart = process.memoryUsage().heapUsed / 2 ** 20;
  const rss: number[] = [process.memoryUsage().rss / 2 ** 20];
  process.stdout.write(`${JSON.stringify({ ready: true, objects: watcher.live.size, initialMs })}\n`);
  const cpuBefore = process.cpuUsage();
  const sampler = setInterval(() => rss.push(process.memoryUsage().rss / 2 ** 20), 1000);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await watcher.settled();
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpuBefore);
  global.gc?.();
  const heapEnd = process.memoryUsage().heapUsed / 2 ** 20;
  await watcher.stop();
  latencies.sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({
    objects: watcher.live.size, initialMs, changes: latencies.length, flushes, checksPerFlush: checksRun / Math.max(1, flushes), flushMs: flushMs / Math.max(1, flushes),
    p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies[latencies.length - 1] ?? NaN,
    rss, heapStart, heapEnd, cpuPercent: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
  })}\n`);
}

async function scan(kubeconfig: string): Promise<void> {
  const started = performance.now();
  await runClusterCommand({ kubeconfig, allNamespaces: true, output: 'json', outputFile: '/dev/null', failOn: 'never', quiet: true, pageSize: '500', requestTimeout: '300' });
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

const [mode, arg, extra] = process.argv.slice(2);
if (mode === 'serve') await serve(Number(arg));
else if (mode === 'watch') await watch(arg!, Number(extra));
else if (mode === 'scan') await scan(arg!);
