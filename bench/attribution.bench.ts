/**
 * Attribution and recall of the RBAC and exposure checks on a generated estate with planted problems.
 *
 * Each namespace of the estate gets problems whose place is known: a Role granting Secret reads and exec to a
 * ServiceAccount (the rules are the place), cluster-wide escalate to a user, an unbound ClusterRole minting
 * tokens, a ClusterRole aggregated into the built-in view, RoleBindings to the built-in edit role and to
 * cluster-admin (the binding is the place), and exposure: LoadBalancer Services and Ingress paths to workloads,
 * SSH ports, Services and NetworkPolicies selecting nothing, Ingress backends to missing Services (the Service,
 * Ingress or NetworkPolicy is the place). Clean roles, bindings and Services surround them.
 *
 * Columns per check: planted = problems of that check; recall = planted problems reported at exactly the
 * planted resource and path; attributed = findings of the check at a planted place (the rest point elsewhere,
 * or are problems the generator did not plant). Every check of the registry runs, engine included; timings are
 * not given here: the resources are generated in memory, so locating related bindings tries to re-read a file that does
 * not exist (a scan from files locates them from the position tables recorded at parse).
 */
import type { Benchmark } from './context.js';
import { generatedResources } from './measure.js';
import { builtinChecks } from '../src/checks/index.js';
import { CheckSet, evaluateInventory, evaluateResource } from '../src/engine/evaluate.js';
import { Inventory } from '../src/inventory/inventory.js';
import { makeConfig } from '../src/isms/config.js';
import type { Finding } from '../src/resources/types.js';

const H = 'apiVersion: rbac.authorization.k8s.io/v1';
const REF = 'apiGroup: rbac.authorization.k8s.io';

interface Planted {
  check: string;
  /** `Kind/namespace/name path` of the place the finding must point at. */
  place: string;
}

const place = (kind: string, ns: string | undefined, name: string, path: string) => `${kind}/${ns ?? ''}/${name} ${path}`;

