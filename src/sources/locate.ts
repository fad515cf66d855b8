/**
 * Source positions for finding paths. Positions are costly, so the parse tree of a file is held only
 * while that file is being checked. For the resources the inventory retains (the subjects of
 * cross-resource findings), a compact position table is recorded meanwhile; other positions are
 * found afterwards by parsing the file again (the leading documents only, each file once).
 */
import { readFileSync } from 'node:fs';
import type { LineCounter } from 'yaml';
import type { Location, Provenance } from '../resources/types.js';
import { parsePath, type PathSegment } from '../resources/object-path.js';
import { parseLeadingDocuments, parseSourceDocuments, positionInTable, type Position, type SourceDocument } from './yaml-parse.js';

interface FilePositions {
  docs: SourceDocument[];
  lines: LineCounter;
}

const open = new Map<string, FilePositions>();
/** Texts that cannot be read again (stdin, kustomize output). */
const retainedTexts = new Map<string, string>();
/** `complete`: every document of the file was parsed (not only the leading ones). */
let lastReparsed: { file: string; positions: FilePositions; complete: boolean } | undefined;

/**
 * Records the position table of a resource whose file's parse tree is held (in its provenance), so
 * that its findings can be located once the tree is gone. Documents outside the fast path get none.
 */
export function recordPositions(provenance: Provenance, object: unknown): void {
  if (provenance.file === undefined || provenance.documentIndex === undefined) return;
  const held = open.get(provenance.file);
  const doc = held?.docs[provenance.documentIndex];
  const table = doc?.positionTable?.(provenance.itemPath ?? [], object, held!.lines);
  if (table) provenance.positions = table;
}

// ---------------------------------------------------------------------------------------------
// Positions of findings.

export function registerPositions(file: string, docs: SourceDocument[], lines: LineCounter): () => void {
  const entry = { docs, lines };
  open.set(file, entry);
  return () => {
    if (open.get(file) === entry) open.delete(file);
  };
}

export function retainText(file: string, text: string): void {
  retainedTexts.set(file, text);
}

/** Positions of the file's documents up to `documentIndex` (or all): held, last re-parsed, or parsed again. */
function positionsOf(file: string, documentIndex = Number.POSITIVE_INFINITY): FilePositions | undefined {
  const held = open.get(file);
  if (held) return held;
  if (lastReparsed?.file === file && (lastReparsed.complete || documentIndex < lastReparsed.positions.docs.length)) return lastReparsed.positions;
  let text = retainedTexts.get(file);
  if (text === undefined) {
    try {
      text = readFileSync(file, 'utf8');
      // The first parse saw the text without its byte-order mark; columns must agree.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    } catch {
      return undefined;
    }
  }
  const wanted = documentIndex + 1;
  const positions = Number.isFinite(wanted) ? parseLeadingDocuments(text, wanted) : parseSourceDocuments(text);
  lastReparsed = { file, positions, complete: positions.docs.length < wanted };
  return positions;
}

export interface DeferredLocation {
  location: Location;
  provenance: Provenance;
  path: string;
}

let deferred: DeferredLocation[] | undefined;

/**
 * From now until `resolveDeferredLocations()`, `locate()` of a file whose parse tree is not held
 * returns the document-start location and fills in the exact position later, parsing each file
 * once for all its findings (cross-resource checks report findings all over the estate).
 */
export function deferLocations(): void {
  deferred ??= [];
}

/** A position wanted in a file: the document, the resource within it and the finding's path. */
export interface PositionRequest {
  documentIndex: number;
  itemPath?: Array<string | number>;
  path: string;
}

/** The locations handed out since `deferLocations()`, by file; deferral ends. */
export function takeDeferredLocations(): Map<string, DeferredLocation[]> {
  const list = deferred ?? [];
  deferred = undefined;
  const byFile = new Map<string, DeferredLocation[]>();
  for (const entry of list) {
    const file = entry.provenance.file!;
    const same = byFile.get(file);
    if (same) same.push(entry);
    else byFile.set(file, [entry]);
  }
  return byFile;
}

/** True when `file` can be read again by another thread (its text was not only held in memory here). */
export function isRereadable(file: string, entries: readonly DeferredLocation[]): boolean {
  return !retainedTexts.has(file) && entries.every((entry) => entry.provenance.source === 'file');
}

export function requestOf(entry: DeferredLocation): PositionRequest {
  const request: PositionRequest = { documentIndex: entry.provenance.documentIndex!, path: entry.path };
  if (entry.provenance.itemPath) request.itemPath = entry.provenance.itemPath;
  return request;
}

/** Positions of several paths of one file (parsed once); undefined where the path is not found. */
export function positionsInFile(file: string, requests: readonly PositionRequest[]): Array<Position | undefined> {
  const positions = positionsOf(file, requests.reduce((max, request) => Math.max(max, request.documentIndex), 0));
  return requests.map((request) => (positions ? positionIn(positions, request) : undefined));
}

/** Puts found positions into deferred locations (others keep the document start). */
export function applyPositions(entries: readonly DeferredLocation[], positions: ReadonlyArray<Position | undefined | null>): void {
  entries.forEach(({ location }, i) => {
    const pos = positions[i];
    if (pos) {
      location.line = pos.line;
      location.column = pos.column;
    }
  });
}

/** Fills in the positions of the locations handed out since `deferLocations()`, on this thread. */
export function resolveDeferredLocations(): void {
  for (const [file, entries] of takeDeferredLocations()) applyPositions(entries, positionsInFile(file, entries.map(requestOf)));
}

function positionIn(positions: FilePositions, request: PositionRequest): Position | undefined {
  const doc = positions.docs[request.documentIndex];
  if (!doc) return undefined;
  const offset = doc.offsetOf([...(request.itemPath ?? []), ...parsePath(request.path)]);
  if (offset === undefined) return undefined;
  const pos = positions.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/**
 * Where `path` (relative to the resource) sits in the resource's source; falls back to the document
 * start. `object` is the resource's object, needed to read its position table when it has one.
 */
export function locate(provenance: Provenance, path: string, object?: unknown): Location | undefined {
  if (!provenance.file) return undefined;
  const fallbackLocation: Location = { file: provenance.file };
  if (provenance.line !== undefined) fallbackLocation.line = provenance.line;
  if (provenance.column !== undefined) fallbackLocation.column = provenance.column;
  if (provenance.source !== 'file' && provenance.source !== 'stdin' && provenance.source !== 'kustomize') return fallbackLocation;
  if (provenance.documentIndex === undefined) return fallbackLocation;
  if (provenance.positions && object !== undefined && !open.has(provenance.file)) {
    const pos = positionInTable(provenance.positions, object, parsePath(path));
    return { file: provenance.file, line: pos.line, column: pos.column };
  }
  if (deferred && !open.has(provenance.file)) {
    deferred.push({ location: fallbackLocation, provenance, path });
    return fallbackLocation;
  }
  const positions = positionsOf(provenance.file, provenance.documentIndex);
  const request: PositionRequest = { documentIndex: provenance.documentIndex, path };
  if (provenance.itemPath) request.itemPath = provenance.itemPath;
  const pos = positions && positionIn(positions, request);
  return pos ? { file: provenance.file, line: pos.line, column: pos.column } : fallbackLocation;
}
