/**
 * What the API server would do with a parsed object before any check sees it:
 * Problems are input errors (the run exits 2); the object is still checked, so that nothing it
 * shows is hidden, except when it carries an unrendered template.
 *  - fields the API types as booleans or integers get the value kubectl sends. kubectl reads YAML
 *    with sigs.k8s.io/yaml (YAML 1.1): a plain `on`, `yes`, `y` is true, `off`, `no`, `n` false,
 *    `0755` octal, `1_000` a thousand. A quoted string, a list or a map there is rejected by the
 *    API server, so it is an input error here, never a silent pass. Which fields: every boolean,
 *    int32, int64 and int-or-string field of every built-in kind, from the table generated from
 *    the Kubernetes OpenAPI documents (api-field-types.generated.ts);
 *  - an object whose structure the API server rejects (a spec that is a list or a scalar, a pod
 *    without containers, a container that is not a map) is an input error, not a clean resource;
 *  - unrendered template expressions (`{{ .Release.Name }}`) in names and references are an input
 *    error, so that they never reach the checks as if they were real names or subjects.
 */
import type { JsonObject, JsonValue } from '../resources/types.js';
import type { PathSegment } from '../resources/object-path.js';
import { CONTAINER_TYPES, isObject, podTemplatePath } from '../resources/workloads.js';
import { API_FIELD_NODES, type ApiFieldSpec, type ApiLeafType } from './api-field-types.generated.js';
import { apiFieldRoot } from './api-field-types.js';

export interface StructureProblem {
  path: PathSegment[];
  message: string;
  /** The object must not reach the checks (an unrendered template in a name or reference). */
  drop?: boolean;
}

/**
 * Reads the source text of the scalar value of the map entry at `path`; undefined when it is not a
 * plain scalar. `leadingZeros`: whether the text holds any number written with a leading zero
 * (`0755`), the one integer YAML 1.2 reads differently from kubectl: numbers are looked up only then.
 */
export interface PlainSourceOf {
  (path: readonly PathSegment[]): string | undefined;
  readonly leadingZeros: boolean;
}

const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const YAML11_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);

/**
 * A plain scalar as go-yaml v2 resolves an integer: underscores dropped, then strconv.ParseInt
 * base 0 (`0x`, `0o`, `0b`, a leading `0` for octal); a leading-zero number with an 8 or 9 fails
 * that and is read as the float it then is (`09` is 9). Undefined when it is not an integer.
 */
