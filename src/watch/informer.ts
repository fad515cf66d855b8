/**
 * One kind, listed then watched with client-node's informer (`ListWatch`, what `makeInformer`
 * builds): it resumes each watch from the last resourceVersion seen, relists when the server
 * answers 410 Gone (an ERROR event or status), and reports deletions found by the relist. Around it:
 *
 * - watches ask for bookmarks and a server-side timeout (`allowWatchBookmarks`, `timeoutSeconds`),
 *   so that an idle kind keeps a fresh resourceVersion and a dead connection is replaced;
 * - the list is read in pages through the cluster connection (bounded responses, Secret values
 *   redacted before anything else sees them);
 * - after an error the informer is restarted with exponential back-off and jitter (ListWatch
 *   itself stops on errors); 403 and 404 are states (`forbidden`, `unavailable`) retried slowly;
 * - the informer's own cache keeps, per object, only what it needs to tell changes apart (name,
 *   namespace, uid, resourceVersion): each object is evaluated once when it arrives and then
 *   reduced, so the full API objects are not held.
 */
import type { KubernetesListObject, KubernetesObject, ListWatch } from '@kubernetes/client-node';
import type { JsonObject, Provenance, Resource } from '../resources/types.js';
import { redactResource } from '../resources/redact.js';
import { loadClientNode } from '../sources/cluster/client-node.js';
import { statusMessage, type ClusterConnection } from '../sources/cluster/connection.js';
import type { ApiResource } from '../sources/cluster/discovery.js';
import { listPath, PAGE_SIZE } from '../sources/cluster/list.js';
import { clusterOrigin } from '../sources/cluster/source.js';

export type KindWatchState = 'starting' | 'watching' | 'backing-off' | 'forbidden' | 'unavailable' | 'stopped';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000 };

export interface KindWatchHandlers {
  upsert(resource: Resource, type: 'added' | 'updated'): void;
  remove(kind: string, namespace: string | undefined, name: string, resourceVersion: string | undefined): void;
  /** The kind's list/watch state changed (for health, metrics and the ClusterInfo record). */
  state(kind: string, state: KindWatchState, message?: string): void;
  /** A watch was (re)started after the first: a restart, with why. */
  restart(kind: string, reason: 'timeout' | 'expired' | 'error'): void;
}

export interface KindWatchOptions {
  connection: ClusterConnection;
  api: ApiResource;
  /** Namespaced kinds: this namespace only (undefined: all). */
  namespace?: string;
  pageSize?: number;
  backoff?: BackoffOptions;
  /** Asked of the server for each watch (it ends the watch then; the informer resumes). */
  watchTimeoutSeconds?: number;
  handlers: KindWatchHandlers;
}

/** An error ListWatch understands: `statusCode` 410 makes it relist. */
class ListError extends Error {
  constructor(message: string, readonly statusCode: number) {
    super(message);
  }
}

export class KindWatch {
  state: KindWatchState = 'starting';
  /** True once the first list has been read. */
  synced = false;
  lastError: string | undefined;
  /** When the kind last became unable to watch (undefined while watching). */
  failingSince: number | undefined;
  private informer: ListWatch<KubernetesObject> | undefined;
  private delay: number;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private connects = 0;
  private expired = false;
  private afterError = false;

  constructor(private readonly options: KindWatchOptions) {
    this.delay = this.backoff.initialMs;
  }

  get kind(): string {
    return this.options.api.kind;
  }

  private get backoff(): BackoffOptions {
    return this.options.backoff ?? DEFAULT_BACKOFF;
  }

  /** Lists, then watches; resolves once the first list was read (or failed: the informer retries on its own). */
  async start(): Promise<void> {
    const { ListWatch: ListWatchClass, Watch } = await loadClientNode();
    const watch = new Watch(this.options.connection.kubeConfig);
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? 300;
    // ListWatch calls `watch(path, params, handler, done)`: bookmarks and the server-side timeout are added here.
    const watcher = {
      watch: (path: string, params: Record<string, unknown>, handler: (phase: string, object: KubernetesObject & { code?: number }, raw: unknown) => void, done: (error: unknown) => void) =>
        watch.watch(path, { ...params, allowWatchBookmarks: true, timeoutSeconds }, (phase: string, object: KubernetesObject & { code?: number }, raw: unknown) => {
          if (phase === 'ERROR' && object.code === 410) this.expired = true;
          handler(phase, object, raw);
        }, done),
    } as unknown as InstanceType<typeof Watch>;
    const path = listPath(this.options.api, this.options.namespace);
    const informer = new ListWatchClass<KubernetesObject>(path, watcher, () => this.list(), false);
    informer.on('add', (object) => this.arrived(object, 'added'));
    informer.on('update', (object) => this.arrived(object, 'updated'));
    informer.on('delete', (object) => {
      const metadata = object.metadata ?? {};
      if (typeof metadata.name === 'string') this.options.handlers.remove(this.kind, this.namespaceOf(metadata.namespace), metadata.name, metadata.resourceVersion);
    });
    informer.on('connect', () => {
      this.connects += 1;
      if (this.connects > 1) this.options.handlers.restart(this.kind, this.expired ? 'expired' : this.afterError ? 'error' : 'timeout');
      this.expired = false;
      this.afterError = false;
    });
    informer.on('error', (error: unknown) => this.failed(error));
    this.informer = informer;
    await this.run();
  }

