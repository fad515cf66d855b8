/**
 * What the inventory keeps of a resource: the resource without the fields that no cross-resource
 * check reads, copied so that it shares nothing with its file's text and nothing it need not hold.
 *
 * Why: the inventory lives until the end of a scan, so whatever it holds grows with the estate.
 * The per-resource checks see whole resources while their file is parsed; the cross-resource
 * checks need relations (labels, selectors, service accounts, ports, RBAC rules) and the fields
 * Pod Security evaluates (namespace-enforce-rejects). Container commands, arguments, environment,
 * images, resources and mounts, scheduling constraints, rollout settings (replicas, strategies,
 * CronJob schedules, Job limits), probes and lifecycle hooks (except the hosts they name), `status`,
 * `managedFields` and `last-applied-configuration` are dropped: they are most of a workload's size.
 *
 * `compactForInventory` projects (sharing the unchanged parts, cheap to send from a worker);
 * `InventoryCopier` then makes the record the inventory holds:
 *  - strings are interned: an estate repeats the same namespaces, labels, kinds and names across
 *    thousands of resources (about one string in ten is distinct), and each canonical copy is a
 *    fresh string, never a slice that would keep its whole file's text alive;
 *  - position tables are packed into shared chunks instead of one buffer per resource.
 * Together these halve the inventory's heap per resource (docs/benchmarks.md).
 *
 * test/inventory-compact.test.ts checks that the cross-resource checks give the same findings on
 * compact and whole resources.
 */
import type { JsonObject, JsonValue, Provenance, Resource } from '../resources/types.js';
import { CONTAINER_TYPES, isObject, podTemplatePath } from '../resources/workloads.js';

/** Container fields no cross-resource check reads. */
const CONTAINER_DROPPED = new Set([
  'image', 'imagePullPolicy', 'command', 'args', 'env', 'envFrom', 'resources', 'resizePolicy', 'volumeMounts',
  'volumeDevices', 'workingDir', 'terminationMessagePath', 'terminationMessagePolicy', 'stdin', 'stdinOnce', 'tty',
]);

/** Pod spec fields no cross-resource check reads (scheduling, DNS, pull secrets, lifecycle timing). */
const POD_SPEC_DROPPED = new Set([
  'affinity', 'tolerations', 'nodeSelector', 'topologySpreadConstraints', 'dnsConfig', 'dnsPolicy', 'hostAliases',
  'imagePullSecrets', 'readinessGates', 'schedulingGates', 'resourceClaims', 'resources', 'overhead', 'priority',
  'priorityClassName', 'preemptionPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'schedulerName',
  'enableServiceLinks', 'setHostnameAsFQDN',
]);

/**
 * Rollout and scheduling fields of the specs along the path to a pod template (Deployment,
 * StatefulSet, DaemonSet, Job, CronJob and its job template): no cross-resource check reads them.
 */
const CONTROLLER_SPEC_DROPPED = new Set([
  'replicas', 'strategy', 'updateStrategy', 'revisionHistoryLimit', 'minReadySeconds', 'progressDeadlineSeconds', 'paused',
  'podManagementPolicy', 'persistentVolumeClaimRetentionPolicy', 'ordinals',
  'schedule', 'timeZone', 'concurrencyPolicy', 'startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'suspend',
  'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes', 'completions', 'completionMode', 'parallelism', 'activeDeadlineSeconds',
  'ttlSecondsAfterFinished', 'podFailurePolicy', 'podReplacementPolicy', 'successPolicy', 'manualSelector',
]);

/** Probes and lifecycle hooks: the only part a cross-resource check reads is a host (Pod Security's `hostProbesAndHostLifecycle`). */
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const LIFECYCLE_HOOKS = ['postStart', 'preStop'] as const;
const HANDLER_ACTIONS = ['httpGet', 'tcpSocket'] as const;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The resource without what the inventory drops; unchanged parts are shared with the original. */
export function compactForInventory(resource: Resource): Resource {
  return { ...resource, provenance: { ...resource.provenance }, object: projectForInventory(resource) };
}

