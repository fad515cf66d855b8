/**
 * One request, one event: the API server writes an event per stage of a request (RequestReceived,
 * ResponseStarted for long-running requests such as exec and watch, ResponseComplete, Panic), all
 * with the same `auditID`. The most complete stage is kept.
 *
 * Memory is bounded by `capacity` auditIDs (default 10,000): an entry is either a held event (seen
 * only at an early stage so far) or a marker that the request was already emitted. When the window is
 * full the oldest entry is dropped; if it was held, its event is emitted then, as it is. So at most
 * `capacity` events are held at once, whatever the log size. The price of the bound: a stage that
 * arrives more than `capacity` distinct requests after its request's first stage is emitted again
 * (counted in `reemitted`); in API-server logs the stages of a request are seconds apart.
 */
import type { AuditEvent } from './event.js';

export const DEFAULT_DEDUPE_WINDOW = 10_000;

const FINAL_STAGES: ReadonlySet<string> = new Set(['ResponseComplete', 'Panic']);
const EMITTED = null;

export interface DedupeStats {
  /** Stage events merged into an event already seen or emitted. */
  merged: number;
  /** Held events emitted because the window was full (their final stage not yet seen). */
  evictedEarly: number;
}

export class StageDeduplicator<T extends { event: AuditEvent }> {
  private readonly window = new Map<string, T | typeof EMITTED>();
  /**
   * Insertion order as a ring of ids: evicting the oldest from the Map itself (`keys().next()` after
   * deletes from the front) walks over the deleted slots V8 keeps until it rehashes.
   */
  private readonly order: string[];
  private oldest = 0;
  readonly stats: DedupeStats = { merged: 0, evictedEarly: 0 };

  constructor(private readonly capacity = DEFAULT_DEDUPE_WINDOW) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('dedupe window must be a positive integer');
    this.order = new Array<string>(capacity);
  }

  /** The records ready to evaluate after `record` arrives (zero, one, or an evicted one and this one). */
  push(record: T, out: T[]): void {
    const id = record.event.auditID;
    if (!id) {
      out.push(record);
      return;
    }
    const final = FINAL_STAGES.has(record.event.stage ?? 'ResponseComplete');
    if (this.window.has(id)) {
      const held = this.window.get(id);
      this.stats.merged += 1;
      if (held === EMITTED || held === undefined) return;
      if (final) {
        this.window.set(id, EMITTED);
        out.push(record);
      } else if (record.event.stage === 'ResponseStarted') {
        // ResponseStarted carries the response code; RequestReceived does not.
        this.window.set(id, record);
      }
      return;
    }
    if (this.window.size >= this.capacity) this.evictOldest(out);
    // The slot at `oldest` is free now (evicted, or never used while the window filled).
    this.order[(this.oldest + this.window.size) % this.capacity] = id;
    if (final) {
      this.window.set(id, EMITTED);
      out.push(record);
    } else {
      this.window.set(id, record);
    }
  }

  private evictOldest(out: T[]): void {
    const id = this.order[this.oldest]!;
    this.oldest = (this.oldest + 1) % this.capacity;
    const held = this.window.get(id);
    this.window.delete(id);
    if (held !== EMITTED && held !== undefined) {
      this.stats.evictedEarly += 1;
      out.push(held);
    }
  }

  /** At the end of the input: the events whose final stage never came (a request still running, a cut log). */
  flush(out: T[]): void {
    for (let i = 0; i < this.window.size; i++) {
      const held = this.window.get(this.order[(this.oldest + i) % this.capacity]!);
      if (held !== EMITTED && held !== undefined) out.push(held);
    }
    this.window.clear();
    this.oldest = 0;
  }

  get size(): number {
    return this.window.size;
  }
}
