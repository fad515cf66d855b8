/**
 * What an admin changes from the dashboard, each change one `isms` evidence record naming who made
 * it: a nonconformity's status, owner, root cause, corrective action or due date (the same rules as
 * `annexa isms nc update`: statuses move forward; closing needs a later passing scan), and a
 * control's SoA entry (applicability, justification, implementation status, owner).
 */
import { z } from 'zod';
import { IMPLEMENTATION_STATUSES } from '../isms/records.js';
import { isoControl } from '../frameworks/iso27001.js';
import { checkTransition, ncDraft, NcTransitionError, type NcPayload } from '../isms/nonconformities.js';
import { scopeOf } from '../evidence/scan-record.js';
import type { AppendedRecord } from '../evidence/types.js';
import type { JsonObject } from '../resources/types.js';
import type { Principal } from './auth.js';
import type { DashboardData } from './data.js';

/** A change that cannot be made: answered 400 (or 404 when `missing`) with the message. */
export class EditError extends Error {
  constructor(message: string, readonly missing = false) {
    super(message);
  }
}

const text = (max: number) => z.string().trim().min(1).max(max);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

const ncChange = z.object({
  status: z.enum(['corrective-action', 'verified', 'closed']).optional(),
  owner: text(200).optional(),
  rootCause: text(4000).optional(),
  correctiveAction: text(4000).optional(),
  dueDate: date.optional(),
  note: text(4000).optional(),
}).strict();

const soaChange = z.object({
  applicable: z.boolean().optional(),
  justification: text(4000).optional(),
  implementationStatus: z.enum(IMPLEMENTATION_STATUSES).optional(),
  owner: text(200).optional(),
  note: text(4000).optional(),
}).strict().refine((change) => change.applicable !== false || change.justification !== undefined, { message: 'excluding a control needs a justification' });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new EditError(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return parsed.data;
}

export async function updateNonconformity(data: DashboardData, principal: Principal, id: string, body: unknown): Promise<AppendedRecord> {
  const change = parse(ncChange, body);
  await data.refresh();
  const current = data.nonconformities().find((nc) => nc.id === id);
  if (!current) throw new EditError(`no nonconformity "${id}"`, true);
  const fields = Object.keys(change);
  if (fields.length === 0) throw new EditError('nothing to record: give status, owner, rootCause, correctiveAction, dueDate or note');
  try {
    if (change.status) checkTransition(current, change.status, change.status === 'closed' ? data.latestScanOfScopeAfter(current.scope, current.openedSeq) : undefined);
  } catch (error) {
    if (error instanceof NcTransitionError) throw new EditError(error.message);
    throw error;
  }
  const closing = change.status === 'closed';
  const payload: NcPayload & { actor: string } = { kind: 'nonconformity', event: closing ? 'closed' : 'updated', nc: id, ...change, actor: principal.user };
  if (closing) payload.evidence = data.latestScanOfScopeAfter(current.scope, current.openedSeq)!.id;
  const [record] = await data.store.append([ncDraft(scopeOf(data.config()), payload)]);
  await data.refresh();
  return record!;
}

export async function editSoaEntry(data: DashboardData, principal: Principal, control: string, body: unknown): Promise<AppendedRecord> {
  if (!isoControl(control)) throw new EditError(`no Annex A control "${control}"`, true);
  const change = parse(soaChange, body);
  if (Object.keys(change).filter((key) => key !== 'note').length === 0) throw new EditError('nothing to record: give applicable, justification, implementationStatus or owner');
  const payload: JsonObject = { kind: 'soa-entry', control, ...change, actor: principal.user };
  await data.refresh();
  const [record] = await data.store.append([{ type: 'isms', scope: scopeOf(data.config()), configDigest: null, inputDigest: null, payload }]);
  await data.refresh();
  return record!;
}

const exceptionReview = z.object({
  check: text(200),
  resource: z.object({ kind: text(100), namespace: text(253).optional(), name: text(253) }).strict(),
  decision: z.enum(['keep', 'renew', 'revoke']),
  note: text(4000),
}).strict();

/**
 * An admin's review of an exception (keep, renew or revoke, with the reason). Exceptions are applied
 * by scans from annexa.yaml: the review is a record of the decision for the ISMS, which the
 * exceptions page shows; the change itself is made in annexa.yaml.
 */
export async function reviewException(data: DashboardData, principal: Principal, body: unknown): Promise<AppendedRecord> {
  const review = parse(exceptionReview, body);
  await data.refresh();
  const known = data.config().exceptions.some((e) => e.check === review.check && e.resource.kind === review.resource.kind && e.resource.name === review.resource.name
    && (e.resource.namespace ?? '') === (review.resource.namespace ?? ''));
  if (!known) throw new EditError(`no exception for ${review.check} on ${review.resource.kind} ${review.resource.namespace ? `${review.resource.namespace}/` : ''}${review.resource.name} in the configuration of the latest recorded scan`, true);
  const payload: JsonObject = { kind: 'exception-review', ...review, resource: { ...review.resource }, actor: principal.user };
  const [record] = await data.store.append([{ type: 'isms', scope: scopeOf(data.config()), configDigest: null, inputDigest: null, payload }]);
  await data.refresh();
  return record!;
}
