/**
 * A deterministic corpus of Kubernetes manifests for benchmarks and tests: workloads, services,
 * RBAC, NetworkPolicies, Ingresses, ConfigMaps and Namespaces, with good and bad settings mixed,
 * several documents per file, spread over team/namespace directories. The same (resources, seed)
 * always writes byte-identical files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { pick, seededRandom } from './random.js';

export interface CorpusStats {
  files: number;
  resources: number;
  bytes: number;
}

/** Bumped whenever the generated output changes, so cached corpora are rebuilt. */
export const CORPUS_VERSION = 1;

type Obj = Record<string, unknown>;

/** Plain YAML: no anchors/aliases for shared objects, no line folding. */
const STRINGIFY = { aliasDuplicateObjects: false, lineWidth: 0 } as const;

class Gen {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return pick(this.next, items);
  }
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
}

const TEAMS = ['payments', 'identity', 'search', 'platform', 'data', 'web', 'mobile', 'ml'];
const APPS = ['api', 'worker', 'frontend', 'gateway', 'scheduler', 'indexer', 'cache', 'auth', 'billing', 'reports', 'ingest', 'notifier'];
const REGISTRIES = ['registry.example.com/', 'ghcr.io/acme/', 'docker.io/library/', '', 'quay.io/org/', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/'];
const IMAGES = ['nginx', 'redis', 'postgres', 'python', 'node', 'golang', 'busybox', 'envoy', 'app', 'java'];

function image(g: Gen): string {
  const base = `${g.pick(REGISTRIES)}${g.pick(IMAGES)}`;
  const r = g.float();
  if (r < 0.12) return base; // no tag
  if (r < 0.25) return `${base}:latest`;
  if (r < 0.45) return `${base}@sha256:${g.hex(64)}`;
  return `${base}:${g.int(1, 9)}.${g.int(0, 30)}.${g.int(0, 12)}`;
}

function labels(app: string, team: string, g: Gen): Obj {
  const l: Obj = { app, 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': team };
  if (g.chance(0.5)) l.tier = g.pick(['frontend', 'backend', 'data']);
  return l;
}

function container(g: Gen, name: string, profile: 'hardened' | 'mixed' | 'bad'): Obj {
  const c: Obj = { name, image: image(g) };
  if (g.chance(0.3)) c.imagePullPolicy = g.pick(['Always', 'IfNotPresent']);
  if (g.chance(0.7)) c.ports = [{ containerPort: g.pick([80, 443, 8080, 8443, 9090, 5432, 6379]), name: 'http', protocol: 'TCP' }];
  if (g.chance(0.6)) {
    c.env = Array.from({ length: g.int(1, 6) }, (_, i) => {
      if (g.chance(0.15)) return { name: `DB_PASSWORD_${i}`, value: `hunter${g.int(1, 99)}` };
      if (g.chance(0.3)) return { name: `SECRET_REF_${i}`, valueFrom: { secretKeyRef: { name: `${name}-secret`, key: 'token' } } };
      return { name: `SETTING_${i}`, value: `value-${g.hex(6)}` };
    });
  }
  if (profile === 'hardened' || (profile === 'mixed' && g.chance(0.5))) {
    c.resources = { requests: { cpu: `${g.int(50, 500)}m`, memory: `${g.int(64, 512)}Mi` }, limits: { cpu: `${g.int(500, 2000)}m`, memory: `${g.int(256, 2048)}Mi` } };
  } else if (g.chance(0.3)) {
    c.resources = { requests: { cpu: '100m' } };
  }
  if (profile === 'hardened') {
    c.securityContext = {
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: g.int(1000, 65000),
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    };
  } else if (profile === 'bad') {
    const sc: Obj = {};
    if (g.chance(0.5)) sc.privileged = true;
    if (g.chance(0.5)) sc.runAsUser = 0;
    if (g.chance(0.4)) sc.allowPrivilegeEscalation = true;
    if (g.chance(0.4)) sc.capabilities = { add: [g.pick(['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW', 'SYS_PTRACE'])] };
    if (g.chance(0.2)) sc.procMount = 'Unmasked';
    c.securityContext = sc;
  } else if (g.chance(0.5)) {
    c.securityContext = { runAsNonRoot: g.chance(0.7), allowPrivilegeEscalation: g.chance(0.3) };
  }
  if (g.chance(0.5)) {
    c.livenessProbe = { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 10, periodSeconds: 10 };
    c.readinessProbe = { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 };
  }
  if (g.chance(0.4)) c.volumeMounts = [{ name: 'data', mountPath: '/data' }];
  return c;
}

function podSpec(g: Gen, app: string): Obj {
  const r = g.float();
  const profile = r < 0.35 ? 'hardened' : r < 0.75 ? 'mixed' : 'bad';
  const spec: Obj = {};
  if (g.chance(0.6)) spec.serviceAccountName = `${app}-sa`;
  if (g.chance(0.3)) spec.automountServiceAccountToken = false;
  if (profile === 'bad') {
    if (g.chance(0.3)) spec.hostNetwork = true;
    if (g.chance(0.2)) spec.hostPID = true;
    if (g.chance(0.15)) spec.hostIPC = true;
  }
  if (profile === 'hardened') spec.securityContext = { runAsNonRoot: true, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } };
  else if (g.chance(0.3)) spec.securityContext = { runAsUser: g.pick([0, 1000]) };
  if (g.chance(0.2)) spec.initContainers = [container(g, 'init', profile)];
  spec.containers = Array.from({ length: g.int(1, 3) }, (_, i) => container(g, i === 0 ? app : `sidecar-${i}`, profile));
  if (g.chance(0.4)) {
    const volumes: Obj[] = [{ name: 'data', emptyDir: {} }];
    if (profile === 'bad' && g.chance(0.6)) volumes.push({ name: 'host', hostPath: { path: g.pick(['/var/run/docker.sock', '/', '/etc', '/var/log']) } });
    if (g.chance(0.3)) volumes.push({ name: 'config', configMap: { name: `${app}-config` } });
    spec.volumes = volumes;
  }
  if (g.chance(0.2)) spec.nodeSelector = { 'kubernetes.io/os': 'linux' };
  if (g.chance(0.15)) spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }];
  return spec;
}

