/**
 * The Kubernetes audit Event (audit.k8s.io v1 and v1beta1: the fields Annexa reads are the same in
 * both; v1beta1 adds `timestamp`), and the facts detections ask of it.
 */
import type { JsonObject, JsonValue } from '../resources/types.js';

export interface AuditUser {
  username?: string;
  uid?: string;
  groups?: string[];
}

export interface AuditObjectRef {
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  apiVersion?: string;
}

export interface AuditEvent {
  apiVersion?: string;
  kind?: string;
  level?: string;
  auditID?: string;
  stage?: string;
  requestURI?: string;
  verb?: string;
  user?: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: AuditObjectRef;
  responseStatus?: { code?: number; reason?: string; status?: string };
  requestObject?: JsonValue;
  responseObject?: JsonValue;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  /** v1beta1 only. */
  timestamp?: string;
  annotations?: Record<string, string>;
}

export const AUDIT_API_VERSIONS = ['audit.k8s.io/v1', 'audit.k8s.io/v1beta1'] as const;
export const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export const AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;

const IDENTIFYING_FIELDS = ['verb', 'objectRef', 'user', 'auditID', 'requestURI', 'stage'] as const;

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Why `value` is not an audit Event, or undefined when it is one. Events without `apiVersion` (some
 * exporters drop it) are accepted; an unknown apiVersion or kind, or an object with none of the
 * identifying fields, is not.
 */
export function notAnAuditEvent(value: unknown): string | undefined {
  if (!isPlainObject(value)) return `expected a JSON object, found ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`;
  const { apiVersion, kind } = value;
  if (kind !== undefined && kind !== 'Event') return `not a k8s audit event (kind ${JSON.stringify(kind)})`;
  if (apiVersion !== undefined && !(AUDIT_API_VERSIONS as readonly unknown[]).includes(apiVersion)) {
    return `not a k8s audit event (apiVersion ${JSON.stringify(apiVersion)}; expected audit.k8s.io/v1 or v1beta1)`;
  }
  if (!IDENTIFYING_FIELDS.some((field) => value[field] !== undefined && value[field] !== null)) return 'data not recognized as a k8s audit event (no verb, user, objectRef, auditID or requestURI)';
  const typeProblem = fieldTypeProblem(value);
  return typeProblem;
}

/** Fields detections read must have the right type: a string where an object belongs is an error, not a crash. */
function fieldTypeProblem(value: JsonObject): string | undefined {
  for (const field of ['verb', 'auditID', 'stage', 'requestURI', 'level'] as const) {
    const v = value[field];
    if (v !== undefined && v !== null && typeof v !== 'string') return `${field}: expected a string`;
  }
  for (const field of ['user', 'impersonatedUser', 'objectRef', 'responseStatus', 'annotations'] as const) {
    const v = value[field];
    if (v !== undefined && v !== null && !isPlainObject(v)) return `${field}: expected an object`;
  }
  const ips = value.sourceIPs;
  if (ips !== undefined && ips !== null && !(Array.isArray(ips) && ips.every((ip) => typeof ip === 'string'))) return 'sourceIPs: expected a list of strings';
  const user = value.user;
  if (isPlainObject(user)) {
    if (user.username !== undefined && typeof user.username !== 'string') return 'user.username: expected a string';
    if (user.groups !== undefined && user.groups !== null && !(Array.isArray(user.groups) && user.groups.every((g) => typeof g === 'string'))) return 'user.groups: expected a list of strings';
  }
  const ref = value.objectRef;
  if (isPlainObject(ref)) {
    for (const key of ['resource', 'subresource', 'namespace', 'name', 'apiGroup', 'apiVersion']) {
      if (ref[key] !== undefined && ref[key] !== null && typeof ref[key] !== 'string') return `objectRef.${key}: expected a string`;
    }
  }
  const status = value.responseStatus;
  if (isPlainObject(status) && status.code !== undefined && status.code !== null && typeof status.code !== 'number') return 'responseStatus.code: expected a number';
  return undefined;
}

/** When the event happened: the stage time, else when the request was received, else v1beta1 `timestamp`. */
export function eventTime(event: AuditEvent): string | undefined {
  return event.stageTimestamp ?? event.requestReceivedTimestamp ?? event.timestamp;
}

