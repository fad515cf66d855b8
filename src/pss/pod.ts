/**
 * A read-only view of a pod (spec + metadata) as the checks need it: containers in the order upstream
 * visits them (init, regular, ephemeral), with their paths, and the pod-level fields the checks share.
 */
import type { JsonObject, JsonValue } from '../resources/types.js';
import { asArray, asObject, isObject } from '../resources/workloads.js';
import { joinPath } from '../resources/object-path.js';

/** The input of an evaluation: the pod spec and the pod metadata (annotations matter for AppArmor and seccomp). */
export interface PodInput {
  spec: JsonObject;
  metadata?: JsonObject;
}

export interface PodContainer {
  /** The container name; empty when the manifest gives none (as upstream would see it). */
  name: string;
  /** Path from the pod root, e.g. `spec.initContainers[0]`. */
  path: string;
  container: JsonObject;
  securityContext: JsonObject | undefined;
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

export class PodView {
  readonly spec: JsonObject;
  readonly metadata: JsonObject;
  readonly containers: readonly PodContainer[];
  /** spec.securityContext, when it is an object. */
  readonly securityContext: JsonObject | undefined;

  constructor(input: PodInput) {
    this.spec = input.spec;
    this.metadata = input.metadata ?? {};
    this.securityContext = objectOrUndefined(this.spec.securityContext);
    this.containers = listContainers(this.spec);
  }

  /** String-valued annotations of the pod. */
  annotations(): Array<[string, string]> {
    return Object.entries(asObject(this.metadata.annotations))
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  }

  annotation(key: string): string | undefined {
    const value = asObject(this.metadata.annotations)[key];
    return typeof value === 'string' ? value : undefined;
  }

  /** spec.os.name is `windows` (policy 1.25+ exempts such pods from some restricted checks). */
  isWindows(): boolean {
    return asObject(this.spec.os).name === 'windows';
  }

  /** spec.hostUsers is explicitly false: the pod runs in its own user namespace. */
  inUserNamespace(): boolean {
    return this.spec.hostUsers === false;
  }

  volumes(): Array<{ volume: JsonObject; path: string }> {
    return asArray(this.spec.volumes).flatMap((volume, index) =>
      isObject(volume) ? [{ volume, path: `spec.volumes[${index}]` }] : []);
  }
}

function objectOrUndefined(value: JsonValue | undefined): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

function listContainers(spec: JsonObject): PodContainer[] {
  const containers: PodContainer[] = [];
  for (const list of CONTAINER_LISTS) {
    asArray(spec[list]).forEach((container, index) => {
      if (!isObject(container)) return;
      containers.push({
        name: typeof container.name === 'string' ? container.name : '',
        path: `spec.${list}[${index}]`,
        container,
        securityContext: objectOrUndefined(container.securityContext),
      });
    });
  }
  return containers;
}

/**
 * The path of `segments` under `basePath` when the field exists, otherwise the path of its deepest
 * existing parent: where a finding about a missing or wrong field should point.
 */
export function fieldPath(basePath: string, holder: JsonValue | undefined, segments: readonly string[]): string {
  let path = basePath;
  let current = holder;
  for (const segment of segments) {
    if (!isObject(current) || !(segment in current)) return path;
    path = joinPath(path, segment);
    current = current[segment];
  }
  return path;
}

/** Path of a field of the container's securityContext (or its deepest existing parent). */
export function containerField(c: PodContainer, ...segments: string[]): string {
  return fieldPath(c.path, c.container, ['securityContext', ...segments]);
}

/** Path of a field of spec.securityContext (or its deepest existing parent). */
export function podField(pod: PodView, ...segments: string[]): string {
  return fieldPath('spec', pod.spec, ['securityContext', ...segments]);
}
