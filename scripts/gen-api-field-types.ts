/**
 * Writes src/sources/api-field-types.generated.ts: for every kind of the Kubernetes API documents
 * below, a path trie of the fields the API types as booleans, int32/int64 integers or
 * int-or-string, so that src/sources/validate.ts resolves and rejects scalars there as kubectl and
 * the API server do.
 *
 *   npx tsx scripts/gen-api-field-types.ts
 *
 * Sources, in this order:
 *  1. the Kubernetes OpenAPI v3 documents in test/conformance/schemas/kubernetes/openapi-v3/v1.31
 *     (core, apps, admissionregistration.k8s.io, networking.k8s.io, rbac.authorization.k8s.io);
 *  2. for the groups those documents do not cover (batch, policy, autoscaling), the attribute type
 *     maps of @kubernetes/client-node's models, which its maintainers generate from the Kubernetes
 *     OpenAPI document. Model types that the OpenAPI v3 documents also define (PodTemplateSpec,
 *     ObjectMeta, LabelSelector…) are taken from the documents, so one definition serves both.
 *
 * Tries are shared: a definition used by several kinds (PodSpec) is one node that each kind points
 * at; definitions without any typed field below them are left out. test/api-field-types.test.ts
 * regenerates the text and compares it with the committed file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as clientNode from '@kubernetes/client-node';

/** The project root, from scripts/ (tsx) and from dist/scripts/ (compiled) alike. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('project root not found');
    dir = parent;
  }
  return dir;
}

const ROOT = projectRoot();
export const OPENAPI_DIR = join(ROOT, 'test', 'conformance', 'schemas', 'kubernetes', 'openapi-v3', 'v1.31');
export const GENERATED_PATH = join(ROOT, 'src', 'sources', 'api-field-types.generated.ts');

/** Kinds of groups without an OpenAPI v3 document here, with the client-node model that describes them. */
const CLIENT_NODE_KINDS: ReadonlyArray<{ apiVersion: string; kind: string; model: string }> = [
  { apiVersion: 'batch/v1', kind: 'Job', model: 'V1Job' },
  { apiVersion: 'batch/v1', kind: 'CronJob', model: 'V1CronJob' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', model: 'V1PodDisruptionBudget' },
  { apiVersion: 'policy/v1', kind: 'Eviction', model: 'V1Eviction' },
  { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', model: 'V1HorizontalPodAutoscaler' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', model: 'V2HorizontalPodAutoscaler' },
];

type Leaf = 'boolean' | 'int32' | 'int64' | 'int-or-string';
/** A field's type while generating: a leaf, a definition by name, a list or a map of something. */
type Spec = Leaf | { ref: string } | { list: Spec } | { map: Spec };
type Definitions = Map<string, Map<string, Spec>>;

interface OpenApiSchema {
  type?: string;
  format?: string;
  $ref?: string;
  allOf?: OpenApiSchema[];
  items?: OpenApiSchema;
  additionalProperties?: OpenApiSchema | boolean;
  properties?: Record<string, OpenApiSchema>;
  'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }>;
}

interface OpenApiDocument {
  components: { schemas: Record<string, OpenApiSchema> };
}

/** `api__v1_openapi.json` → `v1`; `apis__apps__v1_openapi.json` → `apps/v1`. */
function groupVersionOf(file: string): string {
  const parts = file.replace(/_openapi\.json$/, '').split('__');
  return parts[0] === 'api' ? parts[1]! : `${parts[1]}/${parts[2]}`;
}

function refName(schema: OpenApiSchema): string | undefined {
  const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0]!.$ref : undefined);
  return ref?.replace('#/components/schemas/', '');
}

function openApiSpec(schema: OpenApiSchema, schemas: Record<string, OpenApiSchema>): Spec | undefined {
  const ref = refName(schema);
  if (ref !== undefined) {
    const target = schemas[ref];
    if (target?.format === 'int-or-string') return 'int-or-string';
    return target?.properties ? { ref } : undefined;
  }
  if (schema.format === 'int-or-string') return 'int-or-string';
  if (schema.type === 'boolean') return 'boolean';
  if (schema.type === 'integer') return schema.format === 'int32' ? 'int32' : 'int64';
  if (schema.type === 'array' && schema.items) {
    const item = openApiSpec(schema.items, schemas);
    return item === undefined ? undefined : { list: item };
  }
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object') {
    const value = openApiSpec(schema.additionalProperties, schemas);
    return value === undefined ? undefined : { map: value };
  }
  return undefined;
}

