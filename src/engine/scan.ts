/**
 * The scan pipeline: input units → resources with provenance → per-resource checks (streamed) →
 * inventory → cross-resource checks, with the evaluation record (which check ran on how many in-scope
 * resources, or why not). Control posture is computed from that record outside the engine
 * (posture/outcome.ts). Entry points (scan, pss, admission, cluster) feed it units or resources;
 * reporters consume its events.
 */
import type { Check, CheckContext } from './check.js';
import { CheckSet, evaluateResource, exclusionOf, inventoryCheckResults, type CheckFailure } from './evaluate.js';
import type { Finding, InputError, JsonObject, Location, Resource, ResourceRef, Severity } from '../resources/types.js';
import { refOf, SEVERITIES } from '../resources/types.js';
import { Inventory } from '../inventory/inventory.js';
import { compactForInventory, InventoryCopier } from '../inventory/compact.js';
import { parseManifestText, DEFAULT_PARSE_LIMITS, type ParseLimits, type TextOrigin } from '../sources/yaml-documents.js';
import { DEFAULT_MAX_FILE_BYTES, type InputUnit } from '../sources/files.js';
import { readInputUnit } from '../sources/input.js';
import { applyPositions, deferLocations, isRereadable, positionsInFile, recordPositions, requestOf, retainText, takeDeferredLocations, type DeferredLocation } from '../sources/locate.js';
import { namespaceExclusionReason, type AnnexaConfig } from '../isms/config.js';
import { EvaluationRecorder, type EvaluationRecord } from './evaluation.js';
import { statSync } from 'node:fs';
import { podTemplateOf } from '../resources/workloads.js';
import { ExceptionIndex, type ExceptionNotice } from './exceptions.js';
import { builtinCheckIds, plannedWorkers, ScanPool, workerScript, PARALLEL_MIN_BYTES, type FileOutcome } from './parallel.js';

export interface ScannedResource {
  ref: ResourceRef;
  location?: Location;
  /** Ids of the per-resource checks that applied. */
  evaluated: string[];
  findings: Finding[];
  outOfScope?: string;
  /** The images a Pod or workload runs, with the path of each container's `image` (matched against imported vulnerability reports). */
  images?: ContainerImage[];
}

export interface ContainerImage {
  container: string;
  path: string;
  image: string;
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
  /** Findings an active exception accepts (not counted in `findings`). */
  exceptedFindings?: number;
  bySeverity: Record<Severity, number>;
}

/** What the engine yields once a scan is over (reporters receive it with the control posture: posture/outcome.ts). */
export interface ScanResult {
  summary: ScanSummary;
  /** Per check: evaluated on how many in-scope resources, with which findings, or why not. */
  evaluation: EvaluationRecord;
  errors: InputError[];
  /** The checks that ran (the registry without disabled and, with crossResource off, cross-resource checks). */
  checks: Check[];
  inventory: Inventory;
  /** What a live-cluster scan could and could not read (sources/cluster/coverage.ts). */
  coverage?: JsonObject;
  /** Exceptions that expired or expire within 30 days. */
  exceptionNotices?: ExceptionNotice[];
  /** What other tools' imported results supplied and covered (`annexa import`, `scan --with`: src/interop/). */
  imports?: JsonObject;
}

export interface ScanOptions {
  config: AnnexaConfig;
  checks: readonly Check[];
  maxFileBytes?: number;
  limits?: ParseLimits;
  stdin?: NodeJS.ReadableStream;
  /** Called after each unit with (units done, units total). */
  progress?(done: number, total: number, resources: number): void;
  /**
   * Worker threads for files: undefined = automatic (large inputs on machines with several cores),
   * 0 or 1 = main thread only. Workers run only the built-in checks; other check sets stay on the main thread.
   */
  workers?: number;
  /** The date exceptions are judged at (default: now). */
  now?: Date;
  /**
   * Which findings are reported and counted (`scan -n`, `--severity`); the control posture still
   * counts every finding, so that a filtered view never makes a control pass.
   */
  report?(finding: Finding): boolean;
  /** False: cross-resource checks do not run (recorded as `cross-resource-off`) and the inventory keeps nothing. */
  crossResource?: boolean;
  /** Resources from a source other than files (a live cluster), checked after the units, as they arrive. */
  resources?: AsyncIterable<Resource>;
  /** How the results of `resources` are adjusted (the cluster's owner roll-up). */
  resourceHook?: ResourceHook;
}

