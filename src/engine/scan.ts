/**
 * The scan pipeline: input units → resources with provenance → per-resource checks (streamed) →
 * inventory → cross-resource checks → control posture. Entry points (scan, pss, admission, cluster)
 * feed it units or resources; reporters consume its events.
 */
import type { Check, CheckContext } from './check.js';
import { CheckSet, evaluateInventory, evaluateResource } from './evaluate.js';
import type { Finding, InputError, Location, Resource, ResourceRef, Severity } from '../resources/types.js';
import { refOf, SEVERITIES } from '../resources/types.js';
import { Inventory } from '../inventory/inventory.js';
import { parseManifestText, DEFAULT_PARSE_LIMITS, type ParseLimits } from '../sources/yaml-documents.js';
import { readBounded, readStdin, DEFAULT_MAX_FILE_BYTES, type InputUnit } from '../sources/files.js';
import { retainText } from '../sources/locate.js';
import type { AnnexaConfig } from '../isms/config.js';
import { namespaceExclusionReason } from '../isms/config.js';
import { PostureTally } from '../posture/posture.js';
import type { ControlStatus } from '../posture/posture.js';

export interface ScannedResource {
  ref: ResourceRef;
  location?: Location;
  /** Ids of the per-resource checks that applied. */
  evaluated: string[];
  findings: Finding[];
  outOfScope?: string;
}

/** What a reporter receives while a scan runs. Findings of cross-resource checks arrive in `inventoryFindings`. */
export interface ScanSink {
  resource(scanned: ScannedResource): void;
  inventoryFindings?(findings: Finding[]): void;
}

export interface ScanSummary {
  files: number;
  resources: number;
  skippedDocuments: number;
  findings: number;
  outOfScopeFindings: number;
  bySeverity: Record<Severity, number>;
}

export interface ScanOutcome {
  summary: ScanSummary;
  controls: ControlStatus[];
  errors: InputError[];
  checks: Check[];
  inventory: Inventory;
}

export interface ScanOptions {
  config: AnnexaConfig;
  checks: readonly Check[];
  maxFileBytes?: number;
  limits?: ParseLimits;
  stdin?: NodeJS.ReadableStream;
  /** Called after each unit with (units done, units total). */
  progress?(done: number, total: number, resources: number): void;
}

function emptySummary(): ScanSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  return { files: 0, resources: 0, skippedDocuments: 0, findings: 0, outOfScopeFindings: 0, bySeverity };
}

async function readUnit(unit: InputUnit, options: ScanOptions): Promise<{ text: string } | { error: InputError }> {
  const max = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (unit.text !== undefined) return { text: unit.text };
  if (unit.source === 'stdin') return readStdin(max, options.stdin);
  return readBounded(unit.file, max);
}

export async function runScan(units: readonly InputUnit[], options: ScanOptions, sink: ScanSink, initialErrors: InputError[] = []): Promise<ScanOutcome> {
  const ctx: CheckContext = { config: options.config };
  const checks = new CheckSet(options.checks, options.config.checks.disabled);
  const summary = emptySummary();
  const errors = [...initialErrors];
  const inventory = new Inventory();
  const tally = new PostureTally(checks.all, options.config);

  const record = (finding: Finding) => {
    if (finding.outOfScope) {
      summary.outOfScopeFindings += 1;
      return;
    }
    summary.findings += 1;
    summary.bySeverity[finding.severity] += 1;
    tally.finding(finding);
  };

  let done = 0;
  for (const unit of units) {
    const read = await readUnit(unit, options);
    done += 1;
    if ('error' in read) {
      errors.push(read.error);
      options.progress?.(done, units.length, summary.resources);
      continue;
    }
    summary.files += 1;
    if (unit.source !== 'file') retainText(unit.file, read.text);
    const parsed = parseManifestText(read.text, { source: unit.source, file: unit.file }, options.limits ?? DEFAULT_PARSE_LIMITS);
    errors.push(...parsed.errors);
    summary.skippedDocuments += parsed.skipped;
    for (const resource of parsed.resources) {
      summary.resources += 1;
      inventory.add(resource);
      sink.resource(scanResource(resource, checks, ctx, tally, record));
    }
    parsed.release();
    options.progress?.(done, units.length, summary.resources);
  }

  const inventoryFindings = evaluateInventory(inventory, checks, ctx);
  inventoryFindings.forEach(record);
  for (const check of checks.inventory) {
    if (check.inputKinds.some((kind) => inventory.ofKind(kind).some((r) => !namespaceExclusionReason(options.config, r.namespace)))) {
      tally.evaluated(check.id);
    }
  }
  sink.inventoryFindings?.(inventoryFindings);
  return { summary, controls: tally.controls(), errors, checks: checks.all, inventory };
}

function scanResource(resource: Resource, checks: CheckSet, ctx: CheckContext, tally: PostureTally, record: (f: Finding) => void): ScannedResource {
  const { findings, evaluated } = evaluateResource(resource, checks, ctx);
  const outOfScope = namespaceExclusionReason(ctx.config, resource.namespace);
  if (outOfScope === undefined) for (const id of evaluated) tally.evaluated(id);
  findings.forEach(record);
  const scanned: ScannedResource = { ref: refOf(resource), evaluated, findings };
  const { file, line, column } = resource.provenance;
  if (file !== undefined) scanned.location = { file, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) };
  if (outOfScope !== undefined) scanned.outOfScope = outOfScope;
  return scanned;
}
