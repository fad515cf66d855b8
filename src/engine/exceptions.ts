/**
 * Exceptions (risk acceptance) from annexa.yaml, applied to findings as the engine produces them,
 * so every output sees the same decision. An active exception marks its findings `excepted` (out
 * of the failing set, still reported); an expired one no longer suppresses, and its findings carry
 * `exceptionExpired` and a note in their message. Lookups are one map access per finding.
 */
import type { AnnexaConfig } from '../isms/config.js';
import type { ExceptionRef, Finding } from '../resources/types.js';

type ExceptionEntry = AnnexaConfig['exceptions'][number];

const DAY_MS = 86_400_000;
export const EXPIRY_WARNING_DAYS = 30;

/** The first instant an exception no longer applies: the day after its `expires` date, 00:00 UTC. */
export function endOf(expires: string): number {
  return Date.parse(`${expires}T00:00:00Z`) + DAY_MS;
}

function keyOf(check: string, kind: string, namespace: string | undefined, name: string): string {
  return `${check}\u0000${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

function refOf(entry: ExceptionEntry): ExceptionRef {
  const ref: ExceptionRef = { check: entry.check, justification: entry.justification, approvedBy: entry.approvedBy, expires: entry.expires };
  if (entry.ticket !== undefined) ref.ticket = entry.ticket;
  return ref;
}

export interface ExceptionNotice {
  exception: ExceptionRef;
  resource: ExceptionEntry['resource'];
  status: 'expired' | 'expiring';
  /** Whole days until expiry (negative once expired). */
  days: number;
  message: string;
}

export class ExceptionIndex {
  private readonly active = new Map<string, Array<{ entry: ExceptionEntry; ref: ExceptionRef }>>();
  private readonly expired = new Map<string, Array<{ entry: ExceptionEntry; ref: ExceptionRef }>>();
  readonly notices: ExceptionNotice[] = [];
  readonly size: number;

  constructor(entries: readonly ExceptionEntry[], now: Date = new Date()) {
    this.size = entries.length;
    for (const entry of entries) {
      const ref = refOf(entry);
      const end = endOf(entry.expires);
      const days = Math.ceil((end - now.getTime()) / DAY_MS) - 1;
      const target = end <= now.getTime() ? this.expired : this.active;
      const key = keyOf(entry.check, entry.resource.kind, entry.resource.namespace, entry.resource.name);
      const list = target.get(key);
      if (list) list.push({ entry, ref });
      else target.set(key, [{ entry, ref }]);
      const what = `exception for ${entry.check} on ${describe(entry.resource)}${entry.ticket ? ` (${entry.ticket})` : ''}`;
      if (end <= now.getTime()) {
        this.notices.push({ exception: ref, resource: entry.resource, status: 'expired', days, message: `${what} expired on ${entry.expires}; its findings count again` });
      } else if (days <= EXPIRY_WARNING_DAYS) {
        this.notices.push({ exception: ref, resource: entry.resource, status: 'expiring', days, message: `${what} expires on ${entry.expires} (${days === 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`})` });
      }
    }
  }

  private match(map: Map<string, Array<{ entry: ExceptionEntry; ref: ExceptionRef }>>, finding: Finding): ExceptionRef | undefined {
    const { kind, namespace, name, apiVersion } = finding.resource;
    const candidates = map.get(keyOf(finding.checkId, kind, namespace, name));
    return candidates?.find(({ entry }) => entry.resource.apiVersion === undefined || entry.resource.apiVersion === apiVersion)?.ref;
  }

  /** Marks a finding excepted, or notes that its exception expired. */
  apply(finding: Finding): void {
    if (this.size === 0) return;
    const active = this.match(this.active, finding);
    if (active) {
      finding.excepted = active;
      return;
    }
    const expired = this.match(this.expired, finding);
    if (expired) {
      finding.exceptionExpired = expired;
      finding.message = `${finding.message} (exception${expired.ticket ? ` ${expired.ticket}` : ''} expired on ${expired.expires})`;
    }
  }
}

function describe(resource: ExceptionEntry['resource']): string {
  return resource.namespace ? `${resource.kind}/${resource.namespace}/${resource.name}` : `${resource.kind}/${resource.name}`;
}

/** An exception as one line: justification, approver, expiry, ticket. */
export function exceptionText(exception: ExceptionRef): string {
  return `${exception.justification} (approved by ${exception.approvedBy}, expires ${exception.expires}${exception.ticket ? `, ${exception.ticket}` : ''})`;
}
