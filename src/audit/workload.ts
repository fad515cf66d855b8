/**
 * The workload checks, run on the object a request created or replaced (`requestObject`, present
 * from audit level `Request` up). At level `Metadata` there is no object: the outcome is
 * "undetermined", never "clean".
 */
import { CheckSet, evaluateResource } from '../engine/evaluate.js';
import type { CheckContext } from '../engine/check.js';
import { checkById } from '../checks/index.js';
import type { Check } from '../engine/check.js';
import type { Finding, JsonObject, Resource } from '../resources/types.js';
import { asObject, type AuditEvent } from './event.js';

const WORKLOAD_RESOURCES = new Map<string, { kind: string; group: string }>([
  ['pods', { kind: 'Pod', group: '' }],
  ['deployments', { kind: 'Deployment', group: 'apps' }],
  ['daemonsets', { kind: 'DaemonSet', group: 'apps' }],
  ['statefulsets', { kind: 'StatefulSet', group: 'apps' }],
  ['replicasets', { kind: 'ReplicaSet', group: 'apps' }],
  ['replicationcontrollers', { kind: 'ReplicationController', group: '' }],
  ['jobs', { kind: 'Job', group: 'batch' }],
  ['cronjobs', { kind: 'CronJob', group: 'batch' }],
]);

/** Workload checks that say a pod can reach the node: what the audit detections reuse. */
export const AUDIT_WORKLOAD_CHECK_IDS = [
  'workload.privileged-container',
  'workload.host-network',
  'workload.host-pid',
  'workload.host-ipc',
  'workload.host-path-volume',
  'workload.sensitive-host-path',
  'workload.container-runtime-socket',
  'workload.dangerous-capabilities',
] as const;

export function auditWorkloadChecks(): CheckSet {
  const checks = AUDIT_WORKLOAD_CHECK_IDS.map((id) => {
    const check = checkById(id);
    if (!check) throw new Error(`workload check ${id} is not registered`);
    return check;
  });
  return new CheckSet(checks as Check[]);
}

/** The workload kind of a request's resource (`pods` → Pod), or undefined for other resources and subresources. */
export function workloadKindOf(event: AuditEvent): string | undefined {
  const ref = event.objectRef;
  if (!ref?.resource || ref.subresource) return undefined;
  return WORKLOAD_RESOURCES.get(ref.resource)?.kind;
}

/** A workload written by the request: create, update, or patch (a patch is judged on what it sets). */
export function writesWorkload(event: AuditEvent): boolean {
  const verb = event.verb;
  return (verb === 'create' || verb === 'update' || verb === 'patch') && workloadKindOf(event) !== undefined;
}

/** The request object as a Resource (provenance: the audit log), or undefined when the event has none. */
export function requestResource(event: AuditEvent, file?: string, line?: number): Resource | undefined {
  const object = asObject(event.requestObject);
  const kind = workloadKindOf(event);
  if (!object || !kind) return undefined;
  const ref = event.objectRef ?? {};
  const metadata = asObject(object.metadata);
  const group = WORKLOAD_RESOURCES.get(ref.resource ?? '')?.group ?? '';
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : group ? `${group}/${ref.apiVersion ?? 'v1'}` : (ref.apiVersion ?? 'v1');
  const name = ref.name ?? (typeof metadata?.name === 'string' ? metadata.name : typeof metadata?.generateName === 'string' ? `${metadata.generateName}*` : '(unnamed)');
  const resource: Resource = {
    apiVersion,
    kind: typeof object.kind === 'string' ? object.kind : kind,
    name,
    object: { ...object, kind: typeof object.kind === 'string' ? object.kind : kind } as JsonObject,
    provenance: { source: 'audit', ...(file !== undefined ? { file } : {}), ...(line !== undefined ? { line } : {}) },
  };
  const namespace = ref.namespace ?? (typeof metadata?.namespace === 'string' ? metadata.namespace : undefined);
  if (namespace !== undefined) resource.namespace = namespace;
  return resource;
}

export type WorkloadVerdict = { findings: Finding[] } | { undetermined: string };

/** The reused workload checks' findings on the request object, or why they could not run. */
export function workloadVerdict(event: AuditEvent, checks: CheckSet, ctx: CheckContext): WorkloadVerdict {
  const resource = requestResource(event);
  if (!resource) {
    return { undetermined: `audit level ${event.level ?? 'unknown'} recorded no requestObject: the ${workloadKindOf(event)} spec cannot be checked (log workloads at level Request)` };
  }
  const evaluation = evaluateResource(resource, checks, ctx);
  return { findings: evaluation.findings };
}