/** From this length V8 makes a substring a slice of its parent string instead of a copy. */
const SLICE_MIN_LENGTH = 13;

/** Int32 slots per chunk of packed position tables (256 KiB). */
const POSITION_CHUNK = 65_536;

/**
 * Deep copies of inventory records with interned strings and packed position tables (see the
 * module comment). One per scan: its string table lives as long as the inventory.
 */
export class InventoryCopier {
  private readonly strings = new Map<string, string>();
  private chunk = new Int32Array(0);
  private used = 0;

  copy(resource: Resource): Resource {
    const copy: Resource = {
      ...resource,
      apiVersion: this.intern(resource.apiVersion),
      kind: this.intern(resource.kind),
      name: this.intern(resource.name),
      provenance: this.copyProvenance(resource.provenance),
      object: this.copyObject(resource.object),
    };
    if (resource.namespace !== undefined) copy.namespace = this.intern(resource.namespace);
    return copy;
  }

  private copyProvenance(provenance: Provenance): Provenance {
    const copy: Provenance = { ...provenance };
    if (provenance.file !== undefined) copy.file = this.intern(provenance.file);
    if (provenance.itemPath) copy.itemPath = provenance.itemPath.map((step) => (typeof step === 'string' ? this.intern(step) : step));
    if (provenance.positions) copy.positions = this.pack(provenance.positions);
    return copy;
  }

  private copyValue(value: JsonValue): JsonValue {
    if (typeof value === 'string') return this.intern(value);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.copyValue(item));
    return this.copyObject(value);
  }

  private copyObject(object: JsonObject): JsonObject {
    const copy: JsonObject = {};
    for (const key of Object.keys(object)) {
      const value = this.copyValue(object[key]!);
      if (key === '__proto__') Object.defineProperty(copy, key, { value, writable: true, enumerable: true, configurable: true });
      else copy[key] = value;
    }
    return copy;
  }

  private intern(text: string): string {
    let canonical = this.strings.get(text);
    if (canonical === undefined) {
      // A new string with the same characters: `text` may be a slice of a whole file.
      canonical = text.length < SLICE_MIN_LENGTH ? text : (JSON.parse(JSON.stringify(text)) as string);
      this.strings.set(canonical, canonical);
    }
    return canonical;
  }

  /** A view of `table` in a shared chunk. */
  private pack(table: Int32Array): Int32Array {
    if (table.length > POSITION_CHUNK / 8) return table.slice();
    if (this.used + table.length > this.chunk.length) {
      this.chunk = new Int32Array(POSITION_CHUNK);
      this.used = 0;
    }
    const view = this.chunk.subarray(this.used, this.used + table.length);
    view.set(table);
    this.used += table.length;
    return view;
  }
}

/** The resource's object without the fields the inventory drops (unchanged parts shared). */
export function projectForInventory(resource: Resource): JsonObject {
  const object = withoutKeys(resource.object, ['status']);
  // A live Node's versions and addresses are read by the cluster checks (node versions, ipBlock peers).
  const status = resource.object.status;
  if (resource.kind === 'Node' && isObject(status)) {
    object.status = Object.fromEntries(['nodeInfo', 'addresses'].filter((key) => Object.hasOwn(status, key)).map((key) => [key, status[key]!]));
  }
  const path = podTemplatePath(resource.kind);
  // A Pod's metadata is its template's, compacted with it.
  if (path?.length !== 0 && isObject(object.metadata)) object.metadata = compactMetadata(object.metadata);
  return path ? replaceAt(object, path, compactPodTemplate, dropControllerFields) : object;
}

/** A spec on the way to a pod template without its rollout fields (`spec` and a CronJob's `jobTemplate.spec`). */
function dropControllerFields(object: JsonObject, key: string): JsonObject {
  return key === 'spec' ? withoutKeys(object, CONTROLLER_SPEC_DROPPED) : object;
}