interface Sources {
  definitions: Definitions;
  kinds: Map<string, string>;
  inputs: Array<{ file: string; sha256: string }>;
}

function readOpenApi(sources: Sources): void {
  for (const file of readdirSync(OPENAPI_DIR).filter((f) => f.endsWith('_openapi.json')).sort()) {
    const bytes = readFileSync(join(OPENAPI_DIR, file));
    sources.inputs.push({ file, sha256: createHash('sha256').update(bytes).digest('hex') });
    const ownGroupVersion = groupVersionOf(file);
    const { schemas } = (JSON.parse(bytes.toString('utf8')) as OpenApiDocument).components;
    for (const [name, schema] of Object.entries(schemas)) {
      if (!schema.properties || sources.definitions.has(name)) continue;
      const fields = new Map<string, Spec>();
      for (const [field, property] of Object.entries(schema.properties)) {
        const spec = openApiSpec(property, schemas);
        if (spec !== undefined) fields.set(field, spec);
      }
      sources.definitions.set(name, fields);
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        const apiVersion = gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
        if (apiVersion !== ownGroupVersion || gvk.kind.endsWith('List') || !name.startsWith('io.k8s.api.')) continue;
        sources.kinds.set(`${apiVersion} ${gvk.kind}`, name);
      }
    }
  }
}

interface Attribute {
  baseName: string;
  type: string;
  format: string;
}

function attributesOf(model: string): Attribute[] | undefined {
  const candidate = (clientNode as Record<string, unknown>)[model] as { getAttributeTypeMap?: () => Attribute[] } | undefined;
  return typeof candidate?.getAttributeTypeMap === 'function' ? candidate.getAttributeTypeMap() : undefined;
}

/** `V1PodTemplateSpec` → the one OpenAPI definition `….v1.PodTemplateSpec`, when there is exactly one. */
function openApiNameOf(model: string, definitions: Definitions): string | undefined {
  const match = /^V(\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/.exec(model);
  if (!match) return undefined;
  const suffix = `.v${match[1]}.${match[2]}`;
  const found = [...definitions.keys()].filter((name) => name.startsWith('io.k8s.') && name.endsWith(suffix));
  return found.length === 1 ? found[0] : undefined;
}

function clientNodeSpec(type: string, format: string, sources: Sources): Spec | undefined {
  const list = /^Array<(.+)>$/.exec(type);
  if (list) {
    const item = clientNodeSpec(list[1]!, format, sources);
    return item === undefined ? undefined : { list: item };
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    const value = clientNodeSpec(map[1]!, format, sources);
    return value === undefined ? undefined : { map: value };
  }
  if (type === 'boolean') return 'boolean';
  if (type === 'IntOrString') return 'int-or-string';
  if (type === 'number') return format === 'int32' ? 'int32' : format === 'int64' ? 'int64' : undefined;
  if (attributesOf(type) === undefined) return undefined;
  return { ref: clientNodeDefinition(type, sources) };
}

/** The definition name for a client-node model, reading the model (and its own models) when new. */
function clientNodeDefinition(model: string, sources: Sources): string {
  const openApiName = openApiNameOf(model, sources.definitions);
  if (openApiName !== undefined) return openApiName;
  const name = `client-node:${model}`;
  if (sources.definitions.has(name)) return name;
  const fields = new Map<string, Spec>();
  sources.definitions.set(name, fields);
  for (const attribute of attributesOf(model) ?? []) {
    const spec = clientNodeSpec(attribute.type, attribute.format, sources);
    if (spec !== undefined) fields.set(attribute.baseName, spec);
  }
  return name;
}

function readClientNode(sources: Sources): void {
  for (const { apiVersion, kind, model } of CLIENT_NODE_KINDS) {
    if (attributesOf(model) === undefined) throw new Error(`@kubernetes/client-node has no model ${model}`);
    sources.kinds.set(`${apiVersion} ${kind}`, clientNodeDefinition(model, sources));
  }
}

/** Definitions with a typed field somewhere below them (recursion included). */
function typedDefinitions(definitions: Definitions, roots: Iterable<string>): Set<string> {
  const reachable = new Set<string>();
  const visit = (name: string) => {
    if (reachable.has(name)) return;
    reachable.add(name);
    for (const spec of definitions.get(name)?.values() ?? []) {
      const ref = innermostRef(spec);
      if (ref !== undefined) visit(ref);
    }
  };
  for (const root of roots) visit(root);
  const typed = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const name of reachable) {
      if (typed.has(name)) continue;
      const fields = [...(definitions.get(name)?.values() ?? [])];
      if (fields.some((spec) => { const ref = innermostRef(spec); return ref === undefined || typed.has(ref); })) {
        typed.add(name);
        changed = true;
      }
    }
  }
  return typed;
}

