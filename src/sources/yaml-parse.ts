/**
 * Parsing YAML into documents that can also tell where a path sits in the source.
 *
 * Two paths give the same documents: the fast path (yaml-fast.ts) for the part of YAML manifests
 * use, and `yaml`'s `parseAllDocuments` for everything else (and for every text the fast path
 * declines), so values, errors and positions are always what `yaml` gives, with two exceptions made
 * for untrusted input: duplicate keys are found with one set per map (see withDuplicateKeyErrors),
 * and YAML 1.1 tagged values are given their JSON form (see asJsonValues). Position tables
 * (two int32 per key or item) let a retained resource's paths be located after its file's parse
 * is released.
 */
import { LineCounter, YAMLParseError, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { PathSegment } from '../resources/object-path.js';
import { setOwn } from '../resources/values.js';
import { parseFast } from './yaml-fast.js';

export { parseFast, positionInTable } from './yaml-fast.js';

export interface Position {
  line: number;
  column: number;
}

/** One YAML document of a file. */
export interface SourceDocument {
  /** Offset of the document's content (of the document itself when it has none). */
  readonly start: number;
  /** Parse errors; a document with errors has no value. */
  readonly errors: Document.Parsed['errors'];
  /** The document as plain data (may throw on alias limits, like `Document.toJS`). */
  toJS(maxAliasCount: number): unknown;
  /** Offset of the deepest node along `path` (the key of a map entry, or the item of a sequence). */
  offsetOf(path: readonly PathSegment[]): number | undefined;
  /** The position table of the value at `itemPath` (`object`), when this document can give one. */
  positionTable?(itemPath: readonly PathSegment[], object: unknown, lines: LineCounter): Int32Array | undefined;
}

export interface SourceDocuments {
  docs: SourceDocument[];
  lines: LineCounter;
}

/**
 * `yaml` reads `process.env.LOG_TOKENS` once per token (and `LOG_STREAM` once per document). On
 * Node every `process.env` read is a native getenv lookup, which made up about a third of parse
 * time. While the (synchronous) parse runs, `process.env` is an object whose own properties hold
 * those two values and whose prototype is the real environment, so any other read is unchanged.
 */
function withFastEnv<T>(parse: () => T): T {
  const env = process.env;
  const fast = Object.create(env) as NodeJS.ProcessEnv;
  for (const key of ['LOG_TOKENS', 'LOG_STREAM']) {
    Object.defineProperty(fast, key, { value: env[key], enumerable: env[key] !== undefined, writable: true, configurable: true });
  }
  process.env = fast;
  try {
    return parse();
  } finally {
    process.env = env;
  }
}

/** Parses every document of `text`: through the fast path when it can, else with `parseAllDocuments`. */
export function parseSourceDocuments(text: string): SourceDocuments {
  return parseFast(text) ?? parseFull(text);
}

/**
 * For positions only: the documents up to `count`, when the fast path takes them all (lexing stops
 * there; a document's tokens do not depend on what follows it), else every document.
 */
export function parseLeadingDocuments(text: string, count: number): SourceDocuments {
  return parseFast(text, count) ?? parseFull(text);
}

/** The `parseAllDocuments` path (exported for tests that compare both paths). */
export function parseFull(text: string): SourceDocuments {
  const lines = new LineCounter();
  // `yaml` compares each new map key with every earlier one (quadratic on large maps); keys are
  // checked afterwards with one set per map instead, giving the same errors.
  const parsed = withFastEnv(() => parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, logLevel: 'error' }) as Document.Parsed[] | Document.Parsed);
  const docs = (Array.isArray(parsed) ? parsed : [parsed]).map((doc): SourceDocument => ({
    start: doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0,
    errors: withDuplicateKeyErrors(doc, text, lines),
    toJS: (maxAliasCount) => asJsonValues(doc.toJS({ maxAliasCount })),
    offsetOf: (path) => offsetOfPath(doc.contents, path),
  }));
  return { docs, lines };
}

/** Offset of the deepest node along `path` in a `yaml` node tree. */
export function offsetOfPath(root: Node | null, path: readonly PathSegment[]): number | undefined {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = pairOf(node, String(segment));
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}


/** Maps with more keys than this get a key index, so locating many findings in one map stays linear. */
const INDEXED_MAP_SIZE = 16;
const keyIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

/** The first entry of `map` whose scalar key reads as `key`. */
function pairOf(map: YAMLMap, key: string): Pair | undefined {
  if (map.items.length <= INDEXED_MAP_SIZE) return map.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
  let index = keyIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const item of map.items) {
      if (!isPair(item) || !isScalar(item.key)) continue;
      const name = String(item.key.value);
      if (!index.has(name)) index.set(name, item);
    }
    keyIndexes.set(map, index);
  }
  return index.get(key);
}

