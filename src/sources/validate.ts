/**
 * What the API server would do with a parsed object before any check sees it:
 * Problems are input errors (the run exits 2); the object is still checked, so that nothing it
 * shows is hidden, except when it carries an unrendered template.
 *  - fields the API types as booleans or integers get the value kubectl sends. kubectl reads YAML
 *    with sigs.k8s.io/yaml (YAML 1.1): a plain `on`, `yes`, `y` is true, `off`, `no`, `n` false,
 *    `0755` octal, `1_000` a thousand. A quoted string, a list or a map there is rejected by the
 *    API server, so it is an input error here, never a silent pass;
 *  - an object whose structure the API server rejects (a spec that is a list or a scalar, a pod
 *    without containers, a container that is not a map) is an input error, not a clean resource;
 *  - unrendered template expressions (`{{ .Release.Name }}`) in names and references are an input
 *    error, so that they never reach the checks as if they were real names or subjects.
 */
import type { JsonObject } from '../resources/types.js';
import type { PathSegment } from '../resources/object-path.js';
import { CONTAINER_TYPES, isObject, podTemplatePath } from '../resources/workloads.js';

export interface StructureProblem {
  path: PathSegment[];
  message: string;
  /** The object must not reach the checks (an unrendered template in a name or reference). */
  drop?: boolean;
}

/** Reads the source text of the scalar value of the map entry at `path`; undefined when it is not a plain scalar. */
export type PlainSourceOf = (path: readonly PathSegment[]) => string | undefined;

type FieldType = 'boolean' | 'integer';

const POD_SPEC_FIELDS: Readonly<Record<string, FieldType>> = {
  hostNetwork: 'boolean', hostPID: 'boolean', hostIPC: 'boolean', hostUsers: 'boolean', shareProcessNamespace: 'boolean',
  automountServiceAccountToken: 'boolean', enableServiceLinks: 'boolean', setHostnameAsFQDN: 'boolean',
  terminationGracePeriodSeconds: 'integer', activeDeadlineSeconds: 'integer', priority: 'integer',
};
const POD_SECURITY_CONTEXT_FIELDS: Readonly<Record<string, FieldType>> = {
  runAsNonRoot: 'boolean', runAsUser: 'integer', runAsGroup: 'integer', fsGroup: 'integer',
};
const CONTAINER_FIELDS: Readonly<Record<string, FieldType>> = { stdin: 'boolean', stdinOnce: 'boolean', tty: 'boolean' };
const CONTAINER_SECURITY_CONTEXT_FIELDS: Readonly<Record<string, FieldType>> = {
  privileged: 'boolean', allowPrivilegeEscalation: 'boolean', readOnlyRootFilesystem: 'boolean', runAsNonRoot: 'boolean',
  runAsUser: 'integer', runAsGroup: 'integer',
};
const CONTAINER_PORT_FIELDS: Readonly<Record<string, FieldType>> = { containerPort: 'integer', hostPort: 'integer' };
const VOLUME_MOUNT_FIELDS: Readonly<Record<string, FieldType>> = { readOnly: 'boolean' };
const SERVICE_ACCOUNT_FIELDS: Readonly<Record<string, FieldType>> = { automountServiceAccountToken: 'boolean' };

const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const YAML11_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);

/** A plain scalar as go-yaml v2 resolves an integer (strconv.ParseInt base 0, underscores dropped); undefined when it is not one. */
export function yaml11Integer(source: string): number | undefined {
  const match = /^([-+]?)(0b[01_]+|0o?[0-7_]*|0x[0-9a-fA-F_]+|[1-9][0-9_]*)$/.exec(source);
  if (!match) return undefined;
  const digits = match[2]!.replace(/_/g, '');
  const radix = /^0x/.test(digits) ? 16 : /^0b/.test(digits) ? 2 : /^0o/.test(digits) || (digits.length > 1 && digits[0] === '0') ? 8 : 10;
  const body = radix === 10 ? digits : digits.replace(/^0[xbo]?/, '');
  const magnitude = body === '' ? 0 : parseInt(body, radix);
  if (!Number.isSafeInteger(magnitude)) return undefined;
  return match[1] === '-' ? -magnitude : magnitude;
}

