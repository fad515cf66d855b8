/** What the RBAC detections read from a requested Role, ClusterRole or binding. */
import { asObject, type AuditEvent } from '../event.js';
import type { JsonValue } from '../../resources/types.js';

/** System roles that grant nothing sensitive (discovery and self-review). */
const HARMLESS_SYSTEM_ROLES: ReadonlySet<string> = new Set(['system:discovery', 'system:basic-user', 'system:public-info-viewer', 'system:service-account-issuer-discovery']);

/** Roles that are (close to) full control: cluster-admin, admin, and the control plane's own roles. */
export function isPrivilegedRole(name: string): boolean {
  return name === 'cluster-admin' || name === 'admin' || (name.startsWith('system:') && !HARMLESS_SYSTEM_ROLES.has(name));
}

export function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function rulesOf(event: AuditEvent): Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> | undefined {
  const object = asObject(event.requestObject);
  if (!object) return undefined;
  const rules = Array.isArray(object.rules) ? object.rules : [];
  return rules.map((rule) => {
    const r = asObject(rule) ?? {};
    return { apiGroups: strings(r.apiGroups), resources: strings(r.resources), verbs: strings(r.verbs) };
  });
}

export function rbacWrite(event: AuditEvent, resources: readonly string[]): boolean {
  const ref = event.objectRef;
  return ref?.resource !== undefined && !ref.subresource && resources.includes(ref.resource) && (event.verb === 'create' || event.verb === 'update' || event.verb === 'patch');
}
