/**
 * The live cluster as a source of resources: discovery, then every wanted kind listed in pages, each
 * item a Resource with provenance `cluster/CONTEXT/NAMESPACE/NAME@RESOURCEVERSION`, Secret values
 * redacted before anything else sees them. What could not be read is recorded per kind (`coverage`).
 */
import type { JsonObject, Provenance, Resource } from '../../resources/types.js';
import { redactResource } from '../../resources/redact.js';
import { setOwn } from '../../resources/values.js';
import type { ClusterConnection } from './connection.js';
import { discover, WANTED_KINDS, type ApiResource, type DiscoveryResult, type WantedKind } from './discovery.js';
import { listItems, PAGE_SIZE, type ListOutcome } from './list.js';

export type KindState = 'read' | 'forbidden' | 'unavailable' | 'unauthorized' | 'failed';

export interface KindCoverage {
  kind: string;
  /** Where it was listed (absent when the cluster does not serve the kind). */
  apiVersion?: string;
  state: KindState;
  /** Objects read (for a list that failed part way, those read before it failed). */
  items: number;
  /** The server's message when the kind was not (fully) read. */
  message?: string;
  /** The list was continued after its snapshot expired (410): objects changed meanwhile may be missing or repeated. */
  inconsistent?: boolean;
}

export interface ClusterReadOptions {
  /** One namespace (`-n`), or all (`undefined`, `-A`). Cluster-scoped kinds are always listed. */
  namespace?: string;
  kinds?: readonly WantedKind[];
  pageSize?: number;
  /** What Secret values become: redacted (default) or digested (drift). */
  protect?: (resource: Resource) => Resource;
}

export class ClusterSource {
  readonly coverage: KindCoverage[] = [];
  /** GET /version: gitVersion, platform, … (undefined when the server did not answer it). */
  serverVersion: JsonObject | undefined;
  discovery: DiscoveryResult | undefined;

  constructor(
    private readonly connection: ClusterConnection,
    private readonly options: ClusterReadOptions = {},
  ) {}

  get context(): string {
    return this.connection.context;
  }

  /** Objects read in all. */
  get itemsRead(): number {
    return this.coverage.reduce((sum, kind) => sum + kind.items, 0);
  }

  /** Reads the server's version and discovery (once); `resources()` does it first if not done. */
  async prepare(): Promise<DiscoveryResult> {
    if (!this.discovery) {
      const version = await this.connection.get('/version');
      if (version.status === 200 && version.body) this.serverVersion = version.body;
      this.discovery = await discover(this.connection, this.options.kinds ?? WANTED_KINDS);
    }
    return this.discovery;
  }

  /** Every object of every wanted kind the cluster serves and lets us list, kind by kind. */
  async *resources(): AsyncGenerator<Resource> {
    const discovery = await this.prepare();
    for (const wanted of this.options.kinds ?? WANTED_KINDS) {
      const api = discovery.resources.get(wanted.kind);
      if (!api) {
        this.coverage.push(notDiscovered(wanted, discovery));
        continue;
      }
      const outcome: { value?: ListOutcome } = {};
      yield* this.list(api, this.options.namespace, outcome);
      if (outcome.value!.state === 'forbidden' && api.namespaced && this.options.namespace === undefined && outcome.value!.items === 0 && this.namespaces.length > 0) {
        yield* this.listPerNamespace(api, outcome.value!);
      } else {
        this.coverage.push(coverageOf(api, outcome.value!));
      }
    }
    // Last: it carries what every kind's list came to, for the checks about the cluster as a whole.
    yield clusterInfoResource(this.serverVersion, this.coverage, this.podAddresses, this.context);
  }

  /** Names of the Namespaces read (listed first), for lists that are allowed per namespace only. */
  private readonly namespaces: string[] = [];

  private async *list(api: ApiResource, namespace: string | undefined, outcome: { value?: ListOutcome }): AsyncGenerator<Resource> {
    const protect = this.options.protect ?? redactResource;
    const items = listItems(this.connection, api, namespace, this.options.pageSize ?? PAGE_SIZE);
    for (;;) {
      const next = await items.next();
      if (next.done) {
        outcome.value = next.value;
        return;
      }
      const resource = toResource(next.value, api, this.context);
      if (!resource) continue;
      if (resource.kind === 'Pod') this.recordPodAddresses(resource);
      if (resource.kind === 'Namespace') this.namespaces.push(resource.name);
      yield protect(resource);
    }
  }

  /**
   * A namespaced kind that may not be listed cluster-wide (a user with namespace Roles only) is
   * listed in each namespace, as kubectl users do with -n. The kind counts as read only if every
   * namespace could be read; otherwise it stays forbidden, with what was read.
   */
  private async *listPerNamespace(api: ApiResource, clusterWide: ListOutcome): AsyncGenerator<Resource> {
    let items = 0;
    const refused: string[] = [];
    let inconsistent = false;
    for (const namespace of this.namespaces) {
      const outcome: { value?: ListOutcome } = {};
      yield* this.list(api, namespace, outcome);
      items += outcome.value!.items;
      if (outcome.value!.state !== 'read') refused.push(namespace);
      else if (outcome.value!.inconsistent) inconsistent = true;
    }
    const read = this.namespaces.length - refused.length;
    const coverage: KindCoverage = { kind: api.kind, apiVersion: api.apiVersion, state: refused.length === 0 ? 'read' : 'forbidden', items };
    if (refused.length > 0) {
      const message = clusterWide.state === 'read' ? '' : clusterWide.message;
      coverage.message = `${message}; listed per namespace: read in ${read} of ${this.namespaces.length}, refused in ${refused.slice(0, 5).join(', ')}${refused.length > 5 ? ', …' : ''}`;
    }
    if (inconsistent) coverage.inconsistent = true;
    this.coverage.push(coverage);
  }

