/**
 * `annexa cluster` through the real @kubernetes/client-node against a DOUBLE of the Kubernetes API
 * server (test/support/kube-api-double.ts; there is no API server on these machines): discovery,
 * paged lists with short pages and expiring continue tokens, items without kind, 401/403/404 Status
 * bodies, server-populated fields and defaults, Deployments' ReplicaSets and Pods.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeObject, type KubeApiDouble, type KubeObject } from './support/kube-api-double.js';
import { Fixture, makePki, manifestsOf, tempDir, TOKEN, type KubeUser } from './support/kube-fixtures.js';
import { binPath, projectRoot } from './support/paths.js';
import { runClusterCommand, type ClusterFlags } from '../src/cli/cluster.js';
import { UsageError } from '../src/cli/io.js';
import { ClusterConnection } from '../src/sources/cluster/connection.js';
import { ClusterSource } from '../src/sources/cluster/source.js';
import { scanInProcess } from './support/scan-output.js';

const estateDir = join(projectRoot, 'examples', 'estate');

interface Finding { checkId: string; path: string; resource: { kind: string; namespace?: string; name: string }; location?: { file?: string } }
interface Gap { kind: string; message: string; checks: string[] }
interface Report {
  findings: Finding[];
  summary: { resources: number; findings: number };
  errors: unknown[];
  coverage: { read: Array<{ kind: string; items: number; inconsistent?: boolean }>; forbidden: Gap[]; unavailable: Gap[]; failed: Gap[]; checksNotEvaluated: string[]; checksPartiallyEvaluated: string[] };
}

async function clusterRun(kubeconfig: string, flags: Partial<ClusterFlags> = {}): Promise<{ code: number; text: string }> {
  const tmp = tempDir();
  try {
    const outputFile = join(tmp.dir, 'out');
    const code = await runClusterCommand({ kubeconfig, output: 'json', outputFile, failOn: 'never', quiet: true, pageSize: '500', requestTimeout: '10', allNamespaces: true, ...flags });
    return { code, text: readFileSync(outputFile, 'utf8') };
  } finally {
    tmp.remove();
  }
}

async function clusterJson(kubeconfig: string, flags: Partial<ClusterFlags> = {}): Promise<{ code: number; report: Report; text: string }> {
  const { code, text } = await clusterRun(kubeconfig, flags);
  return { code, report: JSON.parse(text) as Report, text };
}

const keyOf = (f: Finding) => `${f.checkId} ${f.resource.kind}/${f.resource.namespace ?? ''}/${f.resource.name}`;

describe('annexa cluster: the same findings as annexa scan of the same manifests', () => {
  const fixture = new Fixture();
  before(() => fixture.start({ objects: manifestsOf(estateDir), controllers: true, maxPage: 2 }));
  after(() => fixture.stop());

  it('reports each finding once, at the top-level owner, and equal to the file scan', async () => {
    const live = await clusterJson(fixture.kubeconfig());
    const files = JSON.parse((await scanInProcess([estateDir], { output: 'json', failOn: 'never' })).text) as Report;
    assert.ok(files.findings.length > 20, 'the estate has findings to compare');
    // The cluster-only checks (API server version, admission controls) have no counterpart in files.
    const liveFindings = live.report.findings.filter((f) => f.resource.kind !== 'ClusterInfo' && f.resource.kind !== 'Node');
    // Same check on the same resource; the path may be deeper on the live object when the API server
    // created the parent (e.g. it labels every Namespace, so "labels missing" points into metadata.labels).
    const unmatched = (a: Finding[], b: Finding[]) =>
      a.filter((x) => !b.some((y) => keyOf(x) === keyOf(y) && (x.path === y.path || x.path.startsWith(`${y.path}.`) || y.path.startsWith(`${x.path}.`))));
    // A Secret committed with literal data is a repository finding: the same Secret read from the
    // cluster is where it belongs (its data arrives redacted), so only the file scan reports it.
    const repositoryOnly = (f: Finding) => f.checkId !== 'secrets.literal-secret';
    const fileFindings = files.findings.filter(repositoryOnly);
    assert.ok(files.findings.some((f) => !repositoryOnly(f)), 'the file scan reports the committed Secret');
    assert.deepEqual(liveFindings.filter((f) => !repositoryOnly(f)), [], 'the live Secret is not reported as committed');
    assert.deepEqual(unmatched(fileFindings, liveFindings).map(keyOf), []);
    assert.deepEqual(unmatched(liveFindings, fileFindings).map(keyOf), []);
    assert.equal(liveFindings.length, fileFindings.length);
    assert.deepEqual(live.report.findings.filter((f) => f.resource.kind === 'Pod' || f.resource.kind === 'ReplicaSet'), [], 'owned Pods and ReplicaSets repeat nothing');
    assert.ok(live.report.coverage.read.some((k) => k.kind === 'Pod' && k.items > 0), 'the Pods were read');
  });

  it('gives provenance cluster/CONTEXT/NAMESPACE/NAME@RESOURCEVERSION instead of file positions', async () => {
    const { report } = await clusterJson(fixture.kubeconfig());
    const storefront = report.findings.find((f) => f.resource.kind === 'Deployment' && f.resource.name === 'storefront');
    assert.ok(storefront);
    const rv = (fixture.double.get('Deployment', 'shop', 'storefront')!.metadata as { resourceVersion: string }).resourceVersion;
    assert.equal(storefront.location?.file, `cluster/test/shop/storefront@${rv}`);
    const clusterScoped = report.findings.find((f) => f.resource.kind === 'ClusterRoleBinding');
    assert.match(clusterScoped?.location?.file ?? '', /^cluster\/test\/[^/]+@\d+$/);
  });

  it('lists in pages of 500 and follows continue tokens through short pages; items get their kind back', async () => {
    const before = fixture.double.requests.length;
    const { report } = await clusterJson(fixture.kubeconfig());
    const lists = fixture.double.requests.slice(before).filter((r) => r.query.limit !== undefined);
    assert.ok(lists.every((r) => r.query.limit === '500'));
    const podPages = lists.filter((r) => r.path === '/api/v1/pods');
    assert.ok(podPages.length >= 2, 'the pods list came in several (short) pages');
    assert.equal(podPages.reduce((n, r) => n + r.items, 0), report.coverage.read.find((k) => k.kind === 'Pod')?.items);
    assert.ok(podPages.slice(1).every((r) => typeof r.query.continue === 'string' && r.query.continue.length > 0));
    assert.ok(report.findings.every((f) => typeof f.resource.kind === 'string' && f.resource.kind !== ''));
  });

  it('never prints a Secret value', async () => {
    const { text } = await clusterJson(fixture.kubeconfig());
    assert.doesNotMatch(text, /do-not-print-me/);
    assert.doesNotMatch(text, new RegExp(Buffer.from('do-not-print-me').toString('base64')));
  });
});

describe('annexa cluster: an owned Pod that differs from its template', () => {
  const fixture = new Fixture();
  before(() => fixture.start({ objects: manifestsOf(estateDir), controllers: true }));
  after(() => fixture.stop());

  it('keeps the Pod-only finding on the Pod and drops the ones its Deployment has', async () => {
    const owned = findOwnedPod(fixture.double, 'shop');
    // A sidecar injected at admission: findings only the Pod has.
    fixture.double.update('Pod', 'shop', owned, (object) => {
      const spec = object.spec as { containers: KubeObject[] };
      spec.containers.push({ name: 'injected', image: 'proxy:1.0', securityContext: { privileged: true } });
    });
    const { report } = await clusterJson(fixture.kubeconfig());
    const onPod = report.findings.filter((f) => f.resource.kind === 'Pod' && f.resource.name === owned);
    assert.ok(onPod.length > 0);
    assert.ok(onPod.every((f) => /spec\.containers\[\d+\]/.test(f.path) || f.path.startsWith('spec')), 'only what the Pod adds');
    assert.ok(onPod.some((f) => f.checkId === 'workload.privileged-container'));
    const idx = (fixture.double.get('Pod', 'shop', owned)!.spec as { containers: unknown[] }).containers.length - 1;
    assert.ok(onPod.every((f) => f.path.includes(`containers[${idx}]`)), `every Pod finding is about the injected container: ${onPod.map((f) => f.path).join(', ')}`);
  });
});

function findOwnedPod(double: KubeApiDouble, namespace: string): string {
  const uidOf = (o: KubeObject) => (o.metadata as { uid: string }).uid;
  const ownerUid = (o: KubeObject) => (o.metadata as { ownerReferences?: Array<{ uid: string }> }).ownerReferences?.[0]?.uid;
  const deployment = double.get('Deployment', namespace, 'storefront')!;
  const replicaSet = double.list('ReplicaSet').find((rs) => ownerUid(rs) === uidOf(deployment))!;
  const pod = double.list('Pod').find((p) => ownerUid(p) === uidOf(replicaSet))!;
  return (pod.metadata as { name: string }).name;
}

describe('annexa cluster: coverage and exit codes', () => {
  it('reports 403s as coverage gaps with the checks they leave unevaluated, and still exits by findings', async () => {
    const fixture = await new Fixture().start({ objects: manifestsOf(estateDir), forbidden: ['/secrets', 'networking.k8s.io/networkpolicies'], unserved: ['podtemplates'] });
    try {
      const { code, report } = await clusterJson(fixture.kubeconfig(), { failOn: 'high' });
      assert.equal(code, 1, 'findings at or above high; the gaps are not input errors');
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.coverage.forbidden.map((g) => g.kind).sort(), ['NetworkPolicy', 'Secret']);
      assert.match(report.coverage.forbidden.find((g) => g.kind === 'Secret')!.message, /forbidden/);
      const netpol = report.coverage.forbidden.find((g) => g.kind === 'NetworkPolicy')!;
      assert.ok(netpol.checks.includes('network.policy-allows-all') && netpol.checks.includes('network.default-deny-ingress'));
      assert.ok(report.coverage.checksNotEvaluated.includes('network.policy-allows-all'), 'its only input kind was unreadable');
      assert.ok(report.coverage.checksPartiallyEvaluated.includes('network.default-deny-ingress'));
      assert.ok(report.coverage.unavailable.some((g) => g.kind === 'PodTemplate' && g.checks.length === 0), 'a kind the server does not serve has nothing to miss');
      assert.ok(report.coverage.unavailable.some((g) => g.kind === 'ClusterPolicy'), 'Kyverno is not installed');
      assert.ok(!report.findings.some((f) => f.resource.kind === 'NetworkPolicy'));
    } finally {
      await fixture.stop();
    }
  });

  it('exits 2 when nothing could be read (wrong token: 401 everywhere)', async () => {
    const fixture = await new Fixture().start({ objects: manifestsOf(estateDir) });
    try {
      const { code, report } = await clusterJson(fixture.kubeconfig({ token: 'wrong' }));
      assert.equal(code, 2);
      assert.equal(report.coverage.read.length, 0);
      assert.ok(report.coverage.failed.length > 0 && report.coverage.failed.every((g) => /401/.test(g.message)));
    } finally {
      await fixture.stop();
    }
  });

  it('continues a list whose continue token expired (410) from the token the Status offers, and says the list is inconsistent', async () => {
    const fixture = await new Fixture().start({ objects: manifestsOf(estateDir), controllers: true, maxPage: 2, expireFirstContinue: ['pods'] });
    try {
      const { report } = await clusterJson(fixture.kubeconfig());
      assert.ok(fixture.double.requests.some((r) => r.path === '/api/v1/pods' && r.status === 410));
      const pods = report.coverage.read.find((k) => k.kind === 'Pod');
      assert.equal(pods?.inconsistent, true);
      assert.equal(pods?.items, 5);
    } finally {
      await fixture.stop();
    }
  });

  it('-n lists the namespaced kinds of one namespace only; without -n or -A, the context namespace', async () => {
    const fixture = await new Fixture().start({ objects: manifestsOf(estateDir) });
    try {
      const before = fixture.double.requests.length;
      const { report } = await clusterJson(fixture.kubeconfig(), { allNamespaces: false, namespace: 'shop' });
      const namespaced = report.findings.filter((f) => f.resource.namespace !== undefined);
      assert.ok(namespaced.length > 0 && namespaced.every((f) => f.resource.namespace === 'shop'));
      assert.ok(fixture.double.requests.slice(before).some((r) => r.path === '/apis/apps/v1/namespaces/shop/deployments'));
      const contextDefault = await clusterJson(fixture.kubeconfig({ token: TOKEN }, 'kc-payments', 'payments'), { allNamespaces: false });
      assert.ok(contextDefault.report.findings.filter((f) => f.resource.namespace !== undefined).every((f) => f.resource.namespace === 'payments'));
      await assert.rejects(clusterJson(fixture.kubeconfig(), { allNamespaces: true, namespace: 'shop' }), UsageError);
    } finally {
      await fixture.stop();
    }
  });
});

describe('annexa cluster: credentials as kubectl supports them', () => {
  const fixture = new Fixture();
  before(() => fixture.start({ objects: manifestsOf(estateDir) }));
  after(() => fixture.stop());

  for (const [method, user] of [
    ['bearer token', { token: TOKEN }],
    ['client certificate', 'cert'],
    ['exec credential plugin', { execToken: TOKEN }],
  ] as const) {
    it(`reads the cluster with a ${method}`, async () => {
      const kubeUser: KubeUser = user === 'cert' ? { clientCert: fixture.pki.clientCert, clientKey: fixture.pki.clientKey } : user;
      const { code, report } = await clusterJson(fixture.kubeconfig(kubeUser, `kc-${method.replace(/ /g, '-')}`));
      assert.equal(code, 0);
      assert.ok(report.coverage.read.length > 10);
      assert.ok(report.summary.resources > 10);
    });
  }

  it('a certificate from another CA is refused (401): nothing read, exit 2', async () => {
    const other = tempDir();
    try {
      const foreign = makePki(other.dir);
      const { code } = await clusterJson(fixture.kubeconfig({ clientCert: foreign.clientCert, clientKey: foreign.clientKey }, 'kc-foreign'));
      assert.equal(code, 2);
    } finally {
      other.remove();
    }
  });

  it('a missing context is a usage error naming the contexts there are', async () => {
    await assert.rejects(clusterJson(fixture.kubeconfig(), { context: 'prod' }), /no context "prod" \(contexts: test\)/);
  });

  it('works from the bundled CLI (bin/annexa.js), which loads client-node on demand', async () => {
    const kubeconfig = fixture.kubeconfig();
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [binPath, 'cluster', '--kubeconfig', kubeconfig, '-A', '-o', 'json', '--fail-on', 'never'], { cwd: projectRoot, env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Report;
    assert.ok(report.findings.length > 0 && report.coverage.read.length > 10);
  });
});

describe('annexa cluster: table output', () => {
  it('ends with the coverage, naming denied kinds', async () => {
    const fixture = await new Fixture().start({ objects: [...manifestsOf(estateDir), nodeObject('node-1', 'v1.31.4')], forbidden: ['/secrets'] });
    try {
      const { text } = await clusterRun(fixture.kubeconfig(), { output: 'table' });
      assert.match(text, /Cluster coverage \(context test, all namespaces\)/);
      assert.match(text, /forbidden: Secret \(secrets is forbidden/);
    } finally {
      await fixture.stop();
    }
  });
});

describe('annexa cluster: what only a live cluster shows', () => {
  const apiServerPod: KubeObject = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'kube-apiserver-cp-1', namespace: 'kube-system', labels: { component: 'kube-apiserver', tier: 'control-plane' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'cp-1', uid: 'node-uid', controller: true }] },
    spec: { hostNetwork: true, containers: [{ name: 'kube-apiserver', image: 'registry.k8s.io/kube-apiserver:v1.36.2', command: ['kube-apiserver', '--authorization-mode=Node,RBAC', '--audit-log-path=/var/log/audit.log'] }] },
  };
  const policy: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'from-corp', namespace: 'shop' }, spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] } };

  it('node versions, admission controls, kube-apiserver flags and ipBlocks matching pod and node addresses', async () => {
    const fixture = await new Fixture().start({
      objects: [...manifestsOf(estateDir), nodeObject('cp-1', 'v1.36.2', 'containerd://2.0.4', 'Ubuntu 24.04.1 LTS', '10.0.0.12'), nodeObject('old-1', 'v1.33.5', 'docker://24.0.7'), apiServerPod, policy],
      controllers: true,
      gitVersion: 'v1.36.2',
    });
    try {
      const { report } = await clusterJson(fixture.kubeconfig());
      const of = (checkId: string) => report.findings.filter((f) => f.checkId === checkId).map((f) => `${f.resource.kind}/${f.resource.name} ${f.path}`).sort();
      assert.deepEqual(of('cluster.node-versions'), ['Node/old-1 status.nodeInfo.containerRuntimeVersion', 'Node/old-1 status.nodeInfo.kubeletVersion']);
      assert.deepEqual(of('cluster.api-server-version'), []);
      assert.deepEqual(of('cluster.admission-controls'), ['ClusterInfo/test kinds']);
      assert.deepEqual(of('cluster.apiserver-audit-log'), ['Pod/kube-apiserver-cp-1 spec.containers[0].command']);
      assert.deepEqual(of('cluster.apiserver-encryption-at-rest'), ['Pod/kube-apiserver-cp-1 spec.containers[0].command']);
      const ipBlock = report.findings.filter((f) => f.checkId === 'network.ipblock-cluster-addresses') as Array<Finding & { details?: { podAddresses: number; nodeAddresses: number }; message: string }>;
      assert.equal(ipBlock.length, 1);
      assert.equal(ipBlock[0]!.resource.name, 'from-corp');
      assert.deepEqual(ipBlock[0]!.details, { podAddresses: 5, nodeAddresses: 1 });
      assert.match(ipBlock[0]!.message, /cp-1 10\.0\.0\.12/);
    } finally {
      await fixture.stop();
    }
  });

  it('an admission policy in place is evidence, not a finding; an unreadable kind is not taken for absence', async () => {
    const vap: KubeObject = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'no-privileged' }, spec: { validations: [{ expression: 'true' }] } };
    const withPolicy = await new Fixture().start({ objects: [...manifestsOf(estateDir), vap], gitVersion: 'v1.36.2' });
    try {
      const { report } = await clusterJson(withPolicy.kubeconfig());
      assert.ok(!report.findings.some((f) => f.checkId === 'cluster.admission-controls'));
    } finally {
      await withPolicy.stop();
    }
    const denied = await new Fixture().start({ objects: manifestsOf(estateDir), gitVersion: 'v1.30.2', forbidden: ['admissionregistration.k8s.io/validatingwebhookconfigurations'] });
    try {
      const { report } = await clusterJson(denied.kubeconfig());
      assert.ok(!report.findings.some((f) => f.checkId === 'cluster.admission-controls'));
      assert.ok(report.findings.some((f) => f.checkId === 'cluster.api-server-version' && f.resource.kind === 'ClusterInfo'), 'v1.30 is out of support');
    } finally {
      await denied.stop();
    }
  });
});

describe('annexa cluster: a user with namespace Roles only', () => {
  it('lists per namespace what may not be listed cluster-wide, and says which namespaces refused', async () => {
    const fixture = await new Fixture().start({ objects: manifestsOf(estateDir), controllers: true, namespaceOnly: { 'apps/deployments': ['shop', 'payments', 'observability', 'batch'], '/pods': ['shop'] } });
    try {
      const { report } = await clusterJson(fixture.kubeconfig());
      const deployments = report.coverage.read.find((k) => k.kind === 'Deployment');
      assert.equal(deployments?.items, 2, 'read namespace by namespace');
      assert.ok(report.findings.some((f) => f.resource.kind === 'Deployment' && f.resource.name === 'storefront'));
      const pods = report.coverage.forbidden.find((g) => g.kind === 'Pod');
      assert.match(pods?.message ?? '', /listed per namespace: read in 1 of \d+, refused in /);
      assert.ok(fixture.double.requests.some((r) => r.path === '/apis/apps/v1/namespaces/shop/deployments' && r.status === 200));
    } finally {
      await fixture.stop();
    }
  });
});

describe('annexa cluster: in a pod', () => {
  it('reads the cluster with the service account token, CA and namespace mounted in the pod', async () => {
    const fixture = await new Fixture().start({ objects: manifestsOf(estateDir) });
    const mount = join(fixture.tmp.dir, 'pod', 'var', 'run', 'secrets', 'kubernetes.io', 'serviceaccount');
    mkdirSync(mount, { recursive: true });
    writeFileSync(join(mount, 'token'), TOKEN);
    writeFileSync(join(mount, 'ca.crt'), fixture.pki.ca);
    writeFileSync(join(mount, 'namespace'), 'payments');
    const url = new URL(fixture.server);
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = url.hostname;
    process.env.KUBERNETES_SERVICE_PORT = url.port;
    try {
      const connection = await ClusterConnection.open({ inCluster: true, inClusterPathPrefix: join(fixture.tmp.dir, 'pod') });
      assert.equal(connection.namespace, 'payments');
      const source = new ClusterSource(connection, { namespace: connection.namespace });
      const kinds = new Set<string>();
      for await (const resource of source.resources()) kinds.add(`${resource.kind}/${resource.namespace ?? ''}`);
      assert.ok(kinds.has('StatefulSet/payments'));
      assert.ok(![...kinds].some((k) => k.endsWith('/shop')), 'only the pod\'s namespace');
      assert.ok(fixture.double.requests.every((r) => r.status !== 401));
    } finally {
      process.env.KUBERNETES_SERVICE_HOST = saved.host;
      process.env.KUBERNETES_SERVICE_PORT = saved.port;
      if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
      await fixture.stop();
    }
  });
});

describe('annexa cluster: bad kubeconfigs', () => {
  it('a kubeconfig that does not parse is a usage error that quotes none of its text (it holds credentials)', async () => {
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 'kubeconfig');
      writeFileSync(file, 'users:\n- name: u\n  user: { token: sup3r-secret-t0ken\n');
      await assert.rejects(clusterJson(file), (error: Error) => error instanceof UsageError && /cannot load the kubeconfig/.test(error.message) && !error.message.includes('sup3r-secret-t0ken'));
    } finally {
      tmp.remove();
    }
  });
});