  private async run(): Promise<void> {
    if (this.stopped || !this.informer) return;
    await this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.setState('stopped');
    await this.informer?.stop();
  }

  private setState(state: KindWatchState, message?: string): void {
    if (state === 'watching') this.failingSince = undefined;
    else if (state !== 'stopped' && state !== 'starting') this.failingSince ??= Date.now();
    if (this.state === state) return;
    this.state = state;
    this.options.handlers.state(this.kind, state, message);
  }

  private namespaceOf(namespace: string | undefined): string | undefined {
    return this.options.api.namespaced && namespace ? namespace : undefined;
  }

  /** Pages of the list, read through the connection; the list's resourceVersion is the first page's. */
  private async list(): Promise<KubernetesListObject<KubernetesObject>> {
    const path = listPath(this.options.api, this.options.namespace);
    const items: KubernetesObject[] = [];
    let resourceVersion: string | undefined;
    let token: string | undefined;
    for (;;) {
      const query = `?limit=${this.options.pageSize ?? PAGE_SIZE}${token !== undefined ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const response = await this.options.connection.get(path + query);
      if (response.status === 410 && token !== undefined) {
        // The snapshot expired between pages: start the list again for a consistent one.
        items.length = 0;
        token = undefined;
        resourceVersion = undefined;
        continue;
      }
      if (response.status !== 200 || !response.body) throw new ListError(statusMessage(response), response.status);
      const metadata = asObject(response.body.metadata);
      if (resourceVersion === undefined && typeof metadata?.resourceVersion === 'string') resourceVersion = metadata.resourceVersion;
      if (Array.isArray(response.body.items)) {
        for (const item of response.body.items) if (asObject(item)) items.push(item as KubernetesObject);
      }
      token = typeof metadata?.continue === 'string' && metadata.continue !== '' ? metadata.continue : undefined;
      if (token === undefined) break;
    }
    this.synced = true;
    this.delay = this.backoff.initialMs;
    this.lastError = undefined;
    this.setState('watching');
    return { apiVersion: this.options.api.apiVersion, kind: `${this.kind}List`, metadata: { resourceVersion: resourceVersion ?? '' }, items };
  }

  private arrived(object: KubernetesObject, type: 'added' | 'updated'): void {
    const resource = this.toResource(object as unknown as JsonObject);
    if (this.state !== 'watching') {
      this.delay = this.backoff.initialMs;
      this.setState('watching');
    }
    if (resource) this.options.handlers.upsert(redactResource(resource), type);
    reduce(object);
  }

  private toResource(object: JsonObject): Resource | undefined {
    const metadata = asObject(object.metadata);
    if (!metadata || typeof metadata.name !== 'string') return undefined;
    const { api, connection } = this.options;
    const namespace = this.namespaceOf(typeof metadata.namespace === 'string' ? metadata.namespace : undefined);
    const resourceVersion = typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : undefined;
    const provenance: Provenance = { source: 'cluster', file: clusterOrigin(connection.context, namespace, metadata.name, resourceVersion), cluster: connection.context };
    if (resourceVersion !== undefined) provenance.resourceVersion = resourceVersion;
    const resource: Resource = { apiVersion: api.apiVersion, kind: api.kind, name: metadata.name, object: { ...object, apiVersion: api.apiVersion, kind: api.kind }, provenance };
    if (namespace !== undefined) resource.namespace = namespace;
    return resource;
  }

  private failed(error: unknown): void {
    if (this.stopped) return;
    const status = (error as { statusCode?: number; code?: number }).statusCode ?? (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    this.lastError = message;
    this.afterError = true;
    if (status === 403 || status === 401) this.setState('forbidden', message);
    else if (status === 404) this.setState('unavailable', message);
    else this.setState('backing-off', message);
    const permanent = this.state === 'forbidden' || this.state === 'unavailable';
    const wait = permanent ? this.backoff.maxMs : this.delay;
    this.delay = Math.min(this.delay * 2, this.backoff.maxMs);
    // Full jitter on the upper half: restarts of many kinds do not arrive together.
    const jittered = Math.round(wait / 2 + Math.random() * (wait / 2));
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.run();
    }, jittered);
    this.retry.unref?.();
  }
}

function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** What the informer's cache keeps of an object once it has been evaluated: enough to tell versions apart and to delete it. */
function reduce(object: KubernetesObject): void {
  const metadata = object.metadata ?? {};
  const kept = { name: metadata.name, namespace: metadata.namespace, uid: metadata.uid, resourceVersion: metadata.resourceVersion };
  for (const key of Object.keys(object)) delete (object as Record<string, unknown>)[key];
  object.metadata = kept;
}
