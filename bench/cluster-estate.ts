/**
 * The cluster benchmark's processes: `serve N` starts the API double (test/support/kube-api-double.ts)
 * with a generated estate of about N objects and prints its kubeconfig path; `list KUBECONFIG` reads
 * every kind the cluster source reads, page by page, through client-node, without evaluating (the
 * baseline); `scan KUBECONFIG` runs `annexa cluster -A -o json` to /dev/null. The two measured modes
 * print `{ ms, maxRssMiB, objects }` on stdout. Separate processes, so that each RSS is its own.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeApiDouble, nodeObject, type KubeObject } from '../test/support/kube-api-double.js';
import { makePki, tempDir, writeKubeconfig } from '../test/support/kube-fixtures.js';
import { ClusterConnection } from '../src/sources/cluster/connection.js';
import { discover, WANTED_KINDS } from '../src/sources/cluster/discovery.js';
import { listItems } from '../src/sources/cluster/list.js';
import { runClusterCommand } from '../src/cli/cluster.js';

/** Objects per namespace, with the Deployments' ReplicaSets and Pods made by the double. */
export const OBJECTS_PER_NAMESPACE = 80;

function namespaceObjects(ns: string, n: number): KubeObject[] {
  const objects: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: `t${n % 7}` } } }];
  for (let i = 0; i < 10; i++) {
    objects.push({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `app-${i}`, namespace: ns },
      spec: {
        replicas: 2, selector: { matchLabels: { app: `app-${i}` } },
        template: {
          metadata: { labels: { app: `app-${i}` } },
          spec: { containers: [{ name: 'main', image: `registry.example.com/app-${i}:1.${i}`, ports: [{ containerPort: 8080 }], resources: { limits: { cpu: '500m', memory: '256Mi' } }, securityContext: i % 3 === 0 ? { privileged: true } : { runAsNonRoot: true, allowPrivilegeEscalation: false } }] },
        },
      },
    });
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `app-${i}`, namespace: ns }, spec: { selector: { app: `app-${i}` }, ports: [{ port: 80, targetPort: 8080 }] } });
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cfg-${i}`, namespace: ns }, data: { 'app.properties': `mode=prod\nshard=${i}\n` } });
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `sa-${i}`, namespace: ns } });
  }
  for (let i = 0; i < 5; i++) objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `secret-${i}`, namespace: ns }, stringData: { password: `pw-${ns}-${i}` } });
  objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: ns }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
  objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'from-web', namespace: ns }, spec: { podSelector: { matchLabels: { app: 'app-0' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] } });
  objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: ns }, rules: [{ apiGroups: [''], resources: ['pods', 'configmaps'], verbs: ['get', 'list'] }] });
  objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'reader', namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'sa-0', namespace: ns }] });
  return objects;
}

async function serve(objects: number): Promise<void> {
  const namespaces = Math.max(1, Math.round(objects / OBJECTS_PER_NAMESPACE));
  const estate: KubeObject[] = [];
  for (let n = 0; n < namespaces; n++) estate.push(...namespaceObjects(`ns-${n}`, n));
  for (let n = 0; n < 20; n++) estate.push(nodeObject(`node-${n}`, 'v1.36.2'));
  const tmp = tempDir('annexa-bench-cluster-');
  const pki = makePki(tmp.dir);
  const double = new KubeApiDouble({ objects: estate, controllers: true, auth: { tokens: ['bench'] }, tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca }, gitVersion: 'v1.36.2' });
  const server = await double.start();
  const kubeconfig = writeKubeconfig(tmp.dir, server, { token: 'bench' }, { ca: pki.ca });
  const served = ['Namespace', 'Deployment', 'ReplicaSet', 'Pod', 'Service', 'ConfigMap', 'ServiceAccount', 'Secret', 'NetworkPolicy', 'Role', 'RoleBinding', 'Node'].reduce((n, kind) => n + double.list(kind).length, 0);
  writeFileSync(join(tmp.dir, 'served'), String(served));
  process.stdout.write(`${JSON.stringify({ kubeconfig, served, dir: tmp.dir })}\n`);
  const stop = () => void double.stop().then(() => {
    tmp.remove();
    process.exit(0);
  });
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

async function listOnly(kubeconfig: string): Promise<number> {
  const connection = await ClusterConnection.open({ kubeconfig });
  const discovery = await discover(connection, WANTED_KINDS);
  let objects = 0;
  for (const wanted of WANTED_KINDS) {
    const api = discovery.resources.get(wanted.kind);
    if (!api) continue;
    const items = listItems(connection, api, undefined);
    for (let next = await items.next(); !next.done; next = await items.next()) objects += 1;
  }
  return objects;
}

async function measured(mode: string, kubeconfig: string): Promise<void> {
  const started = performance.now();
  let objects = 0;
  if (mode === 'list') objects = await listOnly(kubeconfig);
  else await runClusterCommand({ kubeconfig, allNamespaces: true, output: 'json', outputFile: '/dev/null', failOn: 'never', quiet: true, pageSize: '500', requestTimeout: '120' });
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, objects })}\n`);
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'serve') await serve(Number(arg));
else if (mode === 'list' || mode === 'scan') await measured(mode, arg!);