/** Adjusts streamed resources' results before they are counted and reported. */
export interface ResourceHook {
  /** The resource's result as it is reported (e.g. without findings its owner already has). */
  adjust(resource: Resource, scanned: ScannedResource): ScannedResource;
  /** False when the inventory must not keep the resource (its owner stands for it). */
  retain(resource: Resource): boolean;
}

function emptySummary(): ScanSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  return { files: 0, resources: 0, skippedDocuments: 0, findings: 0, outOfScopeFindings: 0, exceptedFindings: 0, bySeverity };
}

function readUnit(unit: InputUnit, options: ScanOptions): Promise<{ text: string } | { error: InputError }> {
  return readInputUnit(unit, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, options.stdin);
}

export async function runScan(units: readonly InputUnit[], givenOptions: ScanOptions, sink: ScanSink, initialErrors: InputError[] = []): Promise<ScanResult> {
  const crossResource = givenOptions.crossResource !== false;
  const options = crossResource ? givenOptions : { ...givenOptions, checks: givenOptions.checks.filter((check) => check.scope !== 'inventory') };
  const ctx: CheckContext = { config: options.config };
  const checks = new CheckSet(options.checks, options.config.checks.disabled);
  const summary = emptySummary();
  const errors = [...initialErrors];
  const inventory = new Inventory();
  const copier = new InventoryCopier();
  const recorder = new EvaluationRecorder(givenOptions.checks, options.config.checks.disabled, crossResource);
  const noteFailures = (list: readonly InputError[]) => {
    for (const error of list) if (isInScopeCheckFailure(error, options.config)) recorder.errored(error.checkId);
  };
  const exceptions = new ExceptionIndex(options.config.exceptions, options.now);

  const record = (finding: Finding) => {
    if (!finding.outOfScope) exceptions.apply(finding);
    // Posture counts every in-scope, unexcepted finding, also those the report filter (-n, --severity) hides.
    if (!finding.outOfScope && !finding.excepted) recorder.finding(finding);
    if (options.report && !options.report(finding)) return;
    if (finding.outOfScope) {
      summary.outOfScopeFindings += 1;
      return;
    }
    if (finding.excepted) {
      summary.exceptedFindings = (summary.exceptedFindings ?? 0) + 1;
      return;
    }
    summary.findings += 1;
    summary.bySeverity[finding.severity] += 1;
  };

  /** Merges one file's results, exactly as if it had been scanned here. */
  const merge = (outcome: FileOutcome, isFile = true) => {
    if ('error' in outcome) {
      errors.push(outcome.error);
      return;
    }
    if (isFile) summary.files += 1;
    errors.push(...outcome.errors);
    noteFailures(outcome.errors);
    summary.skippedDocuments += outcome.skipped;
    for (const resource of outcome.retained) inventory.add(copier.copy(resource));
    for (const scanned of outcome.scanned) {
      summary.resources += 1;
      if (scanned.outOfScope === undefined) for (const id of scanned.evaluated) recorder.applied(id);
      scanned.findings.forEach(record);
      sink.resource(options.report ? { ...scanned, findings: scanned.findings.filter(options.report) } : scanned);
    }
  };
  const scanHere = async (unit: InputUnit) => {
    const read = await readUnit(unit, options);
    if ('error' in read) return merge(read);
    if (unit.source !== 'file') retainText(unit.file, read.text);
    merge(scanText(read.text, unit, checks, ctx, options.limits ?? DEFAULT_PARSE_LIMITS, (resource) => inventoryRecord(resource, checks)));
  };

  const pool = await openPool(units, options);
  const failedInventoryChecks = new Set<string>();
  try {
    let done = 0;
    for (const unit of units) {
      const outcome = pool && isWorkerUnit(unit) ? await pool.take() : undefined;
      if (outcome) merge(outcome);
      else await scanHere(unit);
      done += 1;
      options.progress?.(done, units.length, summary.resources);
    }
    if (options.resources) {
      for await (const resource of options.resources) merge(streamedOutcome(resource, checks, ctx, options.resourceHook), false);
    }

    // Cross-resource findings point all over the estate: resources with a position table (recorded
    // at the first parse) are located from it; the files of the others are parsed again, each once
    // per check for all of its findings (in the workers when there are some). Each check's findings
    // are reported before the next check runs.
    deferLocations();
    for (const result of inventoryCheckResults(inventory, checks, ctx)) {
      await locateDeferred(pool);
      if ('error' in result) {
        errors.push(result.error);
        failedInventoryChecks.add(result.check.id);
        recorder.errored(result.check.id);
      } else {
        result.findings.forEach(record);
        sink.inventoryFindings?.(options.report ? result.findings.filter(options.report) : result.findings);
      }
      deferLocations();
    }
    await locateDeferred(pool);
  } finally {
    await pool?.close();
  }
  // In-scope resources per kind, counted once: many cross-resource checks read the same kinds.
  const inScopeByKind = new Map<string, number>();
  const inScopeOf = (kind: string) => {
    let count = inScopeByKind.get(kind);
    if (count === undefined) {
      count = 0;
      for (const r of inventory.ofKind(kind)) if (exclusionOf(r, ctx) === undefined) count += 1;
      inScopeByKind.set(kind, count);
    }
    return count;
  };
  for (const check of checks.inventory) {
    if (failedInventoryChecks.has(check.id)) continue;
    let inScope = 0;
    for (const kind of new Set(check.inputKinds)) inScope += inScopeOf(kind);
    recorder.applied(check.id, inScope);
  }
  return { summary, evaluation: recorder.record(), errors, checks: checks.all, inventory, exceptionNotices: exceptions.notices };
}

