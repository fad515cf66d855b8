/**
 * `admission.k8s.io/v1` AdmissionReview: reading a request the API server sent (untrusted input:
 * every field is checked before use) and writing the response it expects.
 */
import type { JsonObject, JsonValue } from '../resources/types.js';
import { isObject } from '../resources/workloads.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
const OPERATIONS: readonly string[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface UserInfo {
  username: string;
  groups: string[];
}

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource?: { group: string; version: string; resource: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: Operation;
  userInfo: UserInfo;
  object?: JsonObject;
  oldObject?: JsonObject;
  dryRun: boolean;
  options?: JsonObject;
}

export interface AdmissionStatus {
  code: number;
  message: string;
  reason?: string;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

/** A body that is not an AdmissionReview request: answered with HTTP 400 and this reason. */
export class ReviewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewError';
  }
}

/** Reads the request of an AdmissionReview; throws ReviewError naming the first field that is wrong. */
export function parseAdmissionReview(body: unknown): AdmissionRequest {
  if (!isObject(body)) throw new ReviewError('expected a JSON object (an admission.k8s.io/v1 AdmissionReview)');
  if (body.kind !== 'AdmissionReview') throw new ReviewError(`kind is ${describe(body.kind)}, expected "AdmissionReview"`);
  if (body.apiVersion !== ADMISSION_API_VERSION) throw new ReviewError(`apiVersion is ${describe(body.apiVersion)}, expected "${ADMISSION_API_VERSION}"`);
  const request = body.request;
  if (!isObject(request)) throw new ReviewError('request is missing or not an object');
  const uid = request.uid;
  if (typeof uid !== 'string' || uid.length === 0) throw new ReviewError('request.uid is missing or not a string');
  const operation = request.operation;
  if (typeof operation !== 'string' || !OPERATIONS.includes(operation)) throw new ReviewError(`request.operation is ${describe(operation)}, expected one of ${OPERATIONS.join(', ')}`);
  const parsed: AdmissionRequest = {
    uid,
    kind: groupVersionKind(request.kind, 'request.kind'),
    operation: operation as Operation,
    userInfo: userInfo(request.userInfo),
    dryRun: request.dryRun === true,
  };
  const resource = request.resource;
  if (isObject(resource) && typeof resource.resource === 'string') {
    parsed.resource = { group: text(resource.group), version: text(resource.version), resource: resource.resource };
  }
  if (typeof request.subResource === 'string' && request.subResource !== '') parsed.subResource = request.subResource;
  if (typeof request.name === 'string' && request.name !== '') parsed.name = request.name;
  if (typeof request.namespace === 'string' && request.namespace !== '') parsed.namespace = request.namespace;
  for (const field of ['object', 'oldObject'] as const) {
    const value = request[field];
    if (value === undefined || value === null) continue;
    if (!isObject(value)) throw new ReviewError(`request.${field} is not an object`);
    parsed[field] = value;
  }
  if ((parsed.operation === 'CREATE' || parsed.operation === 'UPDATE') && !parsed.object) {
    throw new ReviewError(`request.object is required for ${parsed.operation}`);
  }
  if (isObject(request.options)) parsed.options = request.options;
  return parsed;
}

function groupVersionKind(value: JsonValue | undefined, field: string): GroupVersionKind {
  if (!isObject(value) || typeof value.kind !== 'string' || value.kind === '' || typeof value.version !== 'string') {
    throw new ReviewError(`${field} must hold group, version and kind`);
  }
  return { group: text(value.group), version: value.version, kind: value.kind };
}

function userInfo(value: JsonValue | undefined): UserInfo {
  if (!isObject(value)) return { username: '', groups: [] };
  const groups = Array.isArray(value.groups) ? value.groups.filter((g): g is string => typeof g === 'string') : [];
  return { username: text(value.username), groups };
}

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value;
}

export function reviewResponse(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}

/** The apiVersion of the reviewed object as manifests spell it (`apps/v1`, `v1`). */
export function apiVersionOf(kind: GroupVersionKind): string {
  return kind.group === '' ? kind.version : `${kind.group}/${kind.version}`;
}
