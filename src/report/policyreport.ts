/**
 * Findings as Kubernetes policy reports: `wgpolicyk8s.io/v1alpha2` PolicyReport (one per namespace)
 * and ClusterPolicyReport (cluster-scoped resources), the CRDs Kyverno and Policy Reporter read, or
 * their successor `openreports.io/v1alpha1` Report and ClusterReport.
 *
 * Pure: the same input gives the same objects (no clock, no I/O). `buildPolicyReports` builds whole
 * reports in memory (for a watcher's or a test's bounded set of findings); the scan's streaming
 * reporter uses the same pieces (`policyResult`, `passResult`, `reportFor`, …) one result at a time.
 *
 * Mapping (docs/reports.md):
 * - `policy`: the check id; `rule`: the check id too (one check is one rule); `category`: the
 *   check's domain (`workload`, `rbac`, …); `severity`: the finding's severity; `source`: `annexa`.
 * - `result`: `fail` for a finding, `warn` for an `info` finding (info never fails a control),
 *   `skip` for a finding an active exception accepts or one outside the ISMS scope, `pass` for a
 *   check evaluated on a resource without a finding, `error` for a check that threw on a resource.
 * - `resources`: the finding's resource, with the field path of the finding as `fieldPath`.
 * - `properties` (strings only, as the CRD requires): the Annex A controls (`controls`), other
 *   frameworks' ids, the check's title, the remediation, the source location, and why a result was
 *   skipped. Never a resource's data: a finding carries none.
 */
import type { ControlRefs, Finding, InputError, ResourceRef, Severity } from '../resources/types.js';
import { formatRef } from '../resources/types.js';
import { exceptionText } from '../engine/exceptions.js';

export type PolicyReportApi = 'wgpolicyk8s' | 'openreports';
export const POLICY_REPORT_APIS: readonly PolicyReportApi[] = ['wgpolicyk8s', 'openreports'];

export type PolicyResultValue = 'pass' | 'fail' | 'warn' | 'error' | 'skip';
export const POLICY_RESULT_VALUES: readonly PolicyResultValue[] = ['pass', 'fail', 'warn', 'error', 'skip'];

/** An ObjectReference as the CRDs define it (`resources[]`). */
export interface PolicyResourceRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  fieldPath?: string;
}

export interface PolicyResult {
  source: string;
  policy: string;
  rule: string;
  category: string;
  result: PolicyResultValue;
  severity?: Severity;
  scored: boolean;
  message: string;
  resources?: PolicyResourceRef[];
  properties?: Record<string, string>;
  timestamp?: { seconds: number; nanos: number };
}

export type PolicyReportSummary = Record<PolicyResultValue, number>;

export interface PolicyReport {
  apiVersion: 'wgpolicyk8s.io/v1alpha2' | 'openreports.io/v1alpha1';
  kind: 'PolicyReport' | 'ClusterPolicyReport' | 'Report' | 'ClusterReport';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  /** openreports.io only: the tool that produced the report. */
  source?: string;
  summary: PolicyReportSummary;
  results: PolicyResult[];
}

/** What a check contributes to its results: its domain (the category) and title. */
export interface PolicyCheckInfo {
  id: string;
  domain: string;
  title: string;
  controls?: ControlRefs;
}

export interface PolicyReportOptions {
  /** `wgpolicyk8s` (default): wgpolicyk8s.io/v1alpha2; `openreports`: openreports.io/v1alpha1. */
  api?: PolicyReportApi;
  /** The `source` of every result (and of an openreports report); default `annexa`. */
  source?: string;
  /** The time of the results; without it, results carry no timestamp (the builder reads no clock). */
  timestamp?: Date;
  /** The checks that ran (outcome.checks): category and title of each result; needed for pass and error results. */
  checks?: readonly PolicyCheckInfo[];
  /** Per resource, the checks evaluated on it (ScannedResource.evaluated): each one without a finding there is a `pass`. */
  evaluated?: Iterable<{ ref: ResourceRef; checks: readonly string[] }>;
  /** The scan's input errors (outcome.errors): a check that threw on a resource is an `error` result. */
  errors?: readonly InputError[];
  /** Extra labels on every report (metadata.labels). */
  labels?: Record<string, string>;
}

export const DEFAULT_POLICY_SOURCE = 'annexa';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** The report of cluster-scoped resources (and of findings about no namespace). */
export const CLUSTER_REPORT_NAME = 'annexa-cluster';

const API_VERSIONS = { wgpolicyk8s: 'wgpolicyk8s.io/v1alpha2', openreports: 'openreports.io/v1alpha1' } as const;
const KINDS = {
  wgpolicyk8s: { namespaced: 'PolicyReport', cluster: 'ClusterPolicyReport' },
  openreports: { namespaced: 'Report', cluster: 'ClusterReport' },
} as const;