/**
 * The document's errors with a `DUPLICATE_KEY` error for every map key equal to an earlier key of
 * its map (scalar values compared with `===`, as `yaml` does), worded as `yaml` words it. The error
 * points at the repeated key itself (`yaml` points at the end of whatever precedes it), and a
 * document with such errors lists all its errors in source order.
 */
function withDuplicateKeyErrors(doc: Document.Parsed, text: string, lines: LineCounter): Document.Parsed['errors'] {
  const duplicates = duplicateKeyOffsets(doc.contents);
  if (duplicates.length === 0) return doc.errors;
  const errors = [...doc.errors];
  for (const offset of duplicates) {
    const error = new YAMLParseError([offset, offset + 1], 'DUPLICATE_KEY', 'Map keys must be unique');
    describeErrorPosition(error, text, lines);
    errors.push(error);
  }
  errors.sort((a, b) => a.pos[0] - b.pos[0]);
  doc.errors.splice(0, doc.errors.length, ...errors);
  return doc.errors;
}

/** Offsets of the keys that repeat an earlier key of the same map, in document order. */
function duplicateKeyOffsets(root: unknown): number[] {
  const offsets: number[] = [];
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isPair(node)) {
      pending.push(node.value, node.key);
    } else if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key: unknown = pair.key;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          if (seen.has(key.value)) offsets.push(key.range?.[0] ?? 0);
          else seen.add(key.value);
        }
      }
      for (let i = node.items.length - 1; i >= 0; i--) pending.push(node.items[i]);
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) pending.push(node.items[i]);
    }
  }
  return offsets.sort((a, b) => a - b);
}

/** Line positions and the source excerpt `yaml` adds to the errors it reports (`prettyErrors`). */
function describeErrorPosition(error: YAMLParseError, text: string, lines: LineCounter): void {
  const [from, to] = error.pos;
  const start = lines.linePos(from);
  const end = lines.linePos(to);
  error.linePos = [start, end];
  error.message += ` at line ${start.line}, column ${start.col}`;
  let pointerColumn = start.col - 1;
  let excerpt = text.slice(lines.lineStarts[start.line - 1], lines.lineStarts[start.line]).replace(/[\n\r]+$/, '');
  if (pointerColumn >= 60 && excerpt.length > 80) {
    const cut = Math.min(pointerColumn - 39, excerpt.length - 79);
    excerpt = `…${excerpt.slice(cut)}`;
    pointerColumn -= cut - 1;
  }
  if (excerpt.length > 80) excerpt = `${excerpt.slice(0, 79)}…`;
  if (start.line > 1 && /^ *$/.test(excerpt.slice(0, pointerColumn))) {
    let previous = text.slice(lines.lineStarts[start.line - 2], lines.lineStarts[start.line - 1]);
    if (previous.length > 80) previous = `${previous.slice(0, 79)}…\n`;
    excerpt = previous + excerpt;
  }
  if (/[^ ]/.test(excerpt)) {
    const width = end.line === start.line && end.col > start.col ? Math.max(1, Math.min(end.col - start.col, 80 - pointerColumn)) : 1;
    error.message += `:\n\n${excerpt}\n${' '.repeat(pointerColumn)}${'^'.repeat(width)}\n`;
  }
}

/**
 * Replaces, in place, the values YAML 1.1 tags give that JSON has not with what Kubernetes gets from
 * `kubectl` (which turns YAML into JSON): `!!binary` bytes as base64 text (a byte array would be one
 * object key per byte downstream), `!!set` as a map of nulls, `!!omap`/`!!pairs` as a list of
 * one-entry maps, `!!timestamp` as RFC 3339 text. Values shared through aliases are visited once.
 */
export function asJsonValues(root: unknown): unknown {
  const replaced = jsonValueOf(root);
  if (replaced !== undefined) return replaced;
  const pending: object[] = root !== null && typeof root === 'object' ? [root] : [];
  const visited = new Set<object>();
  while (pending.length > 0) {
    const container = pending.pop() as Record<string | number, unknown>;
    if (visited.has(container)) continue;
    visited.add(container);
    for (const key of Object.keys(container)) {
      const value = container[key];
      if (value === null || typeof value !== 'object') continue;
      const json = jsonValueOf(value);
      if (json !== undefined) setOwn(container, key, json);
      const next = json ?? value;
      if (next !== null && typeof next === 'object') pending.push(next);
    }
  }
  return root;
}

/** The JSON form of a non-JSON value, or undefined for plain objects, arrays and scalars. */
function jsonValueOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (value instanceof Set) return Object.fromEntries([...value].map((item) => [typeof item === 'string' ? item : JSON.stringify(item) ?? String(item), null]));
  if (value instanceof Map) return [...value].map(([key, item]) => ({ [typeof key === 'string' ? key : JSON.stringify(key) ?? String(key)]: item }));
  return undefined;
}
