/**
 * Parsing YAML into documents that can also tell where a path sits in the source.
 *
 * Two paths give the same documents: the fast path (yaml-fast.ts) for the part of YAML manifests
 * use, and `yaml`'s `parseAllDocuments` for everything else (and for every text the fast path
 * declines), so values, errors and positions are always exactly what `yaml` gives. Position tables
 * (two int32 per key or item) let a retained resource's paths be located after its file's parse
 * is released.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import type { PathSegment } from '../resources/object-path.js';
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
  const parsed = withFastEnv(() => parseAllDocuments(text, { lineCounter: lines }) as Document.Parsed[] | Document.Parsed);
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

