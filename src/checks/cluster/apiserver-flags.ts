/** kube-apiserver flags, read from its static Pod (visible in kube-system on kubeadm-style clusters, or in its manifest). */
import { defineCheck, type ResourceCheck } from '../../engine/check.js';
import type { Resource } from '../../resources/types.js';
import { asArray, asObject } from '../../resources/workloads.js';

interface ApiServerContainer {
  path: string;
  flags: Map<string, string>;
}

/** The kube-apiserver container of a Pod and its `--flag=value` arguments (command and args). */
export function apiServerContainer(resource: Resource): ApiServerContainer | undefined {
  const containers = asArray(asObject(resource.object.spec).containers);
  for (let i = 0; i < containers.length; i++) {
    const container = asObject(containers[i]);
    const words = [...asArray(container.command), ...asArray(container.args)].filter((w): w is string => typeof w === 'string');
    if (!words.some((w) => /(^|\/)kube-apiserver$/.test(w))) continue;
    const flags = new Map<string, string>();
    for (const word of words) {
      const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(word);
      if (match) flags.set(match[1]!, match[2] ?? 'true');
    }
    return { path: `spec.containers[${i}]`, flags };
  }
  return undefined;
}

const STATIC_POD = (flags: string) => `apiVersion: v1
kind: Pod
metadata: { name: kube-apiserver-cp-1, namespace: kube-system, labels: { component: kube-apiserver, tier: control-plane } }
spec:
  hostNetwork: true
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.36.2
      command:
        - kube-apiserver
        - --authorization-mode=Node,RBAC
${flags}`;

export const auditLogging: ResourceCheck = defineCheck({
  id: 'cluster.apiserver-audit-log',
  title: 'kube-apiserver must write an audit log with a policy',
  severity: 'high',
  domain: 'cluster',
  scope: 'resource',
  kinds: ['Pod'],
  rationale:
    'Without --audit-policy-file and a destination (--audit-log-path or --audit-webhook-config-file) the API server records no '
    + 'trail of who read Secrets, changed RBAC or exec\'d into pods: incidents cannot be reconstructed and changes cannot be attributed.',
  remediation: 'Start kube-apiserver with --audit-policy-file and --audit-log-path (with rotation: --audit-log-maxage, --audit-log-maxbackup) or an audit webhook, and ship the log off the node.',
  controls: { iso27001: ['A.8.9'] },
  references: ['https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/'],
  *check(resource) {
    const apiServer = apiServerContainer(resource);
    if (!apiServer) return;
    const destination = apiServer.flags.has('audit-log-path') || apiServer.flags.has('audit-webhook-config-file');
    if (!apiServer.flags.has('audit-policy-file') || !destination) {
      yield { path: `${apiServer.path}.command`, message: `kube-apiserver "${resource.name}" runs without ${!apiServer.flags.has('audit-policy-file') ? '--audit-policy-file' : '--audit-log-path or --audit-webhook-config-file'}: no audit trail is written` };
    }
  },
  examples: {
    valid: [STATIC_POD('        - --audit-policy-file=/etc/kubernetes/audit-policy.yaml\n        - --audit-log-path=/var/log/kubernetes/audit.log'), 'apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers: [{ name: web, image: nginx:1.27 }]'],
    invalid: [{ manifest: STATIC_POD('        - --audit-log-path=/var/log/kubernetes/audit.log'), paths: ['spec.containers[0].command'] }],
  },
});

export const encryptionAtRest: ResourceCheck = defineCheck({
  id: 'cluster.apiserver-encryption-at-rest',
  title: 'kube-apiserver must encrypt Secrets at rest',
  severity: 'high',
  domain: 'cluster',
  scope: 'resource',
  kinds: ['Pod'],
  rationale:
    'Without --encryption-provider-config, Secrets are stored in etcd as base64 only: anyone with an etcd backup or disk reads every '
    + 'credential of the cluster.',
  remediation: 'Configure an EncryptionConfiguration (a KMS v2 provider, or aescbc/secretbox) for secrets and pass it with --encryption-provider-config; then rewrite existing Secrets.',
  controls: { iso27001: ['A.8.24', 'A.8.12'] },
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/'],
  *check(resource) {
    const apiServer = apiServerContainer(resource);
    if (apiServer && !apiServer.flags.has('encryption-provider-config')) {
      yield { path: `${apiServer.path}.command`, message: `kube-apiserver "${resource.name}" runs without --encryption-provider-config: Secrets are stored unencrypted in etcd` };
    }
  },
  examples: {
    valid: [STATIC_POD('        - --encryption-provider-config=/etc/kubernetes/enc/config.yaml')],
    invalid: [{ manifest: STATIC_POD('        - --audit-log-path=/var/log/kubernetes/audit.log'), paths: ['spec.containers[0].command'] }],
  },
});
