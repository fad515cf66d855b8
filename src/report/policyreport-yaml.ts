/**
 * `-o policyreport`: the scan as multi-document YAML, one PolicyReport per namespace and a
 * ClusterPolicyReport (or openreports.io Report/ClusterReport), streamed. Results are rendered
 * when their resource is scanned and filed under the report's namespace in a KeyedSpool; each
 * report is written at the end with its results, then its summary (tallied as results arrive).
 * Each result is one line, a YAML flow mapping (JSON with the characters YAML does not allow
 * raw escaped), so the documents stay readable and `kubectl apply -f` takes them as they are.
 */
import { Option } from 'commander';
import type { ScannedResource } from '../engine/scan.js';
import type { ScanOutcome } from '../posture/outcome.js';
import type { Finding } from '../resources/types.js';
import { KeyedSpool } from './keyed-spool.js';
import type { ReporterFactory } from './reporter.js';
import {
  emptySummary, errorNamespace, errorResult, passesOf, passResult, policyCheckInfo, policyResult, reportFor, reportNamespace, tally,
  POLICY_REPORT_APIS, type PolicyCheckInfo, type PolicyReport, type PolicyReportApi, type PolicyReportSummary, type PolicyResult, type ResultOptions,
} from './policyreport.js';

/** JSON as a YAML 1.2 flow scalar or collection: escapes the characters YAML wants escaped (C1 controls, DEL, BOM, non-characters, line separators). */
export function yamlFlow(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The lines of one report document, its results given as already rendered flow mappings. */
export function* reportDocument(report: Omit<PolicyReport, 'results'>, results: Iterable<string>, count: number): Generator<string> {
  yield '---';
  yield `apiVersion: ${report.apiVersion}`;
  yield `kind: ${report.kind}`;
  yield `metadata: ${yamlFlow(report.metadata)}`;
  if (report.source !== undefined) yield `source: ${yamlFlow(report.source)}`;
  if (count === 0) {
    yield 'results: []';
  } else {
    yield 'results:';
    for (const result of results) yield `- ${result}`;
  }
  yield `summary: ${yamlFlow(report.summary)}`;
}

const CLUSTER_KEY = '';

export const policyReportReporter: ReporterFactory = ({ write, policyReportApi, filtered }) => {
  const api: PolicyReportApi = policyReportApi ?? 'wgpolicyk8s';
  const resultOptions: ResultOptions = { timestamp: new Date() };
  const spool = new KeyedSpool();
  const summaries = new Map<string, PolicyReportSummary>();

  const add = (namespace: string | undefined, result: PolicyResult) => {
    const key = namespace ?? CLUSTER_KEY;
    let summary = summaries.get(key);
    if (!summary) summaries.set(key, (summary = emptySummary()));
    tally(summary, result.result);
    spool.append(key, yamlFlow(result));
  };
  const addFindings = (findings: readonly Finding[]) => {
    for (const finding of findings) add(reportNamespace(finding.resource), policyResult(finding, resultOptions));
  };
  // Passes need the checks' titles, which the outcome brings at the end: the pairs are kept as short lines meanwhile.
  const passes = new KeyedSpool();
  const keepPasses = (scanned: ScannedResource) => {
    // A report filter (-n, --severity) hides findings: an absent finding then proves nothing.
    if (filtered || scanned.outOfScope !== undefined || scanned.evaluated.length === 0) return;
    const flagged = new Set<string>();
    for (const finding of scanned.findings) for (const id of finding.rules ?? [finding.checkId]) flagged.add(id);
    const passed = scanned.evaluated.filter((id) => !flagged.has(id));
    if (passed.length > 0) passes.append(reportNamespace(scanned.ref) ?? CLUSTER_KEY, JSON.stringify([scanned.ref, passed]));
  };

  return {
    resource(scanned) {
      addFindings(scanned.findings);
      keepPasses(scanned);
    },
    inventoryFindings: addFindings,
    finish(outcome: ScanOutcome) {
      const checks = new Map<string, PolicyCheckInfo>(policyCheckInfo(outcome.checks).map((check) => [check.id, check]));
      for (const key of passes.keys()) {
        for (const line of passes.drain(key)) {
          const [ref, ids] = JSON.parse(line) as [ScannedResource['ref'], string[]];
          for (const [passedRef, check] of passesOf({ ref, checks: ids }, [], checks)) add(reportNamespace(passedRef), passResult(passedRef, check, resultOptions));
        }
      }
      passes.close();
      for (const error of outcome.errors) {
        const check = checks.get((error as { checkId?: string }).checkId ?? '');
        add(errorNamespace(error), errorResult(error, { ...resultOptions, ...(check ? { check } : {}) }));
      }
      const keys = spool.keys().sort((a, b) => (a === CLUSTER_KEY ? -1 : b === CLUSTER_KEY ? 1 : a < b ? -1 : a > b ? 1 : 0));
      try {
        for (const key of keys) {
          const { results: _none, ...report } = reportFor(key === CLUSTER_KEY ? undefined : key, { api });
          report.summary = summaries.get(key) ?? emptySummary();
          for (const line of reportDocument(report, spool.drain(key), countOf(report.summary))) write(`${line}\n`);
        }
      } finally {
        spool.close();
      }
    },
  };
};

function countOf(summary: PolicyReportSummary): number {
  return summary.pass + summary.fail + summary.warn + summary.error + summary.skip;
}

/** `--policyreport-api` for the commands that offer `-o policyreport`. */
export function policyReportApiOption(): Option {
  return new Option('--policyreport-api <api>', 'with -o policyreport: wgpolicyk8s.io/v1alpha2 PolicyReport or openreports.io/v1alpha1 Report').choices(POLICY_REPORT_APIS).default('wgpolicyk8s');
}
