/**
 * Source positions for finding paths. Positions are costly, so the parse tree of a file is held only
 * while that file is being checked; afterwards a position is found by parsing the file again
 * (cross-resource findings are few, and this keeps memory bounded by the largest file).
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Location, Provenance } from '../resources/types.js';
import { parsePath, type PathSegment } from '../resources/object-path.js';

interface FilePositions {
  docs: Document.Parsed[];
  lines: LineCounter;
}

const open = new Map<string, FilePositions>();
/** Texts that cannot be read again (stdin, kustomize output). */
const retainedTexts = new Map<string, string>();
let lastReparsed: { file: string; positions: FilePositions } | undefined;

export function registerPositions(file: string, docs: Document.Parsed[], lines: LineCounter): () => void {
  const entry = { docs, lines };
  open.set(file, entry);
  return () => {
    if (open.get(file) === entry) open.delete(file);
  };
}

export function retainText(file: string, text: string): void {
  retainedTexts.set(file, text);
}

function positionsOf(file: string): FilePositions | undefined {
  const held = open.get(file);
  if (held) return held;
  if (lastReparsed?.file === file) return lastReparsed.positions;
  let text = retainedTexts.get(file);
  if (text === undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines }) as Document.Parsed[];
  const positions = { docs: Array.isArray(docs) ? docs : [docs], lines };
  lastReparsed = { file, positions };
  return positions;
}

/** Offset of the deepest node along `path` (the key of a map entry, or the item of a sequence). */
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

/** Where `path` (relative to the resource) sits in the resource's source; falls back to the document start. */
export function locate(provenance: Provenance, path: string): Location | undefined {
  if (!provenance.file) return undefined;
  const fallback: Location = { file: provenance.file };
  if (provenance.line !== undefined) fallback.line = provenance.line;
  if (provenance.column !== undefined) fallback.column = provenance.column;
  if (provenance.source !== 'file' && provenance.source !== 'stdin' && provenance.source !== 'kustomize') return fallback;
  if (provenance.documentIndex === undefined) return fallback;
  const positions = positionsOf(provenance.file);
  const doc = positions?.docs[provenance.documentIndex];
  if (!positions || !doc) return fallback;
  const offset = offsetOfPath(doc.contents, [...(provenance.itemPath ?? []), ...parsePath(path)]);
  if (offset === undefined) return fallback;
  const pos = positions.lines.linePos(offset);
  return { file: provenance.file, line: pos.line, column: pos.col };
}