/** The name of a namespace's report: `annexa-<namespace>` (a namespace name is a DNS label, so this stays a valid name). */
export function reportName(namespace: string | undefined): string {
  return namespace === undefined ? CLUSTER_REPORT_NAME : `annexa-${namespace}`;
}

/** The report's namespace for a resource: its own, or none (cluster report) for cluster-scoped resources. */
export function reportNamespace(ref: ResourceRef): string | undefined {
  return ref.namespace === undefined || ref.namespace === '' ? undefined : ref.namespace;
}

export function emptySummary(): PolicyReportSummary {
  return { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
}

/** An empty report (no results, zero summary) for a namespace, or the cluster report for `undefined`. */
export function reportFor(namespace: string | undefined, options: Pick<PolicyReportOptions, 'api' | 'source' | 'labels'> = {}): PolicyReport {
  const api = options.api ?? 'wgpolicyk8s';
  const metadata: PolicyReport['metadata'] = { name: reportName(namespace), labels: { ...options.labels, [MANAGED_BY_LABEL]: 'annexa' } };
  if (namespace !== undefined) metadata.namespace = namespace;
  const report: PolicyReport = {
    apiVersion: API_VERSIONS[api],
    kind: namespace === undefined ? KINDS[api].cluster : KINDS[api].namespaced,
    metadata,
    summary: emptySummary(),
    results: [],
  };
  if (api === 'openreports') report.source = options.source ?? DEFAULT_POLICY_SOURCE;
  return report;
}

/** The outcome of one finding: see the module comment. */
export function resultOf(finding: Finding): PolicyResultValue {
  if (finding.outOfScope || finding.excepted) return 'skip';
  return finding.severity === 'info' ? 'warn' : 'fail';
}

/** One finding as a report result. */
export function policyResult(finding: Finding, options: ResultOptions = {}): PolicyResult {
  const result = baseResult(finding.checkId, resultOf(finding), finding.message, options);
  result.severity = finding.severity;
  result.resources = [resourceRef(finding.resource, finding.path)];
  result.properties = findingProperties(finding);
  return result;
}

/** A check evaluated on a resource without a finding there. */
export function passResult(ref: ResourceRef, check: PolicyCheckInfo, options: ResultOptions = {}): PolicyResult {
  const result = baseResult(check.id, 'pass', `${check.title}: no violation`, { ...options, check });
  result.resources = [resourceRef(ref)];
  if (check.controls) result.properties = { ...controlProperties(check.controls), title: check.title };
  return result;
}

/** A check that threw on a resource: its result there is unknown. */
export function errorResult(checkId: string, ref: ResourceRef, message: string, options: ResultOptions = {}): PolicyResult {
  const result = baseResult(checkId, 'error', message, options);
  result.resources = [resourceRef(ref)];
  return result;
}

export interface ResultOptions {
  source?: string;
  timestamp?: Date;
  /** The check the result is about (category and title); otherwise the category is the id's domain prefix. */
  check?: PolicyCheckInfo;
}

function baseResult(checkId: string, value: PolicyResultValue, message: string, options: ResultOptions): PolicyResult {
  const result: PolicyResult = {
    source: options.source ?? DEFAULT_POLICY_SOURCE,
    policy: checkId,
    rule: checkId,
    category: options.check?.domain ?? domainOf(checkId),
    result: value,
    scored: true,
    message,
  };
  if (options.timestamp) result.timestamp = timestampOf(options.timestamp);
  return result;
}

/** `workload.privileged-container` → `workload`. */
function domainOf(checkId: string): string {
  const dot = checkId.indexOf('.');
  return dot > 0 ? checkId.slice(0, dot) : checkId;
}

function timestampOf(date: Date): { seconds: number; nanos: number } {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

function resourceRef(ref: ResourceRef, fieldPath?: string): PolicyResourceRef {
  const out: PolicyResourceRef = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name };
  if (ref.namespace !== undefined && ref.namespace !== '') out.namespace = ref.namespace;
  if (fieldPath) out.fieldPath = fieldPath;
  return out;
}

/** `controls`: the Annex A ids; one property per other framework the check maps to (`cis`, `nsa`, …). */
function controlProperties(controls: ControlRefs): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [framework, ids] of Object.entries(controls)) {
    if (!Array.isArray(ids) || ids.length === 0) continue;
    properties[framework === 'iso27001' ? 'controls' : framework] = (ids as string[]).join(',');
  }
  return properties;
}