export function yaml11Boolean(source: string): boolean | undefined {
  if (YAML11_TRUE.has(source)) return true;
  if (YAML11_FALSE.has(source)) return false;
  return undefined;
}

/** Longest values the API server accepts (DNS subdomain names; namespaces are DNS labels). */
const NAME_LIMITS = { name: 253, namespace: 63, generateName: 253 } as const;

const TEMPLATE = /\{\{.*\}\}/s;

class Validator {
  readonly problems: StructureProblem[] = [];

  constructor(private readonly plainSourceOf: PlainSourceOf) {}

  problem(path: PathSegment[], message: string, drop = false): void {
    this.problems.push({ path, message, ...(drop ? { drop } : {}) });
  }

  /** Typed fields of a map: resolved as kubectl sends them, or a problem. */
  typed(object: JsonObject, path: PathSegment[], fields: Readonly<Record<string, FieldType>>): void {
    for (const [key, type] of Object.entries(fields)) {
      if (!Object.hasOwn(object, key) || object[key] === null) continue;
      const fieldPath = [...path, key];
      const resolved = this.resolve(object[key], fieldPath, type);
      if (resolved === undefined) this.problem(fieldPath, wrongType(object[key], type));
      else object[key] = resolved;
    }
  }

  private resolve(value: unknown, path: PathSegment[], type: FieldType): boolean | number | undefined {
    const source = typeof value === 'string' || typeof value === 'number' ? this.plainSourceOf(path) : undefined;
    if (type === 'boolean') {
      if (typeof value === 'boolean') return value;
      return typeof value === 'string' && source !== undefined ? yaml11Boolean(source) : undefined;
    }
    if (typeof value === 'number') {
      // `0755` is octal to kubectl; the YAML 1.2 reader made it 755.
      const exact = source === undefined ? undefined : yaml11Integer(source);
      if (exact !== undefined) return exact;
      return Number.isInteger(value) ? value : undefined;
    }
    return typeof value === 'string' && source !== undefined ? yaml11Integer(source) : undefined;
  }

  /** A map where the API requires one (null and absent are accepted: they decode as empty). */
  map(value: unknown, path: PathSegment[], what: string): JsonObject | undefined {
    if (value === undefined || value === null) return undefined;
    if (isObject(value)) return value;
    this.problem(path, `${what} must be a map, not ${kindOf(value)}; the API server rejects this object`);
    return undefined;
  }

  untemplated(value: unknown, path: PathSegment[]): void {
    if (typeof value === 'string' && TEMPLATE.test(value)) {
      this.problem(path, 'an unrendered template expression ({{ … }}): render the chart or template first (e.g. helm template); the object is not checked', true);
    }
  }
}

/** What a value is, never the value itself (it may be anything, a password included). */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a fractional number';
  return typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}

function wrongType(value: unknown, type: FieldType): string {
  const expected = type === 'boolean' ? 'true or false' : 'an integer';
  const got = typeof value === 'string' ? 'a string (quoted or tagged: kubectl sends it as text)' : kindOf(value);
  return `must be ${expected}, not ${got}; the API server rejects this object`;
}

function validatePodSpec(v: Validator, spec: unknown, path: PathSegment[]): void {
  if (!isObject(spec)) {
    v.problem(path, `a pod spec must be a map with containers, not ${kindOf(spec)}; the API server rejects this object`);
    return;
  }
  v.typed(spec, path, POD_SPEC_FIELDS);
  const podSecurity = v.map(spec.securityContext, [...path, 'securityContext'], 'securityContext');
  if (podSecurity) v.typed(podSecurity, [...path, 'securityContext'], POD_SECURITY_CONTEXT_FIELDS);
  v.untemplated(spec.serviceAccountName, [...path, 'serviceAccountName']);
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    v.problem([...path, 'containers'], 'a pod needs at least one container (a list of maps); the API server rejects this object');
  }
  for (const type of CONTAINER_TYPES) {
    const list = spec[type];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      v.problem([...path, type], `${type} must be a list, not ${kindOf(list)}; the API server rejects this object`);
      continue;
    }
    list.forEach((container, i) => validateContainer(v, container, [...path, type, i]));
  }
}

