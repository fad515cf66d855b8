/**
 * Parsing YAML into documents that can also tell where a path sits in the source.
 *
 * Speed (DESIGN.md §3c): most manifests use a small part of YAML (block maps and sequences, plain,
 * quoted and block scalars, `{}` and `[]`). For those, values are built straight from the concrete
 * syntax tree of `yaml`'s parser and paths are located on it, skipping the `Document` node tree and
 * `toJS()`; this halves parse time. Anything outside that subset (anchors, aliases, tags,
 * directives, non-empty flow collections, tabs, parse errors, duplicate or non-scalar keys, …)
 * makes the whole file go through `parseAllDocuments`, so values, errors and positions are always
 * exactly what `yaml` gives. Position tables (two int32 per key or item) let a retained resource's
 * paths be located after the parse tree is gone.
 */
import { CST, LineCounter, Parser, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import type { PathSegment } from '../resources/object-path.js';

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
  return withFastEnv(() => parseFast(text) ?? parseFull(text));
}

/**
 * For positions only: the documents up to `count`, when the fast path takes them all (lexing stops
 * there; a document's tokens do not depend on what follows it), else every document.
 */
export function parseLeadingDocuments(text: string, count: number): SourceDocuments {
  return withFastEnv(() => parseFast(text, count) ?? parseFull(text));
}

