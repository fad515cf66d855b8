/**
 * Which node of the generated table (api-field-types.generated.ts) describes an object's typed
 * fields. Exact `apiVersion kind` first; an object of another version of the same group and kind
 * (apps/v1beta2 Deployment) uses the table's version, whose field types are the same: the
 * versions of a group differ in which fields they have, not in how a field is typed. The checks
 * read the pod template of a workload kind whatever its apiVersion (extensions/v1beta1
 * DaemonSet), so those kinds fall back to the table's kind, so that what the checks read is
 * resolved the same way.
 */
import { POD_TEMPLATE_KINDS } from '../resources/workloads.js';
import { API_KIND_ROOTS } from './api-field-types.generated.js';

// Maps, not the object literal: a kind is input, and `kind: constructor` must not find Object's.
const BY_API_VERSION = new Map<string, number>(Object.entries(API_KIND_ROOTS));
const BY_GROUP = new Map<string, number>();
const WORKLOAD_BY_KIND = new Map<string, number>();
for (const [key, root] of BY_API_VERSION) {
  const [apiVersion, kind] = key.split(' ') as [string, string];
  const groupKind = `${groupOf(apiVersion)} ${kind}`;
  if (!BY_GROUP.has(groupKind)) BY_GROUP.set(groupKind, root);
  if (POD_TEMPLATE_KINDS.includes(kind) && !WORKLOAD_BY_KIND.has(kind)) WORKLOAD_BY_KIND.set(kind, root);
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The root node for an object, or undefined for kinds the table does not know (custom resources). */
export function apiFieldRoot(apiVersion: unknown, kind: unknown): number | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  return BY_API_VERSION.get(`${apiVersion} ${kind}`) ?? BY_GROUP.get(`${groupOf(apiVersion)} ${kind}`) ?? WORKLOAD_BY_KIND.get(kind);
}
