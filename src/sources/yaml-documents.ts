/**
 * Turns the text of one manifest file into Kubernetes resources with provenance.
 * YAML and JSON (a JSON file is YAML) with several documents, `kind: List` and `*List` items.
 */
import type { InputError, JsonObject, Provenance, Resource, SourceKind } from '../resources/types.js';
import type { PathSegment } from '../resources/object-path.js';
import { redactResource, safeErrorMessage } from '../resources/redact.js';
import { registerPositions } from './locate.js';
import { parseSourceDocuments, type SourceDocuments } from './yaml-parse.js';

export interface ParseLimits {
  /** Largest alias expansion accepted per document (billion-laughs guard). */
  maxAliasCount: number;
  /** Deepest nesting of maps and sequences accepted. */
  maxDepth: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxAliasCount: 1000, maxDepth: 128 };

export interface ParsedFile {
  resources: Resource[];
  errors: InputError[];
  /** Documents that are not Kubernetes objects (no apiVersion/kind), or empty. */
  skipped: number;
}

export interface TextOrigin {
  source: SourceKind;
  /** Name shown in findings and errors: the path as given, or `-` for stdin. */
  file: string;
}

function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > limit) return deepest;
    for (const child of Object.values(current as object)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function isPlainObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function refusalMessage(error: unknown): string {
  const message = errorMessage(error);
  if (/excessive alias count/i.test(message)) return 'too many alias expansions (possible YAML bomb); refused';
  if (/unresolved alias/i.test(message)) return 'unresolved alias: it refers to an anchor that is not defined before it';
  if (error instanceof RangeError) return 'document nested too deeply to process; refused';
  return `cannot convert document: ${safeErrorMessage(firstLine(message))}`;
}

/**
 * Parses one file's text. The parse tree is registered with the locator so that findings can be
 * given positions; call the returned `release()` once the file's findings are located.
 */
export function parseManifestText(
  text: string,
  origin: TextOrigin,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
  /** What Secret values become (drift compares them by salted digest); redacted by default. */
  protect: (resource: Resource) => Resource = redactResource,
): ParsedFile & { release(): void } {
  const result: ParsedFile = { resources: [], errors: [], skipped: 0 };
  let parsed: SourceDocuments;
  try {
    parsed = parseSourceDocuments(text);
  } catch (error) {
    const message = error instanceof RangeError ? 'nested too deeply to parse; refused' : `cannot parse: ${firstLine(errorMessage(error))}`;
    result.errors.push({ file: origin.file, message });
    return { ...result, release: () => undefined };
  }
  const { docs, lines } = parsed;
  const release = registerPositions(origin.file, docs, lines);

  docs.forEach((doc, documentIndex) => {
    const start = lines.linePos(doc.start);
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const pos = error.linePos?.[0] ?? start;
        const message = error.code === 'RESOURCE_EXHAUSTION' ? 'nested too deeply to parse; refused' : safeErrorMessage(firstLine(error.message));
        result.errors.push({ file: origin.file, line: pos.line, column: pos.col, message });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS(limits.maxAliasCount);
    } catch (error) {
      result.errors.push({ file: origin.file, line: start.line, column: start.col, message: refusalMessage(error) });
      return;
    }
    if (value === null || value === undefined) {
      result.skipped += 1;
      return;
    }
    if (nestingDepth(value, limits.maxDepth) > limits.maxDepth) {
      result.errors.push({
        file: origin.file, line: start.line, column: start.col,
        message: `document nested deeper than ${limits.maxDepth} levels; refused`,
      });
      return;
    }
    const positionOf = (itemPath: PathSegment[]) => {
      const offset = doc.offsetOf(itemPath);
      const pos = offset === undefined ? start : lines.linePos(offset);
      return { line: pos.line, column: pos.col };
    };
    collectResources(value, [], result, protect, (itemPath) => {
      const pos = itemPath.length > 0 ? positionOf(itemPath) : { line: start.line, column: start.col };
      const provenance: Provenance = { source: origin.source, file: origin.file, line: pos.line, column: pos.column, documentIndex };
      if (itemPath.length > 0) provenance.itemPath = itemPath;
      return provenance;
    });
  });
  return { ...result, release };
}

function collectResources(
  value: unknown,
  itemPath: PathSegment[],
  result: ParsedFile,
  protect: (resource: Resource) => Resource,
  provenanceFor: (itemPath: PathSegment[]) => Provenance,
): void {
  if (!isPlainObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
    result.skipped += 1;
    return;
  }
  const kind = value.kind;
  if (kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, i) => collectResources(item, [...itemPath, 'items', i], result, protect, provenanceFor));
    return;
  }
  const metadata = isPlainObject(value.metadata) ? value.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name
    : typeof metadata.generateName === 'string' ? `${metadata.generateName}*` : '';
  const resource: Resource = { apiVersion: value.apiVersion, kind, name, object: value, provenance: provenanceFor(itemPath) };
  if (typeof metadata.namespace === 'string' && metadata.namespace !== '') resource.namespace = metadata.namespace;
  result.resources.push(protect(resource));
}