function findingProperties(finding: Finding): Record<string, string> {
  const properties: Record<string, string> = { ...controlProperties(finding.controls), title: finding.title, remediation: finding.remediation };
  const location = locationText(finding);
  if (location) properties.location = location;
  if (finding.severityReason) properties.severityReason = finding.severityReason;
  if (finding.rules && finding.rules.length > 1) properties.rules = finding.rules.join(',');
  if (finding.outOfScope) properties.outOfScope = finding.outOfScope.reason;
  if (finding.excepted) {
    properties.exception = exceptionText(finding.excepted);
    properties.exceptionExpires = finding.excepted.expires;
  }
  if (finding.exceptionExpired) properties.exceptionExpired = exceptionText(finding.exceptionExpired);
  return properties;
}

function locationText(finding: Finding): string | undefined {
  const location = finding.location;
  if (!location?.file) return undefined;
  return [location.file, location.line, location.column].filter((part) => part !== undefined).join(':');
}

/** Counts one more result in a summary. */
export function tally(summary: PolicyReportSummary, result: PolicyResultValue): void {
  summary[result] += 1;
}

/**
 * Per resource, the evaluated checks without a finding (of that check, or naming it in `rules`)
 * on the resource: each one a pass. Checks not in `checks` are left out (no title to show).
 */
export function* passesOf(
  evaluated: { ref: ResourceRef; checks: readonly string[] },
  findings: readonly Finding[],
  checks: ReadonlyMap<string, PolicyCheckInfo>,
): Generator<[ResourceRef, PolicyCheckInfo]> {
  const flagged = new Set<string>();
  for (const finding of findings) {
    flagged.add(finding.checkId);
    for (const rule of finding.rules ?? []) flagged.add(rule);
  }
  for (const id of evaluated.checks) {
    const check = checks.get(id);
    if (check && !flagged.has(id)) yield [evaluated.ref, check];
  }
}

/** The check failures among a scan's input errors that name a resource (engine/evaluate.ts `CheckFailure`). */
export function checkFailures(errors: readonly InputError[]): Array<{ checkId: string; resource: ResourceRef; message: string }> {
  const failures: Array<{ checkId: string; resource: ResourceRef; message: string }> = [];
  for (const error of errors) {
    const { checkId, resource } = error as InputError & { checkId?: unknown; resource?: ResourceRef };
    if (typeof checkId === 'string' && resource) failures.push({ checkId, resource, message: error.message });
  }
  return failures;
}

/**
 * Whole reports from findings (and optionally the evaluated checks, for passes, and the scan's
 * errors): the cluster report first (only when it has results), then one report per namespace in
 * name order. Results keep their input order: findings, then passes, then errors.
 */
export function buildPolicyReports(findings: Iterable<Finding>, options: PolicyReportOptions = {}): PolicyReport[] {
  const checks = new Map((options.checks ?? []).map((check) => [check.id, check]));
  const resultOptions = (checkId: string): ResultOptions => ({ ...sourceAndTime(options), ...(checks.has(checkId) ? { check: checks.get(checkId)! } : {}) });
  const reports = new Map<string, PolicyReport>();
  const add = (ref: ResourceRef, result: PolicyResult) => {
    const namespace = reportNamespace(ref);
    const key = namespace ?? '';
    let report = reports.get(key);
    if (!report) reports.set(key, (report = reportFor(namespace, options)));
    report.results.push(result);
    tally(report.summary, result.result);
  };
  const byResource = new Map<string, Finding[]>();
  for (const finding of findings) {
    add(finding.resource, policyResult(finding, resultOptions(finding.checkId)));
    const key = formatRef(finding.resource);
    const list = byResource.get(key);
    if (list) list.push(finding);
    else byResource.set(key, [finding]);
  }
  for (const evaluated of options.evaluated ?? []) {
    for (const [ref, check] of passesOf(evaluated, byResource.get(formatRef(evaluated.ref)) ?? [], checks)) add(ref, passResult(ref, check, sourceAndTime(options)));
  }
  for (const failure of checkFailures(options.errors ?? [])) add(failure.resource, errorResult(failure.checkId, failure.resource, failure.message, resultOptions(failure.checkId)));
  return [...reports.entries()].sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)).map(([, report]) => report);
}

function sourceAndTime(options: PolicyReportOptions): ResultOptions {
  const out: ResultOptions = {};
  if (options.source !== undefined) out.source = options.source;
  if (options.timestamp !== undefined) out.timestamp = options.timestamp;
  return out;
}

/** The checks of a scan outcome as the builder needs them. */
export function policyCheckInfo(checks: ReadonlyArray<{ id: string; domain: string; title: string; controls: ControlRefs }>): PolicyCheckInfo[] {
  return checks.map(({ id, domain, title, controls }) => ({ id, domain, title, controls }));
}
