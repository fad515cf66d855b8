/**
 * API discovery as kubectl does it: /api/v1 for the core group, /apis for the groups and their
 * preferred versions, then /apis/GROUP/VERSION for the resources. A kind is listed at the
 * preferred version of its group; subresources (`pods/status`) are not kinds.
 */
import type { JsonObject, JsonValue } from '../../resources/types.js';
import { statusMessage, type ClusterConnection } from './connection.js';

/** A kind the cluster source reads, and the API group it is expected in. */
export interface WantedKind {
  kind: string;
  group: string;
}

/** Every kind the built-in checks, the owner roll-up and drift read from a cluster, listed in this order. */
export const WANTED_KINDS: readonly WantedKind[] = [
  ['Namespace', ''],
  ['Node', ''],
  // Top-level owners before the objects they own: the owner roll-up knows the owner's findings first.
  ['CronJob', 'batch'],
  ['Deployment', 'apps'],
  ['StatefulSet', 'apps'],
  ['DaemonSet', 'apps'],
  ['Job', 'batch'],
  ['ReplicaSet', 'apps'],
  ['ReplicationController', ''],
  ['Pod', ''],
  ['PodTemplate', ''],
  ['Service', ''],
  ['ServiceAccount', ''],
  ['Secret', ''],
  ['ConfigMap', ''],
  ['LimitRange', ''],
  ['ResourceQuota', ''],
  ['NetworkPolicy', 'networking.k8s.io'],
  ['Ingress', 'networking.k8s.io'],
  ['Role', 'rbac.authorization.k8s.io'],
  ['RoleBinding', 'rbac.authorization.k8s.io'],
  ['ClusterRole', 'rbac.authorization.k8s.io'],
  ['ClusterRoleBinding', 'rbac.authorization.k8s.io'],
  ['ValidatingWebhookConfiguration', 'admissionregistration.k8s.io'],
  ['MutatingWebhookConfiguration', 'admissionregistration.k8s.io'],
  ['ValidatingAdmissionPolicy', 'admissionregistration.k8s.io'],
  ['ValidatingAdmissionPolicyBinding', 'admissionregistration.k8s.io'],
  ['ClusterPolicy', 'kyverno.io'],
  ['Policy', 'kyverno.io'],
  ['ConstraintTemplate', 'templates.gatekeeper.sh'],
].map(([kind, group]) => ({ kind: kind!, group: group! }));

/** Where a kind is listed. */
export interface ApiResource {
  kind: string;
  group: string;
  version: string;
  /** Plural resource name in the URL (`deployments`). */
  resource: string;
  namespaced: boolean;
  /** `apiVersion` of the kind's objects (`apps/v1`, `v1`). */
  apiVersion: string;
}

export interface DiscoveryResult {
  /** Kind → where it is listed, for the kinds the cluster serves. */
  resources: Map<string, ApiResource>;
  /** Discovery documents that could not be read, with the reason (the kinds in them count as unavailable). */
  failures: Array<{ path: string; status: number; message: string }>;
  /** True when the server answered no discovery request at all. */
  unreachable: boolean;
}

function objects(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value) ? value.filter((v): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v)) : [];
}

function resourcesOf(document: JsonObject, group: string, version: string, into: Map<string, ApiResource>, wanted: ReadonlySet<string>): void {
  for (const entry of objects(document.resources)) {
    const { name, kind, namespaced, verbs } = entry;
    if (typeof name !== 'string' || name.includes('/') || typeof kind !== 'string') continue;
    if (!wanted.has(`${group}/${kind}`) || into.has(kind)) continue;
    if (Array.isArray(verbs) && !verbs.includes('list')) continue;
    into.set(kind, { kind, group, version, resource: name, namespaced: namespaced === true, apiVersion: group ? `${group}/${version}` : version });
  }
}

export async function discover(connection: ClusterConnection, wanted: readonly WantedKind[] = WANTED_KINDS): Promise<DiscoveryResult> {
  const wantedKeys = new Set(wanted.map((w) => `${w.group}/${w.kind}`));
  const wantedGroups = new Set(wanted.map((w) => w.group));
  const resources = new Map<string, ApiResource>();
  const failures: DiscoveryResult['failures'] = [];
  let answered = 0;
  const fetchDocument = async (path: string): Promise<JsonObject | undefined> => {
    const response = await connection.get(path);
    answered += 1;
    if (response.status === 200 && response.body) return response.body;
    failures.push({ path, status: response.status, message: statusMessage(response) });
    return undefined;
  };
  const core = await fetchDocument('/api/v1');
  if (core) resourcesOf(core, '', 'v1', resources, wantedKeys);
  const groups = await fetchDocument('/apis');
  for (const group of objects(groups?.groups)) {
    const name = group.name;
    const preferred = group.preferredVersion;
    if (typeof name !== 'string' || !wantedGroups.has(name)) continue;
    const version = preferred && typeof preferred === 'object' && !Array.isArray(preferred) && typeof preferred.version === 'string' ? preferred.version : undefined;
    if (!version) continue;
    const document = await fetchDocument(`/apis/${name}/${version}`);
    if (document) resourcesOf(document, name, version, resources, wantedKeys);
  }
  return { resources, failures, unreachable: answered > 0 && failures.length === answered && resources.size === 0 };
}
