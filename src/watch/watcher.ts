/**
 * Watch mode: every kind the checks read is listed then watched (informer.ts); each change is
 * evaluated at once (its per-resource checks), and changes are gathered for a short moment
 * (`flushDelayMs`) before the affected cross-resource checks run and the posture is computed
 * (live-evaluation.ts). Listeners receive each flush with the latency of every change it covered.
 * Nothing is flushed before every kind has been listed once: the first flush is a full evaluation
 * and the baseline later posture changes are measured against.
 */
import type { Check } from '../engine/check.js';
import type { AnnexaConfig } from '../isms/config.js';
import type { JsonObject } from '../resources/types.js';
import type { ClusterConnection } from '../sources/cluster/connection.js';
import { discover, WANTED_KINDS, type WantedKind } from '../sources/cluster/discovery.js';
import { KindWatch, type BackoffOptions, type KindWatchState } from './informer.js';
import { LiveEvaluation, type FlushResult } from './live-evaluation.js';

export interface WatcherOptions {
  connection: ClusterConnection;
  config: AnnexaConfig;
  /** The whole registry (disabled checks included). */
  registry: readonly Check[];
  /** Namespaced kinds in this namespace only (undefined: every namespace). */
  namespace?: string;
  kinds?: readonly WantedKind[];
  pageSize?: number;
  backoff?: BackoffOptions;
  watchTimeoutSeconds?: number;
  /** How long changes are gathered before the cross-resource checks run (default 50 ms). */
  flushDelayMs?: number;
  /** A kind that could not watch for this long makes the watcher unhealthy (default 5 minutes). */
  unhealthyAfterMs?: number;
}

export interface FlushEvent extends FlushResult {
  /** Milliseconds from each change's arrival to the end of this flush. */
  latencies: number[];
  /** How long the flush itself took (ms). */
  durationMs: number;
  /** True for the first flush after every kind was listed, and for `evaluateAll`. */
  full: boolean;
}

export type WatchRestartReason = 'timeout' | 'expired' | 'error';

export interface WatcherListener {
  flush?(event: FlushEvent): void | Promise<void>;
  restart?(kind: string, reason: WatchRestartReason): void;
  kindState?(kind: string, state: KindWatchState, message?: string): void;
}

export class Watcher {
  readonly live: LiveEvaluation;
  readonly kinds: KindWatch[] = [];
  private readonly listeners: WatcherListener[] = [];
  private arrivals: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private initialDone = false;
  private stopped = false;
  private flushing: Promise<void> = Promise.resolve();
  /** Kinds the server does not serve (not watched). */
  readonly unserved: string[] = [];

  constructor(private readonly options: WatcherOptions) {
    this.live = new LiveEvaluation({ config: options.config, registry: options.registry, context: options.connection.context });
  }

  on(listener: WatcherListener): void {
    this.listeners.push(listener);
  }

  /** Discovery, then every served kind listed and watched; resolves after the first full evaluation. */
  async start(): Promise<FlushEvent> {
    const { connection } = this.options;
    const version = await connection.get('/version');
    this.live.setServerVersion(version.status === 200 ? (version.body as JsonObject | undefined) : undefined);
    const wanted = this.options.kinds ?? WANTED_KINDS;
    const discovery = await discover(connection, wanted);
    if (discovery.unreachable) throw new Error(`the API server at ${connection.server} answered no discovery request: ${discovery.failures[0]?.message ?? 'no answer'}`);
    for (const kind of wanted) {
      const api = discovery.resources.get(kind.kind);
      if (!api) {
        this.unserved.push(kind.kind);
        this.live.setKindState(kind.kind, 'unavailable');
        continue;
      }
      this.kinds.push(new KindWatch({
        connection, api, namespace: this.options.namespace, pageSize: this.options.pageSize, backoff: this.options.backoff,
        watchTimeoutSeconds: this.options.watchTimeoutSeconds,
        handlers: {
          upsert: (resource, type) => {
            this.live.upsert(resource, type);
            this.arrived();
          },
          remove: (kind, namespace, name, resourceVersion) => {
            this.live.remove(kind, namespace, name, resourceVersion);
            this.arrived();
          },
          state: (kind, state, message) => {
            const coverage = coverageState(state, this.kinds.find((k) => k.kind === kind)?.synced ?? false);
            if (coverage) this.live.setKindState(kind, coverage);
            for (const listener of this.listeners) listener.kindState?.(kind, state, message);
          },
          restart: (kind, reason) => {
            for (const listener of this.listeners) listener.restart?.(kind, reason);
          },
        },
      }));
    }
    await Promise.all(this.kinds.map((kind) => kind.start()));
    this.initialDone = true;
    return this.evaluateAll();
  }

  /** Every cross-resource check runs again and exceptions are judged at the current date (the scheduled full evaluation). */
  async evaluateAll(): Promise<FlushEvent> {
    this.live.rejudgeExceptions();
    return this.runFlush(true);
  }

  private arrived(): void {
    this.arrivals.push(performance.now());
    if (!this.initialDone || this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runFlush(false);
    }, this.options.flushDelayMs ?? 50);
  }

  /** Flushes run one after the other; a flush covers every change that arrived before it started. */
  private runFlush(full: boolean): Promise<FlushEvent> {
    let event: FlushEvent | undefined;
    const run = this.flushing.then(async () => {
      const arrivals = this.arrivals;
      this.arrivals = [];
      const started = performance.now();
      const result = this.live.flush(full);
      const ended = performance.now();
      event = { ...result, latencies: arrivals.map((t) => ended - t), durationMs: ended - started, full };
      for (const listener of this.listeners) await listener.flush?.(event);
    });
    this.flushing = run.catch(() => undefined);
    return run.then(() => event!);
  }

  /** Resolves once the changes that arrived so far are evaluated (tests, shutdown). */
  async settled(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await this.runFlush(false);
    }
    await this.flushing;
  }

  /** Ready: every served kind listed once and watching (or refused by RBAC or not served: a state, reported, not a fault). */
  get ready(): boolean {
    return this.initialDone && this.kinds.every((kind) => kind.synced || kind.state === 'forbidden' || kind.state === 'unavailable')
      && this.kinds.every((kind) => kind.state !== 'backing-off');
  }

  /** Healthy: no kind has been unable to watch for longer than `unhealthyAfterMs`. */
  get healthy(): boolean {
    const limit = this.options.unhealthyAfterMs ?? 300_000;
    const now = Date.now();
    return !this.stopped && this.kinds.every((kind) => kind.state !== 'backing-off' || kind.failingSince === undefined || now - kind.failingSince < limit);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all(this.kinds.map((kind) => kind.stop()));
    await this.flushing;
  }
}

/**
 * A kind's state as the ClusterInfo record names it (the coverage states of `annexa cluster`):
 * a kind that was listed stays `read` while its watch backs off (its objects are held).
 */
function coverageState(state: KindWatchState, synced: boolean): string | undefined {
  switch (state) {
    case 'watching':
      return 'read';
    case 'forbidden':
    case 'unavailable':
      return state;
    case 'backing-off':
      return synced ? 'read' : 'failed';
    default:
      return undefined;
  }
}
