/**
 * `annexa evidence export -o html --out FILE`: the latest scan record of a period as the scan's HTML
 * report (posture, SoA, findings by control and resource, exceptions), with the store's verification
 * and the period's records. Findings come from the record (compact: the check catalog supplies
 * titles and remediation); the SoA is built from the configuration the scan recorded.
 */
import { builtinChecks } from '../checks/index.js';
import type { Check } from '../engine/check.js';
import type { EvaluationRecord } from '../engine/evaluation.js';
import type { ScanSummary } from '../engine/scan.js';
import type { EvidenceStore } from '../evidence/store.js';
import type { RecordEnvelope } from '../evidence/types.js';
import { collect } from '../evidence/record-scan.js';
import { Inventory } from '../inventory/inventory.js';
import { makeConfig } from '../isms/config.js';
import type { ScanOutcome } from '../posture/outcome.js';
import type { ControlStatus } from '../posture/posture.js';
import { buildSoa } from '../posture/soa.js';
import { htmlReporter, type EvidenceSummary } from '../report/html.js';
import type { ExceptionRef, Finding, InputError, Location, ResourceRef, Severity } from '../resources/types.js';
import { VERSION } from '../version.js';
import { UsageError } from './io.js';

interface CompactFinding {
  checkId: string;
  severity: Severity;
  resource: ResourceRef;
  path: string;
  message: string;
  controls: string[];
  location?: Location;
  excepted?: ExceptionRef;
}

interface ScanPayload {
  summary: ScanSummary;
  posture: ControlStatus[];
  evaluation: EvaluationRecord | null;
  findings: CompactFinding[];
  excepted: CompactFinding[];
  errors: InputError[];
  config: unknown;
}

/** A stored finding with the catalogue's title, remediation and crosswalk back (the record keeps only what varies). */
export function findingFromRecord(compact: CompactFinding, checks: ReadonlyMap<string, Check>): Finding {
  const check = checks.get(compact.checkId);
  const finding: Finding = {
    checkId: compact.checkId,
    title: check?.title ?? compact.checkId,
    severity: compact.severity,
    resource: compact.resource,
    path: compact.path,
    message: compact.message,
    remediation: check?.remediation ?? '',
    controls: check ? { ...check.controls, iso27001: compact.controls } : { iso27001: compact.controls },
  };
  if (compact.location) finding.location = compact.location;
  if (compact.excepted) finding.excepted = compact.excepted;
  return finding;
}

export interface EvidenceHtmlInput {
  store: EvidenceStore;
  storeName: string;
  period: { since?: string; until?: string };
  verified: { ok: boolean; problem?: string };
  summaryOf(record: RecordEnvelope): string;
  write(chunk: string): void;
}

/** Writes the page; returns the scan record it shows. */
export async function writeEvidenceHtml(input: EvidenceHtmlInput): Promise<RecordEnvelope> {
  const records = await collect(input.store.envelopes(input.period));
  const scan = [...records].reverse().find((record) => record.type === 'scan');
  if (!scan) throw new UsageError(`no scan record ${periodText(input.period)}: nothing to report (annexa scan --store records one)`);
  const payload = scan.payload as unknown as ScanPayload;
  const checks = new Map(builtinChecks.map((check) => [check.id, check]));
  const config = makeConfig(payload.config ?? {});
  const outcome: ScanOutcome = {
    summary: payload.summary,
    controls: payload.posture,
    evaluation: payload.evaluation ?? { checks: [] },
    errors: payload.errors ?? [],
    checks: [...builtinChecks],
    inventory: Inventory.of([]),
  };
  const evidence: EvidenceSummary = {
    store: input.storeName,
    verified: input.verified.ok,
    ...(input.verified.problem ? { problem: input.verified.problem } : {}),
    period: periodText(input.period),
    scan: { id: scan.id, seq: scan.seq, time: scan.time },
    records: records.map((record) => ({ seq: record.seq, id: record.id, type: record.type, time: record.time, summary: input.summaryOf(record) })),
  };
  const reporter = htmlReporter({
    write: input.write, color: false, toolVersion: VERSION,
    html: {
      time: new Date().toISOString(),
      evidence,
      soa: (scanOutcome) => buildSoa({
        config, checks: builtinChecks, outcome: scanOutcome, now: new Date(scan.time),
        provenance: { toolVersion: scan.tool.version, configDigest: scan.configDigest ?? 'not recorded', ...(scan.inputDigest ? { inputDigest: scan.inputDigest } : {}) },
      }),
    },
  });
  for (const compact of [...payload.findings, ...payload.excepted]) {
    const finding = findingFromRecord(compact, checks);
    reporter.resource({ ref: finding.resource, evaluated: [], findings: [finding] });
  }
  reporter.finish(outcome);
  return scan;
}

function periodText(period: { since?: string; until?: string }): string {
  if (!period.since && !period.until) return 'in the store';
  return `from ${period.since ?? 'the first record'} until ${period.until ?? 'now'}`;
}