function innermostRef(spec: Spec): string | undefined {
  if (typeof spec === 'string') return undefined;
  if ('ref' in spec) return spec.ref;
  return innermostRef('list' in spec ? spec.list : spec.map);
}

function render(spec: Spec, index: ReadonlyMap<string, number>): string {
  if (typeof spec === 'string') return `'${spec}'`;
  if ('ref' in spec) return String(index.get(spec.ref));
  return 'list' in spec ? `['list', ${render(spec.list, index)}]` : `['map', ${render(spec.map, index)}]`;
}

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`);

/** The text of src/sources/api-field-types.generated.ts. */
export function renderApiFieldTypes(): string {
  const sources: Sources = { definitions: new Map(), kinds: new Map(), inputs: [] };
  readOpenApi(sources);
  readClientNode(sources);
  const typed = typedDefinitions(sources.definitions, sources.kinds.values());
  const names = [...typed].sort();
  const index = new Map(names.map((name, i) => [name, i]));
  const kept = (spec: Spec) => { const ref = innermostRef(spec); return ref === undefined || typed.has(ref); };
  const nodes = names.map((name, i) => {
    const fields = [...sources.definitions.get(name)!].filter(([, spec]) => kept(spec)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `  /* ${i} ${name} */ { ${fields.map(([field, spec]) => `${key(field)}: ${render(spec, index)}`).join(', ')} },`;
  });
  const kinds = [...sources.kinds].filter(([, name]) => typed.has(name)).sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([kind, name]) => `  '${kind}': ${index.get(name)},`);
  const clientNodeVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', '@kubernetes', 'client-node', 'package.json'), 'utf8')) as { version: string }).version;
  return [
    '// Generated by scripts/gen-api-field-types.ts: do not edit. Regenerate with `npx tsx scripts/gen-api-field-types.ts`.',
    '// Fields the Kubernetes API types as booleans, int32/int64 or int-or-string, per kind (`apiVersion kind`).',
    '// From the OpenAPI v3 documents in test/conformance/schemas/kubernetes/openapi-v3/v1.31 (sha256):',
    ...sources.inputs.map((input) => `//   ${input.file} ${input.sha256}`),
    `// and, for ${[...new Set(CLIENT_NODE_KINDS.map((k) => k.apiVersion))].join(', ')}, the models of @kubernetes/client-node ${clientNodeVersion}.`,
    '',
    "export type ApiLeafType = 'boolean' | 'int32' | 'int64' | 'int-or-string';",
    '/** A leaf type, a node (index into API_FIELD_NODES), or a list or map of one. */',
    "export type ApiFieldSpec = ApiLeafType | number | readonly ['list', ApiFieldSpec] | readonly ['map', ApiFieldSpec];",
    'export type ApiFieldNode = Readonly<Record<string, ApiFieldSpec>>;',
    '',
    'export const API_FIELD_NODES: readonly ApiFieldNode[] = [',
    ...nodes,
    '];',
    '',
    '/** `apiVersion kind` → the node of the object\'s root. */',
    'export const API_KIND_ROOTS: Readonly<Record<string, number>> = {',
    ...kinds,
    '};',
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(GENERATED_PATH, renderApiFieldTypes());
  console.log(`wrote ${GENERATED_PATH}`);
}