export function yaml11Integer(source: string): number | undefined {
  const match = /^([-+]?)(0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$/.exec(source);
  if (!match) return undefined;
  const digits = match[2]!.replace(/_/g, '');
  const prefix = /^0[xbo]/.exec(digits)?.[0];
  const radix = prefix === '0x' ? 16 : prefix === '0b' ? 2 : prefix === '0o' || /^0[0-7]+$/.test(digits) ? 8 : 10;
  const body = prefix === undefined ? digits : digits.slice(2);
  if (body === '') return undefined;
  const magnitude = parseInt(body, radix);
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

  private readonly reported = new Set<string>();

  /** One problem per field: the structure checks and the typed-field walk may both see a wrong shape. */
  problem(path: PathSegment[], message: string, drop = false): void {
    const key = path.join('\u0000');
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.problems.push({ path, message, ...(drop ? { drop } : {}) });
  }

  /**
   * Every field under `value` that the API types as a boolean, an integer or an int-or-string
   * (`spec` from the generated table): resolved as kubectl sends it, or a problem. A list or map
   * the API expects that is something else is a problem too.
   */
  typedFields(value: unknown, spec: ApiFieldSpec, path: PathSegment[]): unknown {
    if (value === null || value === undefined) return value;
    if (typeof spec === 'string') return this.leaf(value, spec, path);
    if (typeof spec === 'number') {
      if (!isObject(value)) return this.problem(path, `must be a map, not ${kindOf(value)}; the API server rejects this object`), value;
      const node = API_FIELD_NODES[spec]!;
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(node, key)) continue;
        const resolved = this.typedFields(value[key], node[key]!, [...path, key]);
        if (resolved !== value[key]) value[key] = resolved as JsonValue;
      }
      return value;
    }
    const [shape, inner] = spec;
    if (shape === 'list') {
      if (!Array.isArray(value)) return this.problem(path, `must be a list, not ${kindOf(value)}; the API server rejects this object`), value;
      value.forEach((item, i) => {
        const resolved = this.typedFields(item, inner, [...path, i]);
        if (resolved !== item) value[i] = resolved as JsonValue;
      });
      return value;
    }
    if (!isObject(value)) return this.problem(path, `must be a map, not ${kindOf(value)}; the API server rejects this object`), value;
    for (const key of Object.keys(value)) {
      const resolved = this.typedFields(value[key], inner, [...path, key]);
      if (resolved !== value[key]) value[key] = resolved as JsonValue;
    }
    return value;
  }

  private leaf(value: unknown, type: ApiLeafType, path: PathSegment[]): unknown {
    const resolved = this.resolve(value, path, type);
    if (resolved === undefined) {
      this.problem(path, wrongType(value, type, typeof value === 'string' && this.plainSourceOf(path) !== undefined));
      return value;
    }
    if (typeof resolved === 'number' && type !== 'boolean' && !inRange(resolved, type)) {
      this.problem(path, `${resolved} is out of the ${type === 'int64' ? 'int64' : 'int32'} range; the API server rejects this object`);
    }
    return resolved;
  }

  /**
   * The value kubectl sends, or undefined when the API server rejects it. The source text is looked
   * up only when it can change the answer: a string that reads as a YAML 1.1 boolean or integer
   * (plain, it is one; quoted, it is text), or any number when the file has a leading zero.
   */
  private resolve(value: unknown, path: PathSegment[], type: ApiLeafType): boolean | number | string | undefined {
    if (typeof value === 'boolean') return type === 'boolean' ? value : undefined;
    if (typeof value === 'number') {
      if (type === 'boolean') return undefined;
      // `0755` is octal to kubectl; the YAML 1.2 reader made it 755.
      const source = this.plainSourceOf.leadingZeros ? this.plainSourceOf(path) : undefined;
      const exact = source === undefined ? undefined : yaml11Integer(source);
      if (exact !== undefined) return exact;
      return Number.isInteger(value) ? value : undefined;
    }
    if (typeof value !== 'string') return undefined;
    const asBoolean = yaml11Boolean(value);
    const asInteger = asBoolean === undefined ? yaml11Integer(value) : undefined;
    if (asBoolean === undefined && asInteger === undefined) return type === 'int-or-string' ? value : undefined;
    // A plain scalar's source is its value; a quoted or tagged one has none here and stays text.
    const plain = this.plainSourceOf(path) !== undefined;
    if (!plain) return type === 'int-or-string' ? value : undefined;
    if (type === 'boolean') return asBoolean;
    return asInteger;
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

const EXPECTED: Readonly<Record<ApiLeafType, string>> = {
  boolean: 'true or false', int32: 'an integer', int64: 'an integer', 'int-or-string': 'an integer or a string',
};

function wrongType(value: unknown, type: ApiLeafType, plain: boolean): string {
  const word = typeof value === 'string' ? yaml11Boolean(value) : undefined;
  const got = word !== undefined && plain ? `a boolean (kubectl reads a plain \`${value}\` as ${word})`
    : typeof value === 'string' ? 'a string (quoted or tagged: kubectl sends it as text)' : kindOf(value);
  return `must be ${EXPECTED[type]}, not ${got}; the API server rejects this object`;
}

const INT32 = 2 ** 31;

function inRange(value: number, type: ApiLeafType): boolean {
  return type === 'int64' ? Math.abs(value) <= 2 ** 63 : value >= -INT32 && value < INT32;
}

function validatePodSpec(v: Validator, spec: unknown, path: PathSegment[]): void {
  if (!isObject(spec)) {
    v.problem(path, `a pod spec must be a map with containers, not ${kindOf(spec)}; the API server rejects this object`);
    return;
  }
  v.map(spec.securityContext, [...path, 'securityContext'], 'securityContext');
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
  v.map(container.securityContext, [...path, 'securityContext'], 'securityContext');
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
  const root = apiFieldRoot(object.apiVersion, object.kind);
  if (root !== undefined) v.typedFields(object, root, []);
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
