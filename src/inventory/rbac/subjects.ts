/**
 * Subjects and the groups the API server adds implicitly at authentication:
 * - a ServiceAccount ns/x authenticates as user `system:serviceaccount:ns:x`, in the groups
 *   `system:serviceaccounts`, `system:serviceaccounts:ns` and `system:authenticated`;
 * - any other authenticated user is in `system:authenticated`;
 * - an anonymous request is user `system:anonymous` in group `system:unauthenticated`.
 */
import type { JsonValue } from '../../resources/types.js';
import { isObject } from '../../resources/workloads.js';
import type { SubjectKind, SubjectRef } from './types.js';

export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';
export const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';
export const MASTERS = 'system:masters';
const SA_USER_PREFIX = 'system:serviceaccount:';
const SA_GROUP_PREFIX = 'system:serviceaccounts:';

/** A User subject named `system:serviceaccount:ns:x` is that ServiceAccount. */
export function normaliseSubject(subject: SubjectRef): SubjectRef {
  if (subject.kind !== 'User' || !subject.name.startsWith(SA_USER_PREFIX)) return subject;
  const [namespace, name, ...rest] = subject.name.slice(SA_USER_PREFIX.length).split(':');
  if (!namespace || !name || rest.length > 0) return subject;
  return { kind: 'ServiceAccount', namespace, name };
}

/** Index key of a subject. */
export function subjectKey(subject: SubjectRef): string {
  const s = normaliseSubject(subject);
  return s.kind === 'ServiceAccount' ? `ServiceAccount:${s.namespace ?? ''}/${s.name}` : `${s.kind}:${s.name}`;
}

/**
 * A binding's subject as the authorizer reads it; a ServiceAccount without a namespace defaults to the
 * RoleBinding's namespace (and matches nothing in a ClusterRoleBinding). Unknown kinds give undefined.
 */
export function parseBindingSubject(value: JsonValue, bindingNamespace: string | undefined): SubjectRef | undefined {
  if (!isObject(value) || typeof value.kind !== 'string' || typeof value.name !== 'string') return undefined;
  const kind = value.kind;
  if (kind === 'ServiceAccount') {
    const namespace = typeof value.namespace === 'string' && value.namespace !== '' ? value.namespace : bindingNamespace;
    if (namespace === undefined) return undefined;
    return { kind, name: value.name, namespace };
  }
  if (kind === 'User' || kind === 'Group') return normaliseSubject({ kind, name: value.name });
  return undefined;
}

/** The groups a subject is in without being listed anywhere. */
export function implicitGroups(subject: SubjectRef): string[] {
  const s = normaliseSubject(subject);
  if (s.kind === 'Group') return [];
  if (s.kind === 'ServiceAccount') return [ALL_SERVICE_ACCOUNTS, `${SA_GROUP_PREFIX}${s.namespace ?? ''}`, AUTHENTICATED];
  if (s.name === ANONYMOUS) return [UNAUTHENTICATED];
  return [AUTHENTICATED];
}

/** Every index key under which a binding can grant something to the subject (itself and its groups). */
export function keysFor(subject: SubjectRef, extraGroups: readonly string[] = []): string[] {
  const groups = [...new Set([...implicitGroups(subject), ...extraGroups])];
  return [subjectKey(subject), ...groups.map((name) => subjectKey({ kind: 'Group', name }))];
}

/** Groups everyone (or every workload) is in: a grant to them is a grant to many. */
export function isBroadGroup(name: string): boolean {
  return name === AUTHENTICATED || name === UNAUTHENTICATED || name === ALL_SERVICE_ACCOUNTS || name.startsWith(SA_GROUP_PREFIX);
}

const KIND_ALIASES: Record<string, SubjectKind> = {
  user: 'User', group: 'Group', serviceaccount: 'ServiceAccount', sa: 'ServiceAccount',
};

/** Parses `KIND:[NS/]NAME` (User:alice, Group:ops, ServiceAccount:shop/web); the error text otherwise. */
export function parseSubjectSpec(spec: string): SubjectRef | string {
  const colon = spec.indexOf(':');
  if (colon <= 0) return `"${spec}" is not KIND:[NS/]NAME (KIND is User, Group or ServiceAccount)`;
  const alias = spec.slice(0, colon).toLowerCase();
  const kind = Object.hasOwn(KIND_ALIASES, alias) ? KIND_ALIASES[alias] : undefined;
  const rest = spec.slice(colon + 1);
  if (!kind) return `unknown subject kind "${spec.slice(0, colon)}" (User, Group or ServiceAccount)`;
  if (rest === '') return `"${spec}" names no subject`;
  if (kind !== 'ServiceAccount') return normaliseSubject({ kind, name: rest });
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return `a ServiceAccount is given as ServiceAccount:NAMESPACE/NAME, not "${spec}"`;
  return { kind, namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

/** Ordinal string order: stable across locales, and much cheaper than localeCompare on large answers. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const KIND_ORDER: Record<SubjectKind, number> = { Group: 0, User: 1, ServiceAccount: 2 };

/** Groups, then users, then service accounts (by namespace, then name). */
export function compareSubjects(a: SubjectRef, b: SubjectRef): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind]
    || compareText(a.namespace ?? '', b.namespace ?? '')
    || compareText(a.name, b.name);
}