/** A check that threw on a resource inside the ISMS scope (see CheckFailure in evaluate.ts). */
function isInScopeCheckFailure(error: InputError, config: AnnexaConfig): error is InputError & { checkId: string } {
  const failure = error as Partial<CheckFailure>;
  if (typeof failure.checkId !== 'string') return false;
  const ref = failure.resource;
  return ref === undefined || namespaceExclusionReason(config, ref.namespace ?? (ref.kind === 'Namespace' ? ref.name : undefined)) === undefined;
}

/** Fills in the positions of the locations deferred during the cross-resource checks. */
async function locateDeferred(pool: ScanPool | undefined): Promise<void> {
  const byFile = takeDeferredLocations();
  const remote: Array<[string, DeferredLocation[]]> = [];
  for (const [file, entries] of byFile) {
    if (pool && isRereadable(file, entries)) remote.push([file, entries]);
    else applyPositions(entries, positionsInFile(file, entries.map(requestOf)));
  }
  if (!pool || remote.length === 0) return;
  const positions = await pool.locate(remote.map(([file, entries]) => ({ file, requests: entries.map(requestOf) })));
  remote.forEach(([, entries], i) => applyPositions(entries, positions[i] ?? []));
}

/** Files a worker can read by itself (stdin and generated text stay on the main thread). */
function isWorkerUnit(unit: InputUnit): boolean {
  return unit.source === 'file' && unit.text === undefined;
}