function validateContainer(v: Validator, container: unknown, path: PathSegment[]): void {
  if (!isObject(container)) {
    v.problem(path, `a container must be a map, not ${kindOf(container)}; the API server rejects this object`);
    return;
  }
  if (typeof container.name !== 'string') v.problem([...path, 'name'], `a container needs a name (a string), not ${kindOf(container.name)}; the API server rejects this object`);
  v.typed(container, path, CONTAINER_FIELDS);
  const security = v.map(container.securityContext, [...path, 'securityContext'], 'securityContext');
  if (security) v.typed(security, [...path, 'securityContext'], CONTAINER_SECURITY_CONTEXT_FIELDS);
  for (const [list, fields] of [['ports', CONTAINER_PORT_FIELDS], ['volumeMounts', VOLUME_MOUNT_FIELDS]] as const) {
    const items = container[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item, i) => {
      if (isObject(item)) v.typed(item, [...path, list, i], fields);
    });
  }
}

function validateReferences(v: Validator, object: JsonObject): void {
  if (Array.isArray(object.subjects)) {
    object.subjects.forEach((subject, i) => {
      if (!isObject(subject)) return;
      v.untemplated(subject.name, ['subjects', i, 'name']);
      v.untemplated(subject.namespace, ['subjects', i, 'namespace']);
    });
  }
  if (isObject(object.roleRef)) v.untemplated(object.roleRef.name, ['roleRef', 'name']);
}

/**
 * Checks (and, for YAML 1.1 scalars in typed fields, completes) one object with `apiVersion` and
 * `kind`. Problems carry paths from the object's root.
 */
export function validateObject(object: JsonObject, plainSourceOf: PlainSourceOf): StructureProblem[] {
  const v = new Validator(plainSourceOf);
  v.untemplated(object.apiVersion, ['apiVersion']);
  v.untemplated(object.kind, ['kind']);
  const metadata = v.map(object.metadata, ['metadata'], 'metadata');
  if (metadata) {
    for (const key of ['name', 'namespace', 'generateName'] as const) {
      const value = metadata[key];
      if (value !== undefined && value !== null && typeof value !== 'string') v.problem(['metadata', key], `must be a string, not ${kindOf(value)}; the API server rejects this object`);
      v.untemplated(value, ['metadata', key]);
      // An overlong name would be repeated in every line about the object (10 MB of name, 84 MB of table).
      if (typeof value === 'string' && value.length > NAME_LIMITS[key]) {
        v.problem(['metadata', key], `is ${value.length} characters, over the ${NAME_LIMITS[key]} the API server accepts; the object is not checked`, true);
      }
    }
  }
  const templatePath = podTemplatePath(String(object.kind));
  // A Pod's spec is judged as a pod spec below.
  if (Object.hasOwn(object, 'spec') && templatePath?.length !== 0) v.map(object.spec, ['spec'], 'spec');
  if (templatePath !== undefined) validatePodTemplate(v, object, templatePath);
  if (object.kind === 'ServiceAccount') v.typed(object, [], SERVICE_ACCOUNT_FIELDS);
  validateReferences(v, object);
  return v.problems;
}

function validatePodTemplate(v: Validator, object: JsonObject, templatePath: readonly string[]): void {
  let holder: unknown = object;
  const path: PathSegment[] = [];
  for (const segment of templatePath) {
    const next = isObject(holder) ? holder[segment] : undefined;
    path.push(segment);
    if (!isObject(next)) {
      // A list or scalar is reported by the `spec` check or here; a missing template by the checks that need it.
      if (next !== undefined && next !== null && path.length > 1) v.problem([...path], `${segment} must be a map, not ${kindOf(next)}; the API server rejects this object`);
      if (next === undefined || next === null) v.problem([...path], `a ${String(object.kind)} needs a pod template (${path.join('.')}); the API server rejects this object`);
      return;
    }
    holder = next;
  }
  validatePodSpec(v, (holder as JsonObject).spec, [...path, 'spec']);
}
