/** Finds the pod spec inside a Pod or any workload that templates pods. */
import type { JsonObject, JsonValue, Resource } from './types.js';

export type ContainerType = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerRef {
  name: string;
  type: ContainerType;
  index: number;
  /** Path of the container from the resource root, e.g. `spec.template.spec.containers[0]`. */
  path: string;
  container: JsonObject;
}

export interface PodTemplate {
  resource: Resource;
  spec: JsonObject;
  /** Pod metadata (the template's metadata for workloads): labels, annotations. */
  metadata: JsonObject;
  specPath: string;
  metadataPath: string;
  /** Every container of the pod: init, regular and ephemeral, in that order. */
  containers: ContainerRef[];
}

// A Map, not an object literal: a kind is input, and `kind: constructor` must not find Object's.
const POD_TEMPLATE_PATHS = new Map<string, readonly string[]>([
  ['Pod', []],
  ['Deployment', ['spec', 'template']],
  ['StatefulSet', ['spec', 'template']],
  ['DaemonSet', ['spec', 'template']],
  ['ReplicaSet', ['spec', 'template']],
  ['ReplicationController', ['spec', 'template']],
  ['Job', ['spec', 'template']],
  ['CronJob', ['spec', 'jobTemplate', 'spec', 'template']],
  ['PodTemplate', ['template']],
]);

export const POD_TEMPLATE_KINDS: readonly string[] = [...POD_TEMPLATE_PATHS.keys()];

/** Where a kind holds its pod template (`[]`: a Pod is its own), or undefined for kinds without one. */
export function podTemplatePath(kind: string): readonly string[] | undefined {
  return POD_TEMPLATE_PATHS.get(kind);
}

/** The container lists of a pod spec, in the order the kubelet starts them. */
export const CONTAINER_TYPES: readonly ContainerType[] = ['initContainers', 'containers', 'ephemeralContainers'];

export function isObject(value: JsonValue | undefined | unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function asObject(value: JsonValue | undefined): JsonObject {
  return isObject(value) ? value : {};
}

export function asArray(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

interface TemplatePaths {
  specPath: string;
  metadataPath: string;
  /** Container paths by list and index, made once: every check of every workload asks for them. */
  containers: Record<ContainerType, string[]>;
}

const TEMPLATE_PATHS = new Map<string, TemplatePaths>(
  [...POD_TEMPLATE_PATHS].map(([kind, segments]) => {
    const prefix = segments.join('.');
    const paths: TemplatePaths = {
      specPath: prefix ? `${prefix}.spec` : 'spec',
      metadataPath: prefix ? `${prefix}.metadata` : 'metadata',
      containers: { containers: [], initContainers: [], ephemeralContainers: [] },
    };
    return [kind, paths];
  }),
);

function containerPath(paths: TemplatePaths, type: ContainerType, index: number): string {
  const list = paths.containers[type];
  while (list.length <= index) list.push(`${paths.specPath}.${type}[${list.length}]`);
  return list[index]!;
}

/** The pod template of a Pod or workload, or undefined for other kinds (and for malformed specs). */
export function podTemplateOf(resource: Resource): PodTemplate | undefined {
  const segments = podTemplatePath(resource.kind);
  if (!segments) return undefined;
  let holder: JsonValue | undefined = resource.object;
  for (const segment of segments) {
    holder = isObject(holder) ? holder[segment] : undefined;
  }
  if (!isObject(holder) || !isObject(holder.spec)) return undefined;
  const paths = TEMPLATE_PATHS.get(resource.kind)!;
  const spec = holder.spec;
  const containers: ContainerRef[] = [];
  for (const type of CONTAINER_TYPES) {
    asArray(spec[type]).forEach((container, index) => {
      if (!isObject(container)) return;
      const name = typeof container.name === 'string' ? container.name : `#${index}`;
      containers.push({ name, type, index, path: containerPath(paths, type, index), container });
    });
  }
  return { resource, spec, metadata: asObject(holder.metadata), specPath: paths.specPath, metadataPath: paths.metadataPath, containers };
}
