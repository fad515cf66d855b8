/**
 * Small pure helpers shared by the workload, secrets and image checks: security-context lookups
 * (container value overriding the pod value), capabilities, volumes, image references, and
 * builders for the checks' example manifests.
 */
import type { JsonObject, JsonValue } from '../../resources/types.js';
import type { ContainerRef, PodTemplate } from '../../resources/workloads.js';
import { asArray, asObject, isObject } from '../../resources/workloads.js';
import { joinPath } from '../../resources/object-path.js';

export { asArray, asObject, isObject, joinPath };

/** The container's securityContext (empty when absent). */
export function containerSecurityContext(c: ContainerRef): JsonObject {
  return asObject(c.container.securityContext);
}

/** The pod-level securityContext (empty when absent). */
export function podSecurityContext(pod: PodTemplate): JsonObject {
  return asObject(pod.spec.securityContext);
}

export interface Located<T> {
  value: T;
  path: string;
}

/**
 * A field that may be set on the container's securityContext or, as a default, on the pod's:
 * the container value wins. Undefined when neither sets it.
 */
export function effectiveField(pod: PodTemplate, c: ContainerRef, field: string): Located<JsonValue> | undefined {
  const own = containerSecurityContext(c)[field];
  if (own !== undefined && own !== null) return { value: own, path: `${c.path}.securityContext.${field}` };
  const inherited = podSecurityContext(pod)[field];
  if (inherited !== undefined && inherited !== null) return { value: inherited, path: `${pod.specPath}.securityContext.${field}` };
  return undefined;
}

/** True for pods that declare `spec.os.name: windows` (Linux-only fields do not apply). */
export function isWindowsPod(pod: PodTemplate): boolean {
  return asObject(pod.spec.os).name === 'windows';
}

/** Regular containers only: the ones that serve (probes and resources concern them). */
export function regularContainers(pod: PodTemplate): ContainerRef[] {
  return pod.containers.filter((c) => c.type === 'containers');
}

/** Init and regular containers: the ones the kubelet runs from the spec (ephemeral ones have no resources). */
export function scheduledContainers(pod: PodTemplate): ContainerRef[] {
  return pod.containers.filter((c) => c.type !== 'ephemeralContainers');
}

/** Capability name in canonical form: upper case, without the `CAP_` prefix. */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

/** The capabilities a container adds or drops, with the path of each entry. */
export function capabilityEntries(c: ContainerRef, list: 'add' | 'drop'): Array<Located<string>> {
  const base = `${c.path}.securityContext.capabilities.${list}`;
  const entries: Array<Located<string>> = [];
  asArray(asObject(containerSecurityContext(c).capabilities)[list]).forEach((entry, i) => {
    if (typeof entry === 'string') entries.push({ value: normalizeCapability(entry), path: `${base}[${i}]` });
  });
  return entries;
}

export interface VolumeRef {
  name: string;
  index: number;
  path: string;
  volume: JsonObject;
}

export function volumesOf(pod: PodTemplate): VolumeRef[] {
  const volumes: VolumeRef[] = [];
  asArray(pod.spec.volumes).forEach((volume, index) => {
    if (!isObject(volume)) return;
    const name = typeof volume.name === 'string' ? volume.name : `#${index}`;
    volumes.push({ name, index, path: `${pod.specPath}.volumes[${index}]`, volume });
  });
  return volumes;
}

export interface HostPathVolume extends VolumeRef {
  /** The host path, normalised: no trailing slash (except for `/`), no doubled slashes. */
  hostPath: string;
}