function meta(name: string, namespace: string, extra: Obj = {}): Obj {
  return { name, namespace, ...extra };
}

function podTemplate(g: Gen, app: string, team: string): Obj {
  const template: Obj = { metadata: { labels: labels(app, team, g) }, spec: podSpec(g, app) };
  if (g.chance(0.2)) (template.metadata as Obj).annotations = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' };
  return template;
}

type Maker = (g: Gen, ns: string, team: string, i: number) => Obj;

const workload = (kind: string): Maker => (g, ns, team, i) => {
  const app = `${g.pick(APPS)}-${i}`;
  const l = labels(app, team, g);
  const template = podTemplate(g, app, team);
  (template.metadata as Obj).labels = l;
  const spec: Obj = { selector: { matchLabels: { app } }, template };
  if (kind !== 'DaemonSet') spec.replicas = g.int(1, 6);
  if (kind === 'StatefulSet') {
    spec.serviceName = app;
    spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }];
  }
  if (kind === 'Deployment' && g.chance(0.5)) spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
  return { apiVersion: 'apps/v1', kind, metadata: meta(app, ns, { labels: l }), spec };
};

const makers: Array<[number, Maker]> = [
  [22, workload('Deployment')],
  [4, workload('StatefulSet')],
  [3, workload('DaemonSet')],
  [4, (g, ns, team, i) => {
    const app = `cron-${g.pick(APPS)}-${i}`;
    return {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta(app, ns),
      spec: { schedule: `${g.int(0, 59)} ${g.int(0, 23)} * * *`, concurrencyPolicy: 'Forbid', jobTemplate: { spec: { backoffLimit: 2, template: podTemplate(g, app, team) } } },
    };
  }],
  [5, (g, ns, team, i) => {
    const app = `pod-${g.pick(APPS)}-${i}`;
    return { apiVersion: 'v1', kind: 'Pod', metadata: meta(app, ns, { labels: labels(app, team, g) }), spec: podSpec(g, app) };
  }],
  [14, (g, ns, _team, i) => {
    const app = `${g.pick(APPS)}-${i}`;
    const type = g.pick(['ClusterIP', 'ClusterIP', 'ClusterIP', 'LoadBalancer', 'NodePort']);
    const port: Obj = { name: 'http', port: g.pick([80, 443, 8080]), targetPort: 8080, protocol: 'TCP' };
    if (type === 'NodePort') port.nodePort = g.int(30000, 32767);
    const spec: Obj = { type, selector: { app }, ports: [port] };
    if (type === 'LoadBalancer' && g.chance(0.5)) spec.loadBalancerSourceRanges = ['10.0.0.0/8'];
    return { apiVersion: 'v1', kind: 'Service', metadata: meta(app, ns), spec };
  }],
  [8, (g, ns, _team, i) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(`${g.pick(APPS)}-${i}-sa`, ns), ...(g.chance(0.4) ? { automountServiceAccountToken: false } : {}) })],
  [6, (g, ns, _team, i) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(`role-${i}`, ns), rules: rules(g) })],
  [6, (g, ns, _team, i) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(`binding-${i}`, ns),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: g.chance(0.3) ? 'ClusterRole' : 'Role', name: g.chance(0.2) ? 'admin' : `role-${g.int(0, i + 5)}` },
    subjects: subjects(g, ns),
  })],
  [2, (g, _ns, _team, i) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `cluster-role-${i}` }, rules: rules(g) })],
  [2, (g, ns, _team, i) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `cluster-binding-${i}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: g.chance(0.15) ? 'cluster-admin' : `cluster-role-${g.int(0, i + 5)}` },
    subjects: subjects(g, ns),
  })],
  [6, (g, ns, _team, i) => {
    const r = g.float();
    const spec: Obj = r < 0.3
      ? { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } // default deny
      : {
          podSelector: { matchLabels: { app: `${g.pick(APPS)}-${g.int(0, i + 5)}` } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [g.chance(0.2) ? { ipBlock: { cidr: '0.0.0.0/0' } } : { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
        };
    return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(`netpol-${i}`, ns), spec };
  }],
  [4, (g, ns, _team, i) => {
    const host = `${g.pick(APPS)}-${i}.example.com`;
    const spec: Obj = { ingressClassName: 'nginx', rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: `${g.pick(APPS)}-${i}`, port: { number: 80 } } } }] } }] };
    if (g.chance(0.6)) spec.tls = [{ hosts: [host], secretName: `${host}-tls` }];
    return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta(`ingress-${i}`, ns), spec };
  }],
  [10, (g, ns, _team, i) => {
    const data: Obj = {};
    for (let k = 0; k < g.int(2, 12); k++) data[`key_${k}`] = g.chance(0.2) ? `line one\nline two ${g.hex(20)}\nline three\n` : `value-${g.hex(g.int(4, 40))}`;
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`config-${i}`, ns), data };
  }],
  [1, (g, _ns, _team, i) => ({ apiVersion: 'v1', kind: 'Secret', metadata: meta(`secret-${i}`, _ns), type: 'Opaque', data: { token: Buffer.from(g.hex(24)).toString('base64') } })],
];
const TOTAL_WEIGHT = makers.reduce((sum, [w]) => sum + w, 0);

function rules(g: Gen): Obj[] {
  return Array.from({ length: g.int(1, 4) }, () => {
    const r = g.float();
    if (r < 0.08) return { apiGroups: ['*'], resources: ['*'], verbs: ['*'] };
    if (r < 0.2) return { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] };
    if (r < 0.27) return { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] };
    return { apiGroups: [g.pick(['', 'apps', 'batch'])], resources: [g.pick(['pods', 'deployments', 'services', 'configmaps', 'jobs'])], verbs: g.chance(0.5) ? ['get', 'list', 'watch'] : ['get', 'list', 'create', 'update', 'delete'] };
  });
}

function subjects(g: Gen, ns: string): Obj[] {
  const r = g.float();
  if (r < 0.05) return [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }];
  if (r < 0.3) return [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: `user${g.int(1, 50)}@example.com` }];
  return [{ kind: 'ServiceAccount', name: `${g.pick(APPS)}-${g.int(0, 50)}-sa`, namespace: ns }];
}

function pickMaker(g: Gen): Maker {
  let r = g.float() * TOTAL_WEIGHT;
  for (const [weight, maker] of makers) {
    r -= weight;
    if (r < 0) return maker;
  }
  return makers[0]![1];
}

function namespaceObject(g: Gen, ns: string, team: string): Obj {
  const labels: Obj = { team, 'kubernetes.io/metadata.name': ns };
  const level = g.float();
  if (level < 0.4) labels['pod-security.kubernetes.io/enforce'] = g.pick(['restricted', 'baseline']);
  else if (level < 0.5) labels['pod-security.kubernetes.io/enforce'] = 'privileged';
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } };
}

/**
 * Writes about `resources` resources (exactly that many) as YAML files under `dir`
 * (`<team>/<namespace>/<app>-NNNN.yaml`, 1–8 documents per file; some `kind: List` files).
 */
export function generateCorpus(dir: string, resources: number, seed = 1): CorpusStats {
  const g = new Gen(seed);
  const namespaceCount = Math.max(2, Math.min(400, Math.round(resources / 250)));
  const namespaces = Array.from({ length: namespaceCount }, (_, i) => ({ team: TEAMS[i % TEAMS.length]!, ns: `${TEAMS[i % TEAMS.length]}-${String(i).padStart(3, '0')}` }));
  const stats: CorpusStats = { files: 0, resources: 0, bytes: 0 };
  const made = new Set<string>();
  const write = (rel: string[], text: string) => {
    const folder = join(dir, ...rel.slice(0, -1));
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(join(folder, rel.at(-1)!), text);
    stats.files += 1;
    stats.bytes += Buffer.byteLength(text);
  };

  // Namespace objects first (one file per team).
  const byTeam = new Map<string, Obj[]>();
  for (const { team, ns } of namespaces) {
    if (stats.resources >= resources) break;
    const list = byTeam.get(team) ?? [];
    list.push(namespaceObject(g, ns, team));
    byTeam.set(team, list);
    stats.resources += 1;
  }
  for (const [team, list] of byTeam) write([team, '_namespaces.yaml'], list.map((d) => stringify(d, STRINGIFY)).join('---\n'));

  let index = 0;
  while (stats.resources < resources) {
    const { team, ns } = g.pick(namespaces);
    const count = Math.min(resources - stats.resources, g.int(1, 8));
    const docs = Array.from({ length: count }, () => pickMaker(g)(g, ns, team, index++));
    stats.resources += count;
    const name = `${g.pick(APPS)}-${String(stats.files).padStart(6, '0')}.yaml`;
    let text: string;
    if (count > 1 && g.chance(0.04)) {
      text = stringify({ apiVersion: 'v1', kind: 'List', items: docs }, STRINGIFY);
    } else {
      text = docs.map((d, i) => (i === 0 && g.chance(0.3) ? `# ${d.kind} managed by ${team}\n` : '') + stringify(d, STRINGIFY)).join('---\n');
    }
    write([team, ns, name], text);
  }
  return stats;
}

// `node dist/bench/corpus.js DIR RESOURCES [SEED]` writes a corpus from the command line.
if (process.argv[1] && /corpus\.[jt]s$/.test(process.argv[1])) {
  const [dir, count, seed] = process.argv.slice(2);
  if (!dir || !count) {
    console.error('usage: corpus DIR RESOURCES [SEED]');
    process.exit(2);
  }
  console.log(JSON.stringify(generateCorpus(dir, Number(count), seed ? Number(seed) : 1)));
}