/** The `parseAllDocuments` path (exported for tests that compare both paths). */
export function parseFull(text: string): SourceDocuments {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines }) as Document.Parsed[] | Document.Parsed;
  const docs = (Array.isArray(parsed) ? parsed : [parsed]).map((doc): SourceDocument => ({
    start: doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0,
    errors: doc.errors,
    toJS: (maxAliasCount) => doc.toJS({ maxAliasCount }),
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
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
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

// ---------------------------------------------------------------------------------------------
// Fast path: values and positions from the concrete syntax tree.

/** Thrown (never escapes) when a file needs the full parser. */
const FALLBACK = { fallback: true } as const;

function fallback(): never {
  throw FALLBACK;
}

const NO_ERRORS: Document.Parsed['errors'] = [];

/** The fast path, or undefined when the text needs the full parser (exported for tests). */
export function parseFast(text: string, maxDocuments = Number.POSITIVE_INFINITY): SourceDocuments | undefined {
  const lines = new LineCounter();
  const docs: SourceDocument[] = [];
  try {
    for (const token of new Parser(lines.addNewLine).parse(text)) {
      switch (token.type) {
        case 'document': {
          const value = token.value;
          // Empty documents: `yaml` places an empty node by rules not worth copying here.
          if (value === undefined) fallback();
          checkDocumentProps(token, text);
          const js = toValue(value, text);
          const index = new CstIndex();
          docs.push({
            start: value.offset,
            errors: NO_ERRORS,
            toJS: () => js,
            offsetOf: (path) => cstOffsetOfPath(value, path, index),
            positionTable: (itemPath, object, lines) => cstPositionTable(value, itemPath, object, index, lines),
          });
          if (docs.length >= maxDocuments) return { docs, lines };
          break;
        }
        case 'comment':
        case 'newline':
        case 'space':
        case 'byte-order-mark':
          break;
        default:
          fallback(); // directives, `...`, errors
      }
    }
  } catch (error) {
    if (error === FALLBACK || error instanceof RangeError) return undefined;
    throw error;
  }
  return { docs, lines };
}

function checkDocumentProps(doc: CST.Document, text: string): void {
  let docStart = false;
  let newlineAfterStart = false;
  for (const token of doc.start) {
    if (token.type === 'doc-start') docStart = true;
    else if (token.type === 'newline') newlineAfterStart = docStart;
    else checkTrivia(token, text);
  }
  // `--- value` on one line: only the full parser knows what is allowed there.
  if (docStart && !newlineAfterStart && doc.value !== undefined) fallback();
  for (const token of doc.end ?? []) if (token.type !== 'newline') checkTrivia(token, text);
}

/** Spaces (without tabs) and comments preceded by white space; anything else needs the full parser. */
function checkTrivia(token: CST.SourceToken, text: string): void {
  if (token.type === 'space') {
    if (token.source.includes('\t')) fallback();
  } else if (token.type === 'comment') {
    if (token.offset > 0 && text[token.offset - 1] !== ' ' && text[token.offset - 1] !== '\n') fallback();
  } else if (token.type !== 'newline') {
    fallback();
  }
}

function scalarSource(token: CST.Token): { value: string; plain: boolean } {
  if (token.type !== 'scalar' && token.type !== 'single-quoted-scalar' && token.type !== 'double-quoted-scalar' && token.type !== 'block-scalar') fallback();
  const resolved = CST.resolveAsScalar(token, true, fallback);
  if (!resolved) fallback();
  return { value: resolved.value, plain: token.type === 'scalar' };
}

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** First characters that can start a non-string plain scalar of the core schema. */
const MAYBE_TYPED = /^[-+.~0-9nNtTfF]/;

/** A plain scalar resolved with `yaml`'s core schema (YAML 1.2), tests in `yaml`'s order. */
function plainValue(source: string): string | number | boolean | null {
  if (source === '') return null;
  if (!MAYBE_TYPED.test(source)) return source;
  if (NULL.test(source)) return null;
  if (BOOL.test(source)) return source[0] === 't' || source[0] === 'T';
  if (INT_OCT.test(source)) return parseInt(source.substring(2), 8);
  if (INT.test(source)) return parseInt(source, 10);
  if (INT_HEX.test(source)) return parseInt(source.substring(2), 16);
  if (FLOAT_NAN.test(source)) return source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(source) || FLOAT.test(source)) return parseFloat(source);
  return source;
}

function scalarValue(token: CST.Token): string | number | boolean | null {
  const { value, plain } = scalarSource(token);
  return plain ? plainValue(value) : value;
}

/** A map key as `yaml` resolves it; keys that are not plain strings, numbers or booleans need the full parser. */
function keyValue(token: CST.Token): string | number | boolean {
  if (token.type === 'block-scalar') fallback();
  const value = scalarValue(token);
  if (value === null || (typeof value === 'number' && Number.isNaN(value)) || value === '<<') fallback();
  return value;
}

function toValue(token: CST.Token, text: string): unknown {
  switch (token.type) {
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'block-scalar':
      return scalarValue(token);
    case 'block-map':
      return blockMap(token, text);
    case 'block-seq':
      return blockSeq(token, text);
    case 'flow-collection':
      return emptyFlow(token, text);
    default:
      return fallback(); // aliases, errors
  }
}

function blockMap(map: CST.BlockMap, text: string): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const keys = new Set<string | number | boolean>();
  const last = map.items.length - 1;
  map.items.forEach((item, i) => {
    for (const token of item.start) checkTrivia(token, text);
    const { key, sep, value } = item;
    if (item.explicitKey) fallback();
    if (!key && !sep) {
      // A trailing comment of the map.
      if (i !== last) fallback();
      return;
    }
    if (!key || !sep || !('indent' in key) || key.indent !== map.indent || !('source' in key) || key.source.includes('\n')) fallback();
    let indicator: CST.SourceToken | undefined;
    let newline = false;
    for (const token of sep) {
      if (token.type === 'map-value-ind') {
        if (indicator || newline) fallback();
        indicator = token;
      } else if (token.type === 'newline') {
        if (!indicator) fallback();
        newline = true;
      } else {
        checkTrivia(token, text);
      }
    }
    if (!indicator || indicator.offset - key.offset > 1000) fallback();
    if (value && (value.type === 'block-map' || value.type === 'block-seq') && !newline) fallback();
    const jsKey = keyValue(key);
    if (keys.has(jsKey)) fallback();
    keys.add(jsKey);
    const jsValue = value ? toValue(value, text) : null;
    const name = String(jsKey);
    if (name in object) Object.defineProperty(object, name, { value: jsValue, writable: true, enumerable: true, configurable: true });
    else object[name] = jsValue;
  });
  return object;
}

function blockSeq(seq: CST.BlockSequence, text: string): unknown[] {
  const array: unknown[] = [];
  const last = seq.items.length - 1;
  seq.items.forEach((item, i) => {
    let indicators = 0;
    for (const token of item.start) {
      if (token.type === 'seq-item-ind') indicators += 1;
      else checkTrivia(token, text);
    }
    if (indicators === 0) {
      // A trailing comment of the sequence.
      if (i !== last || item.value) fallback();
      return;
    }
    if (indicators > 1 || !item.value) fallback();
    array.push(toValue(item.value, text));
  });
  return array;
}

function emptyFlow(flow: CST.FlowCollection, text: string): Record<string, never> | never[] {
  const [end, ...trailing] = flow.end;
  const map = flow.start.source === '{';
  if (end?.source !== (map ? '}' : ']') || flow.items.length > 1) fallback();
  // `{ }`: one item of spaces only.
  for (const item of flow.items) {
    if (item.key !== undefined || item.sep !== undefined || item.value !== undefined) fallback();
    for (const token of item.start) if (token.type !== 'space' || token.source.includes('\t')) fallback();
  }
  for (const token of trailing) checkTrivia(token, text);
  return map ? {} : [];
}

type MapItem = CST.BlockMap['items'][number];

/** Per document, its block maps' items by key and its sequences' items, built on first use. */
class CstIndex {
  private readonly maps = new Map<CST.BlockMap, Map<string, MapItem>>();
  private readonly seqs = new Map<CST.BlockSequence, CST.Token[]>();

  map(map: CST.BlockMap): Map<string, MapItem> {
    let index = this.maps.get(map);
    if (!index) {
      index = new Map();
      for (const item of map.items) {
        if (!item.key) continue;
        const key = String(keyValue(item.key));
        if (!index.has(key)) index.set(key, item); // the first match, as a search of the node tree finds
      }
      this.maps.set(map, index);
    }
    return index;
  }

  seq(seq: CST.BlockSequence): CST.Token[] {
    let index = this.seqs.get(seq);
    if (!index) {
      index = seq.items.flatMap((item) => (item.value ? [item.value] : []));
      this.seqs.set(seq, index);
    }
    return index;
  }
}

/** Offset of the deepest node along `path` in a document parsed by the fast path. */
function cstOffsetOfPath(root: CST.Token | undefined, path: readonly PathSegment[], index: CstIndex): number | undefined {
  let node = root;
  let offset = root?.offset;
  for (const segment of path) {
    if (node?.type === 'block-map') {
      const item = index.map(node).get(String(segment));
      if (!item?.key) break;
      offset = item.key.offset;
      node = item.value;
    } else if (node?.type === 'block-seq' && typeof segment === 'number') {
      const value = index.seq(node)[segment];
      if (!value) break;
      offset = value.offset;
      node = value;
    } else {
      break;
    }
  }
  return offset;
}

// ---------------------------------------------------------------------------------------------
// Position tables: the positions `offsetOf` would give for every path of a resource, kept compact.
//
// One slot per node of the resource's value (the resource itself, then every map entry and sequence
// item), two int32 each: the position of the node's key (map entry) or item (sequence item), packed
// as `line << 10 | column`, and the slot of its first child (-1 for a leaf). The children of a node
// are contiguous, in the order of the resource object's own keys (`Object.keys`) or items, so a path
// is resolved by walking the object beside the table. A table is only built when the object and the
// concrete syntax tree agree node for node (same keys, same lengths, collections where the tree has
// block collections), so that a lookup gives exactly what `cstOffsetOfPath` gives.

const COLUMN_BITS = 10;
const MAX_COLUMN = (1 << COLUMN_BITS) - 1;
const MAX_LINE = (1 << (31 - COLUMN_BITS)) - 1;

function cstPositionTable(root: CST.Token, itemPath: readonly PathSegment[], object: unknown, index: CstIndex, lines: LineCounter): Int32Array | undefined {
  let node: CST.Token | undefined = root;
  let offset = root.offset;
  for (const segment of itemPath) {
    if (node?.type === 'block-map') {
      const item = index.map(node).get(String(segment));
      if (!item?.key) return undefined;
      offset = item.key.offset;
      node = item.value;
    } else if (node?.type === 'block-seq' && typeof segment === 'number') {
      const value: CST.Token | undefined = index.seq(node)[segment];
      if (!value) return undefined;
      offset = value.offset;
      node = value;
    } else {
      return undefined;
    }
  }
  const slots: number[] = [0, -1];
  const place = (slot: number, at: number): boolean => {
    const pos = lines.linePos(at);
    if (pos.line > MAX_LINE || pos.col > MAX_COLUMN || pos.line < 0 || pos.col < 0) return false;
    slots[2 * slot] = (pos.line << COLUMN_BITS) | pos.col;
    return true;
  };
  const fill = (slot: number, token: CST.Token | undefined, value: unknown): boolean => {
    if (token?.type === 'block-map') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
      const keys = Object.keys(value);
      const items = index.map(token);
      if (keys.length !== items.size) return false;
      if (keys.length === 0) return true;
      const first = slots.length / 2;
      slots[2 * slot + 1] = first;
      for (let i = 0; i < keys.length; i++) slots.push(0, -1);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const item = items.get(key);
        if (!item?.key || key === '__proto__') return false;
        if (!place(first + i, item.key.offset) || !fill(first + i, item.value, (value as Record<string, unknown>)[key])) return false;
      }
    } else if (token?.type === 'block-seq') {
      if (!Array.isArray(value)) return false;
      const items = index.seq(token);
      if (items.length !== value.length) return false;
      if (items.length === 0) return true;
      const first = slots.length / 2;
      slots[2 * slot + 1] = first;
      for (let i = 0; i < items.length; i++) slots.push(0, -1);
      for (let i = 0; i < items.length; i++) {
        if (!place(first + i, items[i]!.offset) || !fill(first + i, items[i], value[i])) return false;
      }
    }
    // Anything else is a leaf of the tree: a lookup stops there, in the tree and in the table.
    return true;
  };
  if (!place(0, offset) || !fill(0, node, object)) return undefined;
  return Int32Array.from(slots);
}

/** The position of `path` in a resource with a position table, as `positionIn` would give it (exported for tests). */
export function positionInTable(table: Int32Array, object: unknown, path: readonly PathSegment[]): Position {
  let slot = 0;
  let node = object;
  for (const segment of path) {
    const first = table[2 * slot + 1]!;
    if (first < 0 || node === null || typeof node !== 'object') break;
    let child: number;
    if (Array.isArray(node)) {
      if (typeof segment !== 'number' || !Number.isInteger(segment) || segment < 0 || segment >= node.length) break;
      child = segment;
      node = node[segment];
    } else {
      const key = String(segment);
      child = Object.keys(node).indexOf(key);
      if (child < 0) break;
      node = (node as Record<string, unknown>)[key];
    }
    slot = first + child;
  }
  const packed = table[2 * slot]!;
  return { line: packed >>> COLUMN_BITS, column: packed & MAX_COLUMN };
}
