/**
 * Imported vulnerabilities as A.8.8 findings: each vulnerability of an image against every in-scope
 * container that runs the image, with its remediation SLA (days per severity from when the report
 * or the evidence store first saw it). Only a vulnerability with a fix, past its SLA, fails; within
 * its SLA, without a fix or of unknown severity it is reported at `info` and says why.
 */
import type { AnnexaConfig } from '../isms/config.js';
import type { ExceptionRef, Finding, FindingSource, JsonObject, ResourceRef, Severity } from '../resources/types.js';
import { endOf } from '../engine/exceptions.js';
import type { Estate, RunningImage } from './estate.js';
import { imageKey } from './estate.js';
import type { ImageIdentity, ImportedVulnerability, ImportProvenance, VulnerabilityReport } from './types.js';
import { normaliseImage, referenceKeys } from './image-ref.js';

export const VULNERABILITY_RULE = {
  id: 'import.vulnerability',
  title: 'Known vulnerability with a fix available past its remediation SLA',
  severity: 'high' as Severity,
  rationale: 'A.8.8 asks that technical vulnerabilities be identified and remediated in a timely way: an imported scanner report shows which running images carry which vulnerabilities, and the SLA says by when each must be fixed.',
  remediation: 'Rebuild the image with the fixed package version (or a patched base image) and redeploy; or record an exception under interop.vulnerabilityExceptions in annexa.yaml.',
  controls: { iso27001: ['A.8.8'] },
};

export const DEFAULT_SLA_DAYS: Record<Exclude<Severity, 'info'>, number> = { critical: 7, high: 30, medium: 90, low: 180 };
const DAY_MS = 86_400_000;

export function slaDaysOf(config: AnnexaConfig): Record<Exclude<Severity, 'info'>, number> {
  return { ...DEFAULT_SLA_DAYS, ...Object.fromEntries(Object.entries(config.interop?.sla ?? {}).filter(([, v]) => v !== undefined)) };
}

export type SlaState = 'past-sla' | 'within-sla' | 'no-fix' | 'no-sla';

/** The key a vulnerability is first seen under in the evidence store: id, package and image. */
export function firstSeenKey(vulnerability: ImportedVulnerability, image: ImageIdentity): string {
  const imageId = image.digests[0] ?? (image.references[0] ? imageKey(image.references[0]) : image.display);
  return `${vulnerability.id}|${vulnerability.pkg}|${imageId}`;
}

export interface VulnerabilityContext {
  config: AnnexaConfig;
  now: Date;
  /** First time each key (firstSeenKey) was seen in the evidence store. */
  firstSeen: ReadonlyMap<string, string>;
  /** Times to record for keys seen now (filled in). */
  seen: Map<string, string>;
}

function provenanceSource(provenance: ImportProvenance, rule: string): FindingSource {
  return { tool: provenance.tool, ...(provenance.version ? { version: provenance.version } : {}), ...(provenance.reportTime ? { reportTime: provenance.reportTime } : {}), file: provenance.file, rule };
}

interface Judged {
  state: SlaState;
  severity: Severity;
  reason?: string;
  details: JsonObject;
  note: string;
}

function judge(vulnerability: ImportedVulnerability, start: { time: string; from: string } | undefined, ctx: VulnerabilityContext): Judged {
  const details: JsonObject = { vulnerability: vulnerability.id, package: vulnerability.pkg, installedVersion: vulnerability.installed, vulnerabilitySeverity: vulnerability.severity };
  if (vulnerability.fixed) details.fixedVersion = vulnerability.fixed;
  if (vulnerability.cvss !== undefined) details.cvss = vulnerability.cvss;
  if (vulnerability.severity === 'unknown') {
    return { state: 'no-sla', severity: 'info', reason: 'the scanner gives no severity, so no SLA applies', details: { ...details, slaState: 'no-sla' }, note: 'severity unknown: no SLA' };
  }
  const days = slaDaysOf(ctx.config)[vulnerability.severity];
  details.slaDays = days;
  if (!vulnerability.fixed) {
    return { state: 'no-fix', severity: 'info', reason: `no fixed version is known yet: the ${days}-day SLA applies once one is`, details: { ...details, slaState: 'no-fix' }, note: 'no fix available' };
  }
  const startMs = start ? Date.parse(start.time) : ctx.now.getTime();
  const due = new Date(startMs + days * DAY_MS);
  details.slaStart = start ? start.time : ctx.now.toISOString();
  details.slaStartFrom = start ? start.from : 'this import';
  details.due = due.toISOString();
  if (ctx.now.getTime() > due.getTime()) {
    const late = Math.floor((ctx.now.getTime() - due.getTime()) / DAY_MS);
    return { state: 'past-sla', severity: vulnerability.severity, details: { ...details, slaState: 'past-sla' }, note: `past its ${days}-day SLA since ${due.toISOString().slice(0, 10)}${late > 0 ? ` (${late} day${late === 1 ? '' : 's'} late)` : ''}` };
  }
  return {
    state: 'within-sla', severity: 'info', reason: `${vulnerability.severity} vulnerability within its ${days}-day SLA (due ${due.toISOString().slice(0, 10)}); it fails A.8.8 once the SLA has passed`,
    details: { ...details, slaState: 'within-sla' }, note: `within its ${days}-day SLA (due ${due.toISOString().slice(0, 10)})`,
  };
}

