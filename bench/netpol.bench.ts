/**
 * NetworkPolicy coverage at estate scale, against the parse floor of the same run.
 *
 * A deterministic estate is generated in memory: namespaces with labelled Namespace objects,
 * Deployments with labelled pod templates and named ports, and NetworkPolicies of the usual shapes
 * (namespace default deny, matchLabels and matchExpressions selectors, same-namespace,
 * cross-namespace and namespace+pod peers, named and numeric ports, port ranges, ipBlocks with
 * except; every tenth namespace without a default deny). The full size is 5,000 workloads and 1,000 policies; smaller sizes show how the cost grows.
 *
 * Columns: parse = `yaml` parseAllDocuments + toJS of the same text, nothing else (the floor);
 * coverage = NetpolAnalysis + the full coverage report from already-parsed resources;
 * checks = the NetworkPolicy inventory checks on a fresh inventory. Best of several repetitions.
 */
import { parseAllDocuments } from 'yaml';
import type { Benchmark } from './context.js';
import { pick, seededRandom } from './random.js';
import { fastestMs, generatedResources } from './measure.js';
import { Inventory } from '../src/inventory/inventory.js';
import { coverageReport, NetpolAnalysis } from '../src/inventory/netpol/index.js';
import { networkChecks } from '../src/checks/network/index.js';
import { makeConfig } from '../src/isms/config.js';

const TIERS = ['web', 'api', 'db', 'worker', 'cache'] as const;
const TEAMS = ['red', 'green', 'blue', 'gold'] as const;
const WORKLOADS_PER_NAMESPACE = 50;
const POLICIES_PER_NAMESPACE = 10;

function namespaceDoc(ns: string, team: string): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels: { team: ${team}, env: prod }\n`;
}

function deploymentDoc(ns: string, i: number, rand: () => number): string {
  const tier = pick(rand, TIERS);
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: app-${i}, namespace: ${ns} }
spec:
  replicas: 2
  selector: { matchLabels: { app: app-${i} } }
  template:
    metadata:
      labels: { app: app-${i}, tier: ${tier}, version: v${i % 3} }
    spec:
      containers:
        - name: main
          image: registry.example.com/app-${i}:1.${i % 7}
          ports:
            - { name: http, containerPort: 8080 }
            - { name: metrics, containerPort: 9090 }
`;
}

function policyDoc(ns: string, j: number, workloads: number, rand: () => number, open: boolean): string {
  const head = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: np-${j}, namespace: ${ns} }\nspec:\n`;
  // Every tenth namespace has no default deny, but a web policy that allows everything: findings for the checks.
  if (j === 0 && open) return `${head}  podSelector: { matchLabels: { tier: web } }\n  ingress: [{}]\n`;
  if (j === 0) return `${head}  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  egress:\n    - ports: [{ port: 53, protocol: UDP }, { port: 53, protocol: TCP }]\n`;
  const target = `app-${Math.floor(rand() * workloads)}`;
  switch (j % 4) {
    case 0:
      return `${head}  podSelector: { matchLabels: { app: ${target} } }
  ingress:
    - from: [{ podSelector: { matchLabels: { tier: ${pick(rand, TIERS)} } } }]
      ports: [{ port: http }]
`;
    case 1:
      return `${head}  podSelector:
    matchExpressions: [{ key: tier, operator: In, values: [${pick(rand, TIERS)}, ${pick(rand, TIERS)}] }]
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { team: ${pick(rand, TEAMS)} } }
          podSelector: { matchExpressions: [{ key: version, operator: NotIn, values: [v0] }] }
      ports: [{ port: 8000, endPort: 8100 }]
`;
    case 2:
      return `${head}  podSelector: { matchLabels: { app: ${target} } }
  policyTypes: [Egress]
  egress:
    - to: [{ podSelector: { matchLabels: { tier: db } } }]
      ports: [{ port: 5432 }]
    - to: [{ ipBlock: { cidr: 0.0.0.0/0, except: [10.0.0.0/8, 169.254.169.254/32] } }]
      ports: [{ port: 443 }]
`;
    default:
      return `${head}  podSelector: { matchExpressions: [{ key: tier, operator: Exists }, { key: version, operator: In, values: [v1, v2] }] }
  ingress:
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ns-${Math.floor(rand() * 100)} } } }]
      ports: [{ port: metrics }]
`;
  }
}

/** The estate as one multi-document YAML text: `workloads` Deployments and `workloads / 5` policies. */
export function generateEstate(workloads: number, seed = 7): string {
  const rand = seededRandom(seed);
  const namespaces = Math.max(1, Math.round(workloads / WORKLOADS_PER_NAMESPACE));
  const docs: string[] = [];
  for (let n = 0; n < namespaces; n++) {
    const ns = `ns-${n}`;
    docs.push(namespaceDoc(ns, TEAMS[n % TEAMS.length]!));
    for (let i = 0; i < WORKLOADS_PER_NAMESPACE; i++) docs.push(deploymentDoc(ns, i, rand));
    for (let j = 0; j < POLICIES_PER_NAMESPACE; j++) docs.push(policyDoc(ns, j, WORKLOADS_PER_NAMESPACE, rand, n % 10 === 9));
  }
  return docs.join('---\n');
}

const netpolBench: Benchmark = async (ctx) => {
  const sizes = ctx.quick ? [500, 1000] : [1250, 2500, 5000, 10000];
  const repetitions = ctx.quick ? 2 : 3;
  const inventoryChecks = networkChecks.filter((check) => check.scope === 'inventory');
  const checkContext = { config: makeConfig({}) };
  const rows: Array<Record<string, string | number>> = [];
  for (const size of sizes) {
    const text = generateEstate(size);
    const resources = generatedResources(text, 'netpol-bench.yaml');
    const policies = resources.filter((r) => r.kind === 'NetworkPolicy').length;
    const workloads = resources.filter((r) => r.kind === 'Deployment').length;
    let summary = '';
    const parseMs = fastestMs(repetitions, () => {
      for (const doc of parseAllDocuments(text)) doc.toJS();
    });
    const coverageMs = fastestMs(repetitions, () => {
      const report = coverageReport(NetpolAnalysis.of(Inventory.of(resources)));
      summary = `${report.summary.covered}/${report.summary.workloads}`;
    });
    let findings = 0;
    const checksMs = fastestMs(repetitions, () => {
      const inventory = Inventory.of(resources);
      findings = 0;
      for (const check of inventoryChecks) if (check.scope === 'inventory') for (const _ of check.check(inventory, checkContext)) findings += 1;
    });
    rows.push({
      workloads,
      policies,
      MiB: Number((Buffer.byteLength(text) / 2 ** 20).toFixed(1)),
      'parse ms': Number(parseMs.toFixed(1)),
      'coverage ms': Number(coverageMs.toFixed(1)),
      'coverage/parse': Number((coverageMs / parseMs).toFixed(3)),
      'µs/workload': Number(((coverageMs * 1000) / workloads).toFixed(1)),
      'checks ms': Number(checksMs.toFixed(1)),
      findings,
      covered: summary,
    });
  }
  ctx.table('NetworkPolicy coverage (in memory) vs parsing the same YAML with `yaml`', rows);
};

export default netpolBench;