export function normalizeHostPath(path: string): string {
  const collapsed = path.trim().replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

export function hostPathVolumes(pod: PodTemplate): HostPathVolume[] {
  return volumesOf(pod).flatMap((v) => {
    const hostPath = asObject(v.volume.hostPath);
    if (!isObject(v.volume.hostPath)) return [];
    return [{ ...v, hostPath: normalizeHostPath(typeof hostPath.path === 'string' ? hostPath.path : '') }];
  });
}

/** True when `path` is `base` or lies under it. */
export function isUnder(path: string, base: string): boolean {
  if (base === '/') return path.startsWith('/');
  return path === base || path.startsWith(`${base}/`);
}

export interface ImageReference {
  /** Registry host as written, or undefined for Docker Hub short names. */
  registry?: string;
  /** Repository path without registry, tag or digest. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits an image reference `[registry/]repository[:tag][@digest]`. */
export function parseImage(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const ref: ImageReference = { repository: hasRegistry ? rest.slice(slash + 1) : rest };
  if (hasRegistry) ref.registry = first;
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** The fully qualified name (`docker.io/library/nginx`) the runtime resolves a reference to, without tag or digest. */
export function qualifiedName(ref: ImageReference): string {
  if (ref.registry) return `${ref.registry}/${ref.repository}`;
  return ref.repository.includes('/') ? `docker.io/${ref.repository}` : `docker.io/library/${ref.repository}`;
}

/** A sha256 (or other algorithm) content digest such as `sha256:<64 hex>`. */
/** Hex length of the registered OCI digest algorithms; a runtime refuses any other algorithm or length. */
const DIGEST_HEX_LENGTH: ReadonlyMap<string, number> = new Map([['sha256', 64], ['sha512', 128]]);

/** Why a `@…` digest is not one a registry or runtime accepts, or undefined when it is well formed. */
export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  const algorithm = colon < 0 ? '' : digest.slice(0, colon);
  const hex = colon < 0 ? digest : digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH.get(algorithm);
  if (length === undefined) return `unknown digest algorithm "${algorithm}" (sha256 or sha512)`;
  if (!/^[0-9a-f]*$/.test(hex)) return `${algorithm} digest must be lower-case hexadecimal`;
  if (hex.length !== length) return `${algorithm} digest has ${hex.length} hexadecimal characters, not ${length}`;
  return undefined;
}

/** A well-formed content digest: sha256 with 64, or sha512 with 128, lower-case hexadecimal characters. */
export function isDigest(digest: string | undefined): boolean {
  return digest !== undefined && digestProblem(digest) === undefined;
}

/** The container's image, when it is a non-empty string. */
export function imageOf(c: ContainerRef): string | undefined {
  const image = c.container.image;
  return typeof image === 'string' && image.trim() !== '' ? image.trim() : undefined;
}

/** The env entries of a container with their paths. */
export function envEntries(c: ContainerRef): Array<Located<JsonObject>> {
  const entries: Array<Located<JsonObject>> = [];
  asArray(c.container.env).forEach((entry, i) => {
    if (isObject(entry)) entries.push({ value: entry, path: `${c.path}.env[${i}]` });
  });
  return entries;
}

/** The pod annotations with their paths (annotation keys contain dots and slashes). */
export function podAnnotation(pod: PodTemplate, key: string): Located<string> | undefined {
  const value = asObject(pod.metadata.annotations)[key];
  if (typeof value !== 'string') return undefined;
  return { value, path: joinPath(`${pod.metadataPath}.annotations`, key) };
}

// ---------------------------------------------------------------------------------------------
// Example builders: the checks' example manifests stay short and show the field under test.

/** Removes blank edge lines and the common leading indentation, then indents by `spaces`. */
function indent(text: string, spaces: number): string {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const margins = lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length);
  const margin = margins.length > 0 ? Math.min(...margins) : 0;
  const pad = ' '.repeat(spaces);
  return lines.map((line) => (line.trim() === '' ? '' : pad + line.slice(margin))).join('\n');
}

/** A Pod whose spec is the given YAML (block or flow style). */
export function examplePod(spec: string, metadata = 'name: example'): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n${indent(metadata, 2)}\nspec:\n${indent(spec, 2)}`;
}

/** A Deployment whose pod template spec is the given YAML; violations sit under `spec.template.spec`. */
export function exampleDeployment(spec: string, templateMetadata = 'labels: { app: example }'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: example }
spec:
  selector: { matchLabels: { app: example } }
  template:
    metadata:
${indent(templateMetadata, 6)}
    spec:
${indent(spec, 6)}`;
}

/** A CronJob whose pod template spec is the given YAML; violations sit under `spec.jobTemplate.spec.template.spec`. */
export function exampleCronJob(spec: string): string {
  return `apiVersion: batch/v1
kind: CronJob
metadata: { name: example }
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
${indent(spec, 10)}`;
}

export type ResourceSection = 'requests' | 'limits';
export type ResourceName = 'cpu' | 'memory';

function hasQuantity(resources: JsonObject, section: ResourceSection, name: ResourceName): boolean {
  const value = asObject(resources[section])[name];
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
}

/**
 * Init and regular containers that do not set `resources.<section>.<name>`, with the path to set.
 * A request counts as set when the limit is (the API server defaults the request to the limit).
 */
export function containersMissingResource(pod: PodTemplate, section: ResourceSection, name: ResourceName): Array<Located<ContainerRef>> {
  return scheduledContainers(pod).flatMap((c) => {
    const resources = asObject(c.container.resources);
    const set = hasQuantity(resources, section, name) || (section === 'requests' && hasQuantity(resources, 'limits', name));
    return set ? [] : [{ value: c, path: `${c.path}.resources.${section}.${name}` }];
  });
}

/** Kinds whose pods run to completion: service probes do not apply to them. */
const BATCH_KINDS = new Set(['Job', 'CronJob']);

/** Regular containers of long-running workloads that lack the given probe, with the path to set. */
export function containersMissingProbe(pod: PodTemplate, probe: 'livenessProbe' | 'readinessProbe'): Array<Located<ContainerRef>> {
  if (BATCH_KINDS.has(pod.resource.kind)) return [];
  return regularContainers(pod).flatMap((c) => (isObject(c.container[probe]) ? [] : [{ value: c, path: `${c.path}.${probe}` }]));
}

/** Values that merely point at a secret held elsewhere: empty, `${VAR}` / `$(VAR)` placeholders, booleans, file paths, URLs without credentials. */
export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (/^(\$\{[^}]*\}|\$\([^)]*\)|\{\{[^}]*\}\})$/.test(v)) return true;
  if (/^(true|false|yes|no|on|off|null|none|changeme|<[^>]*>)$/i.test(v)) return true;
  if (/^\/[\w./-]*$/.test(v)) return true;
  return /^[a-z][a-z0-9+.-]*:\/\/[^@\s]*$/i.test(v) && !/:\/\/[^/\s:@]+:[^/\s@]+@/.test(v);
}