  /** Pod IPs (not of host-network pods, which hold their node's), for ipBlock peers: small, kept to the end. */
  private readonly podAddresses: JsonObject[] = [];

  private recordPodAddresses(pod: Resource): void {
    const spec = pod.object.spec;
    if (spec && typeof spec === 'object' && !Array.isArray(spec) && spec.hostNetwork === true) return;
    const status = pod.object.status;
    if (!status || typeof status !== 'object' || Array.isArray(status)) return;
    const addresses = new Set<string>();
    if (typeof status.podIP === 'string' && status.podIP !== '') addresses.add(status.podIP);
    if (Array.isArray(status.podIPs)) {
      for (const entry of status.podIPs) {
        if (entry && typeof entry === 'object' && !Array.isArray(entry) && typeof entry.ip === 'string') addresses.add(entry.ip);
      }
    }
    for (const address of addresses) this.podAddresses.push({ address, name: `${pod.namespace ?? ''}/${pod.name}` });
  }
}

/** A kind discovery did not find: not served, or discovery itself was refused (then the kind's state is the refusal's). */
function notDiscovered(wanted: WantedKind, discovery: DiscoveryResult): KindCoverage {
  const failed = discovery.failures.find((f) => (wanted.group === '' ? f.path === '/api/v1' : f.path === '/apis' || f.path.startsWith(`/apis/${wanted.group}/`)));
  if (!failed) return { kind: wanted.kind, state: 'unavailable', items: 0, message: `the server does not serve ${wanted.group ? `${wanted.kind}.${wanted.group}` : wanted.kind}` };
  const state: KindState = failed.status === 401 ? 'unauthorized' : failed.status === 403 ? 'forbidden' : failed.status === 404 ? 'unavailable' : 'failed';
  return { kind: wanted.kind, state, items: 0, message: `discovery ${failed.path} answered ${failed.status}: ${failed.message}` };
}

function coverageOf(api: ApiResource, outcome: ListOutcome): KindCoverage {
  const coverage: KindCoverage = { kind: api.kind, apiVersion: api.apiVersion, state: outcome.state, items: outcome.items };
  if (outcome.state !== 'read') coverage.message = outcome.message;
  else if (outcome.inconsistent) coverage.inconsistent = true;
  return coverage;
}

function metadataOf(object: JsonObject): JsonObject {
  const metadata = object.metadata;
  return metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? metadata : {};
}

/** The provenance string of a live object: `cluster/CONTEXT/NAMESPACE/NAME@RV` (no namespace segment when cluster-scoped). */
export function clusterOrigin(context: string, namespace: string | undefined, name: string, resourceVersion: string | undefined): string {
  return `cluster/${context}/${namespace !== undefined ? `${namespace}/` : ''}${name}${resourceVersion ? `@${resourceVersion}` : ''}`;
}

function toResource(object: JsonObject, api: ApiResource, context: string): Resource | undefined {
  const metadata = metadataOf(object);
  if (typeof metadata.name !== 'string') return undefined;
  const namespace = api.namespaced && typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  const resourceVersion = typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : undefined;
  const provenance: Provenance = { source: 'cluster', file: clusterOrigin(context, namespace, metadata.name, resourceVersion), cluster: context };
  if (resourceVersion !== undefined) provenance.resourceVersion = resourceVersion;
  const resource: Resource = { apiVersion: api.apiVersion, kind: api.kind, name: metadata.name, object, provenance };
  if (namespace !== undefined) resource.namespace = namespace;
  return resource;
}

/**
 * The cluster itself as a resource, so that checks can reason about it: GET /version, what the
 * list of each kind came to (`read`, `forbidden`, …), so that a check about the presence of objects
 * can tell "none" from "not readable", and the pods' IP addresses (`podAddresses`: address and
 * namespace/name), which the owner roll-up keeps out of the inventory but ipBlock peers match. Synthesized here, in the group annexa.dev, never sent to a cluster.
 */
export const CLUSTER_INFO_KIND = 'ClusterInfo';
export const CLUSTER_INFO_API = 'annexa.dev/v1';

function clusterInfoResource(version: JsonObject | undefined, coverage: readonly KindCoverage[], podAddresses: JsonObject[], context: string): Resource {
  const kinds: JsonObject = {};
  for (const kind of coverage) setOwn(kinds, kind.kind, kind.state);
  const object: JsonObject = { apiVersion: CLUSTER_INFO_API, kind: CLUSTER_INFO_KIND, metadata: { name: context }, kinds, podAddresses };
  if (version) object.serverVersion = version;
  return { apiVersion: CLUSTER_INFO_API, kind: CLUSTER_INFO_KIND, name: context, object, provenance: { source: 'cluster', file: `cluster/${context}`, cluster: context } };
}