/** An exception's image matches a report image by normalised reference, or by repository when the exception names no tag or digest. */
function exceptionMatchesImage(exceptionImage: string | undefined, image: ImageIdentity, running: string | undefined): boolean {
  if (exceptionImage === undefined) return true;
  const wanted = normaliseImage(exceptionImage);
  if (!wanted) return false;
  const candidates = [...image.references, ...(running ? [running] : [])];
  const bareRepository = !/[:@]/.test(exceptionImage.slice(exceptionImage.lastIndexOf('/') + 1));
  for (const candidate of candidates) {
    if (bareRepository && normaliseImage(candidate)?.repository === wanted.repository) return true;
    if (referenceKeys(candidate).includes(wanted.canonical)) return true;
  }
  return wanted.digest !== undefined && image.digests.includes(wanted.digest.toLowerCase());
}

export function exceptionFor(vulnerability: ImportedVulnerability, image: ImageIdentity, running: string | undefined, config: AnnexaConfig, now: Date): { active?: ExceptionRef; expired?: ExceptionRef } {
  for (const entry of config.interop?.vulnerabilityExceptions ?? []) {
    if (entry.cve !== vulnerability.id || !exceptionMatchesImage(entry.image, image, running)) continue;
    const ref: ExceptionRef = { check: `${VULNERABILITY_RULE.id}:${entry.cve}`, justification: entry.justification, approvedBy: entry.approvedBy, expires: entry.expires, ...(entry.ticket ? { ticket: entry.ticket } : {}) };
    return endOf(entry.expires) > now.getTime() ? { active: ref } : { expired: ref };
  }
  return {};
}

/** A finding's subject when no workload runs the image (import without a scan): the image itself. */
export function imageResource(image: ImageIdentity): ResourceRef {
  return { apiVersion: 'annexa.dev/v1', kind: 'ContainerImage', name: image.display };
}

function slaStart(vulnerability: ImportedVulnerability, report: VulnerabilityReport, ctx: VulnerabilityContext): { time: string; from: string } | undefined {
  const key = firstSeenKey(vulnerability, report.image);
  const stored = ctx.firstSeen.get(key);
  const reported = report.provenance.reportTime;
  const earliest = [stored ? { time: stored, from: 'first seen in the evidence store' } : undefined, reported ? { time: reported, from: `report time of ${report.provenance.tool}` } : undefined]
    .filter((x): x is { time: string; from: string } => x !== undefined)
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))[0];
  const seenAt = earliest?.time ?? ctx.now.toISOString();
  const previous = ctx.seen.get(key);
  if (!previous || Date.parse(seenAt) < Date.parse(previous)) ctx.seen.set(key, seenAt);
  return earliest;
}

/** Findings of one report's vulnerabilities on the given targets (running containers, or the image itself). */
export function vulnerabilityFindings(report: VulnerabilityReport, targets: readonly RunningImage[], ctx: VulnerabilityContext, into: Map<string, Finding>): void {
  // One subject list per report: its findings share the resource objects (a report can hold thousands).
  const subjects = targets.length > 0
    ? targets.map((t) => ({ resource: t.workload.ref, path: t.container.path, location: t.workload.location, outOfScope: t.workload.outOfScope, image: t.container.image }))
    : [{ resource: imageResource(report.image), path: 'image', location: undefined, outOfScope: undefined, image: undefined }];
  for (const vulnerability of report.vulnerabilities) {
    const judged = judge(vulnerability, slaStart(vulnerability, report, ctx), ctx);
    for (const subject of subjects) {
      const key = `${subject.resource.kind}|${subject.resource.namespace ?? ''}|${subject.resource.name}|${subject.path}|${vulnerability.id}|${vulnerability.pkg}|${vulnerability.installed}`;
      const source = provenanceSource(report.provenance, vulnerability.id);
      const existing = into.get(key);
      if (existing) {
        if (!existing.sources!.some((s) => s.tool === source.tool && s.file === source.file)) existing.sources!.push(source);
        continue;
      }
      const shown = subject.image ?? report.image.display;
      const finding: Finding = {
        checkId: VULNERABILITY_RULE.id,
        title: VULNERABILITY_RULE.title,
        severity: judged.severity,
        resource: subject.resource,
        path: subject.path,
        message: `${vulnerability.id} in ${vulnerability.pkg} ${vulnerability.installed}${vulnerability.fixed ? ` (fixed in ${vulnerability.fixed})` : ''} of image ${shown}: ${vulnerability.severity}, ${judged.note}`,
        remediation: VULNERABILITY_RULE.remediation,
        controls: VULNERABILITY_RULE.controls,
        details: { ...judged.details, image: shown },
        sources: [source],
      };
      if (subject.location) finding.location = subject.location;
      if (judged.reason) finding.severityReason = judged.reason;
      if (subject.outOfScope !== undefined) finding.outOfScope = { reason: subject.outOfScope };
      const exception = exceptionFor(vulnerability, report.image, subject.image, ctx.config, ctx.now);
      if (exception.active) finding.excepted = exception.active;
      if (exception.expired) {
        finding.exceptionExpired = exception.expired;
        finding.message += ` (exception${exception.expired.ticket ? ` ${exception.expired.ticket}` : ''} expired on ${exception.expired.expires})`;
      }
      into.set(key, finding);
    }
  }
}

/** The containers a report is about: the workload a cluster report names, else every container running the image. */
export function targetsOf(report: VulnerabilityReport, estate: Estate): RunningImage[] {
  if (report.workload) {
    const workload = estate.findWorkload(report.workload);
    if (workload) {
      const containers = workload.images.filter((c) => report.workload!.container === undefined || c.container === report.workload!.container);
      const matching = containers.filter((c) => estate.running(report.image).some((r) => r.container === c)) ;
      const chosen = matching.length > 0 ? matching : containers;
      if (chosen.length > 0) return chosen.map((container) => ({ workload, container, key: imageKey(container.image) }));
    }
  }
  return estate.running(report.image);
}
