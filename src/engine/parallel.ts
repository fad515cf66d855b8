/**
 * Parallel file scanning (DESIGN.md §3c): files are split across worker threads that read, parse,
 * check and locate them; the main thread merges their results in file order, feeds the inventory
 * and the reporters, and runs the cross-resource checks. A worker sends back, per file, the scanned
 * resources (findings already located) and only the resources the inventory retains.
 *
 * Workers need compiled JavaScript (`npm run build`; under tsx scans stay on the main thread) and
 * can only run the built-in checks, which they import themselves: check functions cannot cross threads.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Check } from './check.js';
import type { InputError, Resource } from '../resources/types.js';
import type { AnnexaConfig } from '../isms/config.js';
import type { ParseLimits } from '../sources/yaml-documents.js';
import { positionsInFile, type PositionRequest } from '../sources/locate.js';
import type { Position } from '../sources/yaml-parse.js';
import type { ScannedResource } from './scan.js';

/**
 * Inputs at or above either threshold are scanned in workers (when more than one core is available).
 * Below them, starting workers (each loads the checks) costs more than it saves: measured slower at
 * 227 files / 1.1 MiB, faster at 2,233 files / 11 MiB (docs/benchmarks.md).
 */
export const PARALLEL_MIN_FILES = 500;
export const PARALLEL_MIN_BYTES = 4 * 1024 * 1024;
/** Files per message to a worker: small enough to balance the load, large enough to amortise messaging. */
const BATCH_FILES = 8;
/** Batches a worker holds at once, so that it never waits for the main thread. */
const IN_FLIGHT_PER_WORKER = 2;

/** What a worker reports for one file. */
export type FileOutcome =
  | { error: InputError }
  | {
      errors: InputError[];
      skipped: number;
      scanned: ScannedResource[];
      /** The file's resources that the inventory keeps, in file order. */
      retained: Resource[];
    };

export interface WorkerSetup {
  config: AnnexaConfig;
  /** Ids of the built-in checks to run (the worker imports the registry itself). */
  checkIds: string[];
  maxFileBytes: number;
  limits: ParseLimits;
}

/** Positions wanted in one file (for the findings of cross-resource checks). */
export interface LocateGroup {
  file: string;
  requests: PositionRequest[];
}

export type WorkerRequest =
  | { batch: number; files: string[] }
  | { locate: number; groups: LocateGroup[] };

export type WorkerReply =
  | { batch: number; outcomes: FileOutcome[] }
  | { batch: number; failure: string }
  | { locate: number; positions: Array<Array<Position | undefined>> }
  | { locate: number; failure: string };

/** Files per locate message. */
const LOCATE_FILES = 16;

type SharedField = 'title' | 'remediation' | 'controls';
const SHARED_FIELDS: readonly SharedField[] = ['title', 'remediation', 'controls'];

/**
 * Check metadata repeated in every finding (title, remediation, controls) is not copied between
 * threads: the worker blanks the fields that equal its check's (keeping the key order) and the main
 * thread puts its own check's values back.
 */
export function packFindings(outcome: FileOutcome, checks: ReadonlyMap<string, Check>): void {
  if ('error' in outcome) return;
  for (const scanned of outcome.scanned) {
    for (const finding of scanned.findings) {
      const check = checks.get(finding.checkId);
      if (!check) continue;
      const record = finding as unknown as Record<SharedField, unknown>;
      for (const field of SHARED_FIELDS) if (record[field] === check[field]) record[field] = undefined;
    }
  }
}

export function unpackFindings(outcome: FileOutcome, checks: ReadonlyMap<string, Check>): void {
  if ('error' in outcome) return;
  for (const scanned of outcome.scanned) {
    for (const finding of scanned.findings) {
      const check = checks.get(finding.checkId);
      if (!check) continue;
      const record = finding as unknown as Record<SharedField, unknown>;
      for (const field of SHARED_FIELDS) if (record[field] === undefined) record[field] = check[field];
    }
  }
}

