/**
 * The admission decision, a pure function of the request, the findings the engine produced for
 * its object and the settings: which findings deny, which warn, what the API server is told.
 */
import type { Finding, Severity } from '../resources/types.js';
import { formatRef, severityRank } from '../resources/types.js';
import { matchesNamespacePattern } from '../isms/config.js';
import type { AdmissionRequest, AdmissionResponse } from './review.js';
import type { AdmissionSettings } from './settings.js';

/** Why a review was allowed without evaluating the object. */
export type SkipReason = 'operation' | 'subresource' | 'exempt-user' | 'exempt-namespace';

/** Subresources whose writes change what checks judge (a Pod's ephemeral containers); other subresources are not evaluated. */
const EVALUATED_SUBRESOURCES = new Set(['ephemeralcontainers']);

/** Whether the request is allowed without evaluation, and why. */
export function skipReason(request: AdmissionRequest, settings: AdmissionSettings): SkipReason | undefined {
  if (request.operation === 'DELETE' || request.operation === 'CONNECT') return 'operation';
  if (request.subResource !== undefined && !EVALUATED_SUBRESOURCES.has(request.subResource)) return 'subresource';
  if (settings.exemptUsers.includes(request.userInfo.username)) return 'exempt-user';
  const namespace = request.namespace;
  if (namespace !== undefined && settings.exemptNamespaces.some((pattern) => matchesNamespacePattern(pattern, namespace))) return 'exempt-namespace';
  return undefined;
}

export type DecisionOutcome = 'allowed' | 'warned' | 'denied';

export interface ErroredCheck {
  checkId: string;
  message: string;
}

export interface Decision {
  outcome: DecisionOutcome;
  response: AdmissionResponse;
  /** Findings that count (in ISMS scope, not excepted). */
  findings: Finding[];
  /** Findings at or above failOn. */
  blocking: Finding[];
  errored: ErroredCheck[];
  skipped?: SkipReason;
}

const MAX_WARNINGS = 20;
/** The API server truncates long warnings; keep each one readable. */
const MAX_WARNING_CHARS = 256;
const MAX_MESSAGE_CHARS = 8192;

export function allowedWithoutEvaluation(request: AdmissionRequest, reason: SkipReason): Decision {
  return { outcome: 'allowed', response: { uid: request.uid, allowed: true }, findings: [], blocking: [], errored: [], skipped: reason };
}

/**
 * enforce: deny for findings at or above failOn (and for errored checks under failurePolicy Fail),
 * warn for the rest. warn: allow, every finding a warning. audit: allow, findings only recorded
 * (and summarised in audit annotations).
 */
export function decide(request: AdmissionRequest, all: readonly Finding[], errored: readonly ErroredCheck[], settings: AdmissionSettings): Decision {
  const findings = all.filter((finding) => !finding.outOfScope && !finding.excepted);
  const threshold = severityRank(settings.failOn);
  // A custom policy bound only with Warn or Audit actions is advisory: it never denies.
  const blocks = (finding: Finding) => severityRank(finding.severity) >= threshold && finding.details?.advisory !== true;
  const blocking = findings.filter(blocks);
  const below = findings.filter((finding) => !blocks(finding));
  const response: AdmissionResponse = { uid: request.uid, allowed: true };
  const base = { findings, blocking, errored: [...errored] };
  if (findings.length > 0 || errored.length > 0) response.auditAnnotations = auditAnnotations(findings, errored);

  if (settings.mode === 'audit') return { ...base, outcome: 'allowed', response };
  if (settings.mode === 'warn') {
    const warnings = [...findings.map(warningOf), ...errored.map(erroredWarning)];
    if (warnings.length > 0) response.warnings = capWarnings(warnings);
    return { ...base, outcome: warnings.length > 0 ? 'warned' : 'allowed', response };
  }
  const erroredDenies = settings.failurePolicy === 'Fail' ? errored : [];
  const warnings = [...below.map(warningOf), ...(settings.failurePolicy === 'Ignore' ? errored.map(erroredWarning) : [])];
  if (warnings.length > 0) response.warnings = capWarnings(warnings);
  if (blocking.length === 0 && erroredDenies.length === 0) return { ...base, outcome: warnings.length > 0 ? 'warned' : 'allowed', response };
  response.allowed = false;
  response.status = { code: 403, reason: 'Forbidden', message: denialMessage(request, blocking, erroredDenies, settings.failOn) };
  return { ...base, outcome: 'denied', response };
}

function subjectOf(finding: Finding): string {
  return formatRef(finding.resource);
}

function denialMessage(request: AdmissionRequest, blocking: readonly Finding[], errored: readonly ErroredCheck[], failOn: Severity): string {
  const subject = blocking[0] ? subjectOf(blocking[0]) : requestSubject(request);
  const parts = blocking.map((finding) => `[${finding.checkId}] (${finding.severity}) ${at(finding)}${sentence(finding.message)}${finding.remediation ? ` Fix: ${firstSentence(finding.remediation)}` : ''}`);
  for (const error of errored) parts.push(`[${error.checkId}] could not be evaluated (${error.message}); denied because admission.failurePolicy is Fail`);
  const head = `annexa denied ${subject}: ${blocking.length} violation${blocking.length === 1 ? '' : 's'} at or above ${failOn}${errored.length > 0 ? `, ${errored.length} check${errored.length === 1 ? '' : 's'} errored` : ''}`;
  const message = `${head}. ${parts.join('; ')}`;
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…` : message;
}

/** `path: ` before the message; nothing for findings about the whole object (custom policies). */
function at(finding: Finding): string {
  return finding.path === '' ? '' : `${finding.path}: `;
}

function requestSubject(request: AdmissionRequest): string {
  const metadata = request.object?.metadata;
  const objectName = metadata && typeof metadata === 'object' && !Array.isArray(metadata) && typeof metadata.name === 'string' ? metadata.name : undefined;
  const name = objectName ?? request.name ?? '';
  return request.namespace ? `${request.kind.kind}/${request.namespace}/${name}` : `${request.kind.kind}/${name}`;
}

/** The message ending with a full stop, so that "Fix:" reads as a new sentence. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(\s|$)/s.exec(text.trim());
  return (match ? match[1]! : text.trim()).replace(/\s+/g, ' ');
}

function warningOf(finding: Finding): string {
  const text = `[${finding.checkId}] (${finding.severity}) ${at(finding)}${finding.message}`;
  return text.length > MAX_WARNING_CHARS ? `${text.slice(0, MAX_WARNING_CHARS - 1)}…` : text;
}

function erroredWarning(error: ErroredCheck): string {
  return `[${error.checkId}] could not be evaluated: ${error.message}`.slice(0, MAX_WARNING_CHARS);
}

function capWarnings(warnings: string[]): string[] {
  if (warnings.length <= MAX_WARNINGS) return warnings;
  return [...warnings.slice(0, MAX_WARNINGS - 1), `… and ${warnings.length - MAX_WARNINGS + 1} more findings`];
}

function auditAnnotations(findings: readonly Finding[], errored: readonly ErroredCheck[]): Record<string, string> {
  const annotations: Record<string, string> = { 'annexa.dev/findings': String(findings.length) };
  const checks = [...new Set(findings.map((finding) => finding.checkId))];
  if (checks.length > 0) annotations['annexa.dev/checks'] = checks.join(',').slice(0, 1024);
  if (errored.length > 0) annotations['annexa.dev/errored-checks'] = errored.map((e) => e.checkId).join(',').slice(0, 1024);
  return annotations;
}