/** The hosts of a probe or lifecycle hook (`{httpGet: {host}}`), or undefined when it names none. */
function handlerHosts(handler: JsonValue | undefined): JsonObject | undefined {
  if (!isObject(handler)) return undefined;
  let kept: JsonObject | undefined;
  for (const action of HANDLER_ACTIONS) {
    const target = handler[action];
    if (isObject(target) && typeof target.host === 'string' && target.host !== '') (kept ??= {})[action] = { host: target.host };
  }
  return kept;
}

const PROBE_KEYS = new Set<string>(PROBES);

/** A lifecycle reduced to the hooks that name a host, or undefined. */
function lifecycleHosts(lifecycle: JsonValue | undefined): JsonObject | undefined {
  if (!isObject(lifecycle)) return undefined;
  let kept: JsonObject | undefined;
  for (const hook of LIFECYCLE_HOOKS) {
    const hosts = handlerHosts(lifecycle[hook]);
    if (hosts) (kept ??= {})[hook] = hosts;
  }
  return kept;
}

/** A container without its bulk, and with its probes and lifecycle hooks reduced to the hosts they name (new object: no deletes, which would slow V8's objects). */
function compactContainer(container: JsonObject): JsonObject {
  const compact: JsonObject = {};
  for (const key of Object.keys(container)) {
    if (CONTAINER_DROPPED.has(key)) continue;
    const value = container[key];
    const kept = PROBE_KEYS.has(key) ? handlerHosts(value) : key === 'lifecycle' ? lifecycleHosts(value) : value;
    if (kept === undefined) continue;
    if (key === '__proto__') Object.defineProperty(compact, key, { value: kept, writable: true, enumerable: true, configurable: true });
    else compact[key] = kept;
  }
  return compact;
}

function compactMetadata(metadata: JsonObject): JsonObject {
  const compact = withoutKeys(metadata, ['managedFields']);
  const annotations = compact.annotations;
  if (isObject(annotations) && LAST_APPLIED in annotations) compact.annotations = withoutKeys(annotations, [LAST_APPLIED]);
  return compact;
}

/** A Pod or pod template: its metadata compacted, its spec without scheduling and container bulk. */
function compactPodTemplate(template: JsonObject): JsonObject {
  const compact = { ...template };
  if (isObject(compact.metadata)) compact.metadata = compactMetadata(compact.metadata);
  const spec = compact.spec;
  if (!isObject(spec)) return compact;
  const podSpec = withoutKeys(spec, POD_SPEC_DROPPED);
  for (const list of CONTAINER_TYPES) {
    const containers = podSpec[list];
    if (Array.isArray(containers)) podSpec[list] = containers.map((c) => (isObject(c) ? compactContainer(c) : c));
  }
  compact.spec = podSpec;
  return compact;
}

/**
 * `object` with the value at `path` replaced by `update(value)` (when it is an object); copies along
 * the path, each copy of an object met under key K passed through `along(copy, K)`.
 */
function replaceAt(object: JsonObject, path: readonly string[], update: (value: JsonObject) => JsonObject, along: (value: JsonObject, key: string) => JsonObject = (value) => value): JsonObject {
  if (path.length === 0) return update(object);
  const [head, ...rest] = path as [string, ...string[]];
  const child = object[head];
  if (!isObject(child)) return object;
  return { ...object, [head]: rest.length === 0 ? update(child) : along(replaceAt(child, rest, update, along), head) };
}

/** A shallow copy of `object` without `keys`, keeping the order of the others. */
function withoutKeys(object: JsonObject, keys: Iterable<string>): JsonObject {
  const dropped = keys instanceof Set ? (keys as Set<string>) : new Set(keys);
  const copy: JsonObject = {};
  for (const key of Object.keys(object)) {
    if (dropped.has(key)) continue;
    const value: JsonValue | undefined = object[key];
    if (value === undefined) continue;
    if (key === '__proto__') Object.defineProperty(copy, key, { value, writable: true, enumerable: true, configurable: true });
    else copy[key] = value;
  }
  return copy;
}