async function openPool(units: readonly InputUnit[], options: ScanOptions): Promise<ScanPool | undefined> {
  const files = units.filter(isWorkerUnit).map((unit) => unit.file);
  const count = plannedWorkers(files.length, () => totalBytes(files, PARALLEL_MIN_BYTES), options.workers);
  if (count === 0) return undefined;
  const script = workerScript();
  const checkIds = script ? await builtinCheckIds(options.checks) : undefined;
  if (!script || !checkIds) return undefined;
  return new ScanPool(files, count, script, {
    config: options.config,
    checkIds,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    limits: options.limits ?? DEFAULT_PARSE_LIMITS,
  }, options.checks);
}

/** Sum of file sizes, stopping once `enough` is reached. */
function totalBytes(files: readonly string[], enough: number): number {
  let total = 0;
  for (const file of files) {
    try {
      total += statSync(file).size;
    } catch {
      // Reported when the file is read.
    }
    if (total >= enough) break;
  }
  return total;
}

/** The result of one resource of a stream, as if it were a file of one resource. */
function streamedOutcome(resource: Resource, checks: CheckSet, ctx: CheckContext, hook: ResourceHook | undefined): FileOutcome {
  const errors: InputError[] = [];
  const scanned = scanResource(resource, checks, ctx, errors);
  const kept = hook?.retain(resource) === false ? undefined : inventoryRecord(resource, checks);
  return { errors, skipped: 0, scanned: [hook ? hook.adjust(resource, scanned) : scanned], retained: kept ? [kept] : [] };
}

/**
 * What the inventory keeps of a resource: a compact projection (inventory/compact.ts; copied when
 * merged), or nothing for the kinds it drops and when no cross-resource check runs (then memory is
 * bounded by the largest file).
 */
export function inventoryRecord(resource: Resource, checks: CheckSet): Resource | undefined {
  if (checks.inventory.length === 0 || !Inventory.retains(resource)) return undefined;
  return compactForInventory(resource);
}

/**
 * Parses and checks one file's text (on the main thread or in a worker): findings are located
 * while the file's parse tree is held. `retain` gives what the inventory keeps of a resource, if anything.
 */
export function scanText(
  text: string,
  origin: TextOrigin,
  checks: CheckSet,
  ctx: CheckContext,
  limits: ParseLimits,
  retain: (resource: Resource) => Resource | undefined,
): FileOutcome {
  const parsed = parseManifestText(text, origin, limits);
  const scanned: ScannedResource[] = [];
  const retained: Resource[] = [];
  const checkErrors: InputError[] = [];
  try {
    for (const resource of parsed.resources) {
      const kept = retain(resource);
      if (kept) {
        // Cross-resource findings about it are located from this table, without a second parse.
        recordPositions(kept.provenance, kept.object);
        retained.push(kept);
      }
      scanned.push(scanResource(resource, checks, ctx, checkErrors));
    }
  } finally {
    parsed.release();
  }
  return { errors: [...parsed.errors, ...checkErrors], skipped: parsed.skipped, scanned, retained };
}

/** Runs the per-resource checks on one resource; checks that threw are appended to `errors`. */
export function scanResource(resource: Resource, checks: CheckSet, ctx: CheckContext, errors: InputError[] = []): ScannedResource {
  const evaluation = evaluateResource(resource, checks, ctx);
  const { findings, evaluated } = evaluation;
  errors.push(...evaluation.errors);
  const outOfScope = exclusionOf(resource, ctx);
  const scanned: ScannedResource = { ref: refOf(resource), evaluated, findings };
  const { file, line, column } = resource.provenance;
  if (file !== undefined) scanned.location = { file, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) };
  if (outOfScope !== undefined) scanned.outOfScope = outOfScope;
  const images = containerImages(resource);
  if (images) scanned.images = images;
  return scanned;
}

function containerImages(resource: Resource): ContainerImage[] | undefined {
  const template = podTemplateOf(resource);
  if (!template) return undefined;
  const images: ContainerImage[] = [];
  for (const ref of template.containers) {
    const image = ref.container.image;
    if (typeof image === 'string' && image !== '') images.push({ container: ref.name, path: `${ref.path}.image`, image });
  }
  return images;
}
