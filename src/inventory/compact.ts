/**
 * What the inventory keeps of a resource: the resource without the fields that no cross-resource
 * check reads, as a copy that shares nothing with its file's text.
 *
 * Why: the inventory lives until the end of a scan, so whatever it holds grows with the estate.
 * The per-resource checks see whole resources while their file is parsed; the cross-resource
 * checks need relations (labels, selectors, service accounts, ports, RBAC rules) and the fields
 * Pod Security evaluates (namespace-enforce-rejects). Container commands, arguments, environment,
 * images, resources and mounts, scheduling constraints, `status`, `managedFields` and
 * `last-applied-configuration` are dropped: they are most of a workload's size. Strings parsed
 * from a file can be slices of the whole file's text; the copy (structured clone) lets that text go.
 *
 * test/inventory-compact.test.ts checks that the cross-resource checks give the same findings on
 * compact and whole resources.
 */
import type { JsonObject, JsonValue, Resource } from '../resources/types.js';
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

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The inventory's copy of a resource (see the module comment). `clone: false` shares the unchanged
 * parts with the original: for a worker, whose reply to the main thread is a copy anyway.
 */
export function compactForInventory(resource: Resource, clone = true): Resource {
  const compact = { ...resource, provenance: { ...resource.provenance }, object: projectForInventory(resource) };
  return clone ? structuredClone(compact) : compact;
}

/** The resource's object without the fields the inventory drops (unchanged parts shared). */
export function projectForInventory(resource: Resource): JsonObject {
  const object = withoutKeys(resource.object, ['status']);
  const path = podTemplatePath(resource.kind);
  // A Pod's metadata is its template's, compacted with it.
  if (path?.length !== 0 && isObject(object.metadata)) object.metadata = compactMetadata(object.metadata);
  return path ? replaceAt(object, path, compactPodTemplate) : object;
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
    if (Array.isArray(containers)) podSpec[list] = containers.map((c) => (isObject(c) ? withoutKeys(c, CONTAINER_DROPPED) : c));
  }
  compact.spec = podSpec;
  return compact;
}

/** `object` with the value at `path` replaced by `update(value)` (when it is an object); copies along the path. */
function replaceAt(object: JsonObject, path: readonly string[], update: (value: JsonObject) => JsonObject): JsonObject {
  if (path.length === 0) return update(object);
  const [head, ...rest] = path as [string, ...string[]];
  const child = object[head];
  if (!isObject(child)) return object;
  return { ...object, [head]: replaceAt(child, rest, update) };
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
