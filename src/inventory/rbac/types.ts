/** The RBAC model's value types: rules, subjects, roles and bindings as the authorizer sees them. */
import type { JsonValue, Resource } from '../../resources/types.js';

/** One PolicyRule, normalised: absent lists are empty. */
export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

export interface SubjectRef {
  kind: SubjectKind;
  name: string;
  /** ServiceAccounts only. */
  namespace?: string;
}

export type RoleKind = 'Role' | 'ClusterRole';
export type BindingKind = 'RoleBinding' | 'ClusterRoleBinding';

export interface RoleNode {
  kind: RoleKind;
  name: string;
  /** Roles only. */
  namespace?: string;
  /** The declaring resource; undefined for a role of the built-in Kubernetes baseline the input does not declare. */
  resource?: Resource;
  /** Part of the built-in Kubernetes baseline (not declared in the input). */
  builtin?: boolean;
  /** The role's `aggregationRule` as written (ClusterRoles only). */
  aggregationRule?: JsonValue;
  /** Rules as written (ignored by the authorizer when the role has an aggregationRule). */
  ownRules: PolicyRule[];
  /** Effective rules: the aggregated union for an aggregated ClusterRole, otherwise the own rules. */
  rules: PolicyRule[];
  labels: Record<string, string>;
  aggregated: boolean;
  /** In a cycle of aggregated roles: `rules` is an over-approximation (every member's rules as written included). */
  overApproximated?: boolean;
  /** Aggregated ClusterRoles whose selectors pick this role up. */
  aggregatedInto?: RoleNode[];
  /** A Kubernetes bootstrap default (rbac-defaults label, autoupdate annotation or system: prefix). */
  systemDefault: boolean;
}

export interface BindingSubject {
  subject: SubjectRef;
  /** Index key of the subject (`User:alice`, `ServiceAccount:shop/web`), computed once. */
  key: string;
  /** Index in `subjects` of the binding, for finding paths. */
  index: number;
}

export interface BindingNode {
  kind: BindingKind;
  name: string;
  /** RoleBindings only. */
  namespace?: string;
  /** The declaring resource; undefined for a binding of the built-in Kubernetes baseline. */
  resource?: Resource;
  /** Part of the built-in Kubernetes baseline (not declared in the input). */
  builtin?: boolean;
  roleRef: { kind: RoleKind; name: string };
  subjects: BindingSubject[];
  /** The role the binding references, when it is in the input or the built-in baseline. */
  role?: RoleNode;
  systemDefault: boolean;
}

/** One binding giving one role to one subject, within a namespace or cluster-wide. */
export interface Grant {
  binding: BindingNode;
  role: RoleNode;
  subject: SubjectRef;
  /** undefined: cluster-wide (ClusterRoleBinding). */
  namespace?: string;
}

/** A request as the authorizer evaluates it. */
export type AccessRequest = ResourceRequest | NonResourceRequest;

export interface ResourceRequest {
  type: 'resource';
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  name?: string;
}

export interface NonResourceRequest {
  type: 'nonResource';
  verb: string;
  path: string;
}

export function bindingLabel(binding: { kind: BindingKind; name: string; namespace?: string }): string {
  return binding.namespace === undefined ? `${binding.kind}/${binding.name}` : `${binding.kind}/${binding.namespace}/${binding.name}`;
}

export function roleLabel(role: { kind: RoleKind; name: string; namespace?: string }): string {
  return role.namespace === undefined ? `${role.kind}/${role.name}` : `${role.kind}/${role.namespace}/${role.name}`;
}

export function subjectLabel(subject: SubjectRef): string {
  return subject.namespace === undefined ? `${subject.kind}:${subject.name}` : `${subject.kind}:${subject.namespace}/${subject.name}`;
}