/** Milliseconds since the epoch of an event time (RFC 3339, or `2022-11-29 00:09:04.38` read as UTC); NaN when unknown. */
export function timeMillis(time: string | undefined): number {
  if (time === undefined) return Number.NaN;
  const iso = time.includes('T') ? time : time.replace(' ', 'T');
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

export function username(event: AuditEvent): string {
  return event.user?.username ?? '';
}

export function groupsOf(event: AuditEvent): readonly string[] {
  return event.user?.groups ?? [];
}

/** `pods/exec`, `secrets`, … */
export function resourcePath(event: AuditEvent): string {
  const ref = event.objectRef;
  if (!ref?.resource) return '';
  return ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
}

export function responseCode(event: AuditEvent): number | undefined {
  return event.responseStatus?.code ?? undefined;
}

/** The API server refused the request (4xx/5xx), or the authorizer said forbid. */
export function failed(event: AuditEvent): boolean {
  const code = responseCode(event);
  if (code !== undefined) return code >= 400;
  return event.annotations?.['authorization.k8s.io/decision'] === 'forbid';
}

/** The authorizer refused the request: 403, or the decision annotation says forbid. */
export function authorizationDenied(event: AuditEvent): boolean {
  return responseCode(event) === 403 || event.annotations?.['authorization.k8s.io/decision'] === 'forbid';
}

export const WRITE_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
export const READ_VERBS: ReadonlySet<string> = new Set(['get', 'list', 'watch']);

export function isWrite(event: AuditEvent): boolean {
  return WRITE_VERBS.has(event.verb ?? '');
}

/** Usernames of the control plane's own components. */
const CONTROL_PLANE_USERS: ReadonlySet<string> = new Set([
  'system:kube-controller-manager', 'system:kube-scheduler', 'system:apiserver', 'system:kube-proxy',
  'system:volume-scheduler', 'system:kube-aggregator', 'system:serviceaccount-issuer-discovery',
  // Managed-cluster control planes (documented in docs/audit.md).
  'kubelet-nodepool-bootstrap', 'aksService',
]);
const CONTROL_PLANE_PREFIXES = ['system:node:', 'system:serviceaccount:kube-system:', 'system:bootstrap:', 'eks:'];
const CONTROL_PLANE_GROUPS: ReadonlySet<string> = new Set(['system:nodes', 'system:bootstrappers', 'system:serviceaccounts:kube-system']);

/**
 * The request was made by the cluster itself: kubelets, the controller manager, scheduler and API
 * server, and the service accounts of kube-system. Their routine traffic raises nothing.
 */
export function isControlPlane(user: AuditUser | undefined): boolean {
  const name = user?.username ?? '';
  if (CONTROL_PLANE_USERS.has(name)) return true;
  for (const prefix of CONTROL_PLANE_PREFIXES) if (name.startsWith(prefix)) return true;
  for (const group of user?.groups ?? []) if (CONTROL_PLANE_GROUPS.has(group)) return true;
  return false;
}

/** Any `system:` identity (control plane, service accounts, anonymous) or a managed control plane's. */
export function isSystemPrincipal(user: AuditUser | undefined): boolean {
  const name = user?.username ?? '';
  return name.startsWith('system:') || isControlPlane(user);
}

export function isAnonymous(user: AuditUser | undefined): boolean {
  return user?.username === 'system:anonymous' || (user?.groups ?? []).includes('system:unauthenticated');
}

/** A person (not a service account, node or control-plane component); anonymous requests are not. */
export function isHuman(user: AuditUser | undefined): boolean {
  return user?.username !== undefined && user.username !== '' && !isSystemPrincipal(user);
}

export function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return isPlainObject(value) ? value : undefined;
}

/** The values of one query parameter of the request URI (`command` of an exec). */
export function queryValues(requestURI: string | undefined, key: string): string[] {
  if (!requestURI) return [];
  const q = requestURI.indexOf('?');
  if (q < 0) return [];
  return new URLSearchParams(requestURI.slice(q + 1)).getAll(key);
}