function namespaceDocs(n: number, truth: Planted[]): string[] {
  const ns = `team-${n}`;
  const docs: string[] = [];
  const plant = (check: string, kind: string, namespace: string | undefined, name: string, path: string) => truth.push({ check, place: place(kind, namespace, name, path) });
  docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: app, namespace: ${ns} }\nautomountServiceAccountToken: false\n`);
  docs.push(`${H}\nkind: Role\nmetadata: { name: ops, namespace: ${ns} }\nrules:\n  - { apiGroups: [''], resources: [configmaps], verbs: [get] }\n  - { apiGroups: [''], resources: [secrets], verbs: [get, list] }\n  - { apiGroups: [''], resources: [pods/exec], verbs: [create] }\n`);
  docs.push(`${H}\nkind: RoleBinding\nmetadata: { name: ops, namespace: ${ns} }\nroleRef: { ${REF}, kind: Role, name: ops }\nsubjects: [ { kind: ServiceAccount, name: app, namespace: ${ns} } ]\n`);
  plant('rbac.secrets-read', 'Role', ns, 'ops', 'rules[1]');
  plant('rbac.pod-exec', 'Role', ns, 'ops', 'rules[2]');
  docs.push(`${H}\nkind: Role\nmetadata: { name: reader, namespace: ${ns} }\nrules:\n  - { apiGroups: [''], resources: [pods, services], verbs: [get, list] }\n`);
  docs.push(`${H}\nkind: RoleBinding\nmetadata: { name: reader, namespace: ${ns} }\nroleRef: { ${REF}, kind: Role, name: reader }\nsubjects: [ { kind: Group, name: devs-${n} } ]\n`);
  if (n % 5 === 0) {
    docs.push(`${H}\nkind: ClusterRole\nmetadata: { name: escalator-${n} }\nrules:\n  - { apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate] }\n`);
    docs.push(`${H}\nkind: ClusterRoleBinding\nmetadata: { name: escalator-${n} }\nroleRef: { ${REF}, kind: ClusterRole, name: escalator-${n} }\nsubjects: [ { kind: User, name: dev-${n} } ]\n`);
    plant('rbac.escalation-verbs', 'ClusterRole', undefined, `escalator-${n}`, 'rules[0]');
  }
  if (n % 7 === 0) {
    docs.push(`${H}\nkind: ClusterRole\nmetadata: { name: minter-${n} }\nrules:\n  - { apiGroups: [''], resources: [serviceaccounts/token], verbs: [create] }\n`);
    plant('rbac.serviceaccount-token', 'ClusterRole', undefined, `minter-${n}`, 'rules[0]');
  }
  if (n % 6 === 0) {
    docs.push(`${H}\nkind: ClusterRole\nmetadata: { name: view-secrets-${n}, labels: { rbac.authorization.k8s.io/aggregate-to-view: "true" } }\nrules:\n  - { apiGroups: [''], resources: [secrets], verbs: [list] }\n`);
    docs.push(`${H}\nkind: RoleBinding\nmetadata: { name: viewers, namespace: ${ns} }\nroleRef: { ${REF}, kind: ClusterRole, name: view }\nsubjects: [ { kind: Group, name: viewers-${n} } ]\n`);
    plant('rbac.secrets-read', 'ClusterRole', undefined, `view-secrets-${n}`, 'rules[0]');
  }
  if (n % 4 === 0) {
    docs.push(`${H}\nkind: RoleBinding\nmetadata: { name: editors, namespace: ${ns} }\nroleRef: { ${REF}, kind: ClusterRole, name: edit }\nsubjects: [ { kind: ServiceAccount, name: app, namespace: ${ns} } ]\n`);
    for (const check of ['rbac.secrets-read', 'rbac.pod-exec', 'rbac.serviceaccount-token', 'rbac.escalation-verbs']) plant(check, 'RoleBinding', ns, 'editors', 'subjects[0]');
  }
  if (n % 10 === 0) {
    docs.push(`${H}\nkind: ClusterRoleBinding\nmetadata: { name: admins-${n} }\nroleRef: { ${REF}, kind: ClusterRole, name: cluster-admin }\nsubjects: [ { kind: User, name: admin-${n} } ]\n`);
    plant('rbac.cluster-admin-binding', 'ClusterRoleBinding', undefined, `admins-${n}`, 'subjects[0]');
  }
  docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: ${ns} }\nspec:\n  template:\n    metadata: { labels: { app: web } }\n    spec: { serviceAccountName: app, containers: [{ name: web, image: nginx }] }\n`);
  docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api, namespace: ${ns} }\nspec:\n  template:\n    metadata: { labels: { app: api } }\n    spec: { serviceAccountName: app, containers: [{ name: api, image: nginx }] }\n`);
  docs.push(`apiVersion: v1\nkind: Service\nmetadata: { name: api, namespace: ${ns} }\nspec: { selector: { app: api }, ports: [{ port: 80 }] }\n`);
  if (n % 2 === 0) {
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: ${ns} }\nspec: { type: LoadBalancer, selector: { app: web }, ports: [{ port: 443 }] }\n`);
    plant('network.workload-exposed', 'Service', ns, 'web', 'spec.type');
  }
  if (n % 3 === 0) {
    docs.push(`apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: api, namespace: ${ns} }\nspec:\n  rules: [{ http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }] } }]\n`);
    plant('network.workload-exposed', 'Ingress', ns, 'api', 'spec.rules[0].http.paths[0].backend');
  }
  if (n % 3 === 1) {
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: { name: bastion, namespace: ${ns} }\nspec: { selector: { app: api }, ports: [{ port: 80 }, { name: ssh, port: 22 }] }\n`);
    plant('network.service-ssh', 'Service', ns, 'bastion', 'spec.ports[1]');
  }
  if (n % 8 === 3) {
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: { name: typo, namespace: ${ns} }\nspec: { selector: { app: wbe }, ports: [{ port: 80 }] }\n`);
    plant('network.service-selects-nothing', 'Service', ns, 'typo', 'spec.selector');
  }
  if (n % 5 === 2) {
    docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: web-typo, namespace: ${ns} }\nspec: { podSelector: { matchLabels: { app: wbe } }, ingress: [] }\n`);
    plant('network.netpol-selects-nothing', 'NetworkPolicy', ns, 'web-typo', 'spec.podSelector');
  }
  if (n % 9 === 4) {
    docs.push(`apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: stale, namespace: ${ns} }\nspec:\n  defaultBackend: { service: { name: removed, port: { number: 80 } } }\n`);
    plant('network.ingress-missing-service', 'Ingress', ns, 'stale', 'spec.defaultBackend');
  }
  return docs;
}

export function generateAttributionEstate(namespaces: number): { text: string; truth: Planted[] } {
  const truth: Planted[] = [];
  const docs: string[] = [];
  for (let n = 0; n < namespaces; n++) docs.push(...namespaceDocs(n, truth));
  return { text: docs.join('---\n'), truth };
}

function runAll(text: string): Finding[] {
  const resources = generatedResources(text, 'attribution-bench.yaml');
  const ctx = { config: makeConfig({}) };
  const set = new CheckSet(builtinChecks);
  const findings = resources.flatMap((r) => evaluateResource(r, set, ctx).findings);
  return [...findings, ...evaluateInventory(Inventory.of(resources), set, ctx).findings];
}

const findingPlace = (f: Finding) => place(f.resource.kind, f.resource.namespace, f.resource.name, f.path);

const attributionBench: Benchmark = async (ctx) => {
  const sizes = ctx.quick ? [60] : [60, 600];
  for (const namespaces of sizes) {
    const { text, truth } = generateAttributionEstate(namespaces);
    const findings = runAll(text);
    const checks = [...new Set(truth.map((t) => t.check))].sort();
    const rows = checks.map((check) => {
      const planted = new Set(truth.filter((t) => t.check === check).map((t) => t.place));
      const reported = findings.filter((f) => (f.rules ?? [f.checkId]).includes(check)).map(findingPlace);
      const found = new Set(reported.filter((p) => planted.has(p)));
      const attributed = reported.filter((p) => planted.has(p)).length;
      return {
        check, planted: planted.size, findings: reported.length,
        recall: `${((100 * found.size) / planted.size).toFixed(1)}%`,
        attributed: reported.length === 0 ? '-' : `${((100 * attributed) / reported.length).toFixed(1)}%`,
      };
    });
    ctx.table(`RBAC and exposure attribution, ${namespaces} namespaces (${text.split('\n---\n').length} documents)`, rows);
  }
};

export default attributionBench;