/**
 * Automatic mode needs this many cores: the main thread (merging, reporting, cross-resource checks)
 * is busy for about a third of a scan, so workers only pay off with cores to spare. On 2 vCPUs the
 * single thread was measured faster than two workers (docs/benchmarks.md).
 */
export const PARALLEL_MIN_CORES = 4;

/** The number of workers for an input, or 0 to scan on the main thread. */
export function plannedWorkers(files: number, bytes: () => number, requested?: number, cores = availableParallelism()): number {
  if (requested !== undefined) return requested <= 1 ? 0 : Math.min(requested, files);
  if (cores < PARALLEL_MIN_CORES || files < 2) return 0;
  if (files < PARALLEL_MIN_FILES && bytes() < PARALLEL_MIN_BYTES) return 0;
  return Math.min(cores - 1, 8, Math.ceil(files / BATCH_FILES));
}

/**
 * The compiled worker script next to this module, if there is one. Under tsx (TypeScript sources)
 * there is none: worker threads do not inherit its loader, so scans stay on the main thread.
 */
export function workerScript(): URL | undefined {
  if (extname(fileURLToPath(import.meta.url)) !== '.js') return undefined;
  const url = new URL('./scan-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/** The ids of `checks` when every one is a built-in check (the only kind a worker can run). */
export async function builtinCheckIds(checks: readonly Check[]): Promise<string[] | undefined> {
  const { builtinChecks } = await import('../checks/index.js');
  const builtin = new Set<Check>(builtinChecks);
  return checks.every((check) => builtin.has(check)) ? checks.map((check) => check.id) : undefined;
}

interface Batch {
  id: number;
  files: string[];
  outcomes?: FileOutcome[];
  /** Set when no worker could scan the batch: the main thread scans it instead. */
  failed?: boolean;
  /** The worker the batch was sent to. */
  worker?: Worker;
  waiters: Array<() => void>;
}

/**
 * A pool of scan workers. Files are submitted in order and taken back in the same order with
 * `take()`; at most a bounded number of batches is outstanding, so memory does not grow with the input.
 */
export class ScanPool {
  private readonly workers: Worker[] = [];
  private readonly load = new Map<Worker, number>();
  private readonly batches = new Map<number, Batch>();
  private readonly queue: Batch[] = [];
  private readonly files: string[];
  private nextFile = 0;
  private nextBatch = 0;
  private takenBatch = 0;
  private takenInBatch = 0;

  private readonly checks: ReadonlyMap<string, Check>;

  constructor(files: readonly string[], count: number, script: URL, setup: WorkerSetup, checks: readonly Check[]) {
    this.files = [...files];
    this.checks = new Map(checks.map((check) => [check.id, check]));
    for (let i = 0; i < count; i++) {
      // A larger young generation: parsing makes many short-lived objects (fewer, cheaper scavenges).
      const worker = new Worker(script, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
      this.load.set(worker, 0);
      worker.on('message', (reply: WorkerReply) => this.settle(worker, reply));
      worker.on('error', () => this.retire(worker));
      worker.on('exit', () => this.retire(worker));
      this.workers.push(worker);
    }
    this.fill();
  }

  /** Outcome of the next file, in submission order. */
  async take(): Promise<FileOutcome | undefined> {
    const batch = this.batches.get(this.takenBatch);
    if (!batch) throw new Error('ScanPool.take() called more often than files were submitted');
    if (!batch.outcomes && !batch.failed) await new Promise<void>((resolve) => batch.waiters.push(resolve));
    const outcome = batch.outcomes?.[this.takenInBatch];
    if (outcome) unpackFindings(outcome, this.checks);
    this.takenInBatch += 1;
    if (this.takenInBatch >= batch.files.length) {
      this.batches.delete(batch.id);
      this.takenBatch += 1;
      this.takenInBatch = 0;
      this.fill();
    }
    return outcome;
  }

  /**
   * Positions for the findings of cross-resource checks, with the files spread over the workers
   * (each file parsed once); a chunk whose worker fails is resolved on this thread.
   */
  async locate(groups: readonly LocateGroup[]): Promise<Array<Array<Position | undefined>>> {
    const chunks: LocateGroup[][] = [];
    for (let i = 0; i < groups.length; i += LOCATE_FILES) chunks.push(groups.slice(i, i + LOCATE_FILES));
    const here = (chunk: readonly LocateGroup[]) => chunk.map((group) => positionsInFile(group.file, group.requests));
    let next = 0;
    const results: Array<Array<Array<Position | undefined>>> = [];
    const lane = async (worker: Worker): Promise<void> => {
      while (next < chunks.length) {
        const index = next++;
        const chunk = chunks[index]!;
        results[index] = (this.workers.includes(worker) ? await this.ask(worker, chunk) : undefined) ?? here(chunk);
      }
    };
    await Promise.all(this.workers.length > 0 ? [...this.workers].map(lane) : [(async () => {
      chunks.forEach((chunk, i) => (results[i] = here(chunk)));
    })()]);
    return results.flat();
  }

  private readonly asked = new Map<number, { worker: Worker; done(positions: Array<Array<Position | undefined>> | undefined): void }>();
  private nextAsk = 0;

  private ask(worker: Worker, groups: LocateGroup[]): Promise<Array<Array<Position | undefined>> | undefined> {
    return new Promise((resolve) => {
      const id = this.nextAsk++;
      this.asked.set(id, { worker, done: resolve });
      const request: WorkerRequest = { locate: id, groups };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  /** Creates batches up to the window and hands them to workers with spare capacity. */
  private fill(): void {
    const window = Math.max(1, this.workers.length) * (IN_FLIGHT_PER_WORKER + 1);
    while (this.nextFile < this.files.length && this.nextBatch - this.takenBatch < window) {
      const files = this.files.slice(this.nextFile, this.nextFile + BATCH_FILES);
      this.nextFile += files.length;
      const batch: Batch = { id: this.nextBatch++, files, waiters: [] };
      this.batches.set(batch.id, batch);
      this.queue.push(batch);
    }
    this.dispatch();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idlest();
      if (!worker) {
        // No live worker: the main thread scans what is left.
        for (const batch of this.queue.splice(0)) this.fail(batch);
        return;
      }
      if (this.load.get(worker)! >= IN_FLIGHT_PER_WORKER) return;
      const batch = this.queue.shift()!;
      this.load.set(worker, this.load.get(worker)! + 1);
      batch.worker = worker;
      const request: WorkerRequest = { batch: batch.id, files: batch.files };
      worker.postMessage(request);
    }
  }

  private idlest(): Worker | undefined {
    let best: Worker | undefined;
    for (const worker of this.workers) if (!best || this.load.get(worker)! < this.load.get(best)!) best = worker;
    return best;
  }

  private settle(worker: Worker, reply: WorkerReply): void {
    if ('locate' in reply) {
      const asked = this.asked.get(reply.locate);
      this.asked.delete(reply.locate);
      asked?.done('positions' in reply ? reply.positions : undefined);
      return;
    }
    this.load.set(worker, Math.max(0, (this.load.get(worker) ?? 1) - 1));
    const batch = this.batches.get(reply.batch);
    if (batch) {
      if ('outcomes' in reply) batch.outcomes = reply.outcomes;
      else batch.failed = true;
      for (const wake of batch.waiters.splice(0)) wake();
    }
    this.dispatch();
  }

  /** A worker died: its outstanding batches fall back to the main thread. */
  private retire(worker: Worker): void {
    const index = this.workers.indexOf(worker);
    if (index < 0) return;
    this.workers.splice(index, 1);
    this.load.delete(worker);
    for (const batch of this.batches.values()) {
      if (batch.worker === worker && !batch.outcomes) this.fail(batch);
    }
    for (const [id, asked] of this.asked) {
      if (asked.worker !== worker) continue;
      this.asked.delete(id);
      asked.done(undefined);
    }
    this.dispatch();
  }

  private fail(batch: Batch): void {
    batch.failed = true;
    for (const wake of batch.waiters.splice(0)) wake();
  }
}
