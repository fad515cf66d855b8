/**
 * Turns the text of one manifest file into Kubernetes resources with provenance.
 * YAML and JSON (a JSON file is YAML) with several documents, `kind: List` and `*List` items.
 */
import type { InputError, JsonObject, Provenance, Resource, SourceKind } from '../resources/types.js';
import type { PathSegment } from '../resources/object-path.js';
import { redactResource, safeErrorMessage } from '../resources/redact.js';
import { registerPositions } from './locate.js';
import { parseSourceDocuments, type SourceDocuments } from './yaml-parse.js';
import { validateObject, type PlainSourceOf } from './validate.js';

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
  const template = docs.some((doc) => doc.errors.length > 0) ? templateExpressionAt(text) : undefined;
  const leadingZeros = hasLeadingZeroNumber(text);
  if (template !== undefined) {
    // Raw parser errors about `{{ … }}` say nothing useful: one message per file says what it is.
    const pos = lines.linePos(template);
    result.errors.push({ file: origin.file, line: pos.line, column: pos.col, message: UNRENDERED_TEMPLATE });
  }

  docs.forEach((doc, documentIndex) => {
    const start = lines.linePos(doc.start);
    if (doc.errors.length > 0) {
      if (template !== undefined) return;
      for (const error of doc.errors) {
        const opened = constructStart(text, error.pos?.[0], error.message);
        const pos = opened !== undefined ? lines.linePos(opened) : error.linePos?.[0] ?? start;
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
    const plainSourceOf = Object.assign((path: readonly PathSegment[]) => {
      const offset = doc.offsetOf(path);
      return offset === undefined ? undefined : plainValueSourceAt(text, offset);
    }, { leadingZeros });
    collectResources(value, [], result, plainSourceOf, protect, (itemPath) => {
      const pos = itemPath.length > 0 ? positionOf(itemPath) : { line: start.line, column: start.col };
      const provenance: Provenance = { source: origin.source, file: origin.file, line: pos.line, column: pos.column, documentIndex };
      if (itemPath.length > 0) provenance.itemPath = itemPath;
      return provenance;
    });
  });
  return { ...result, release };
}

const SHOWN_NAME_LENGTH = 253;

function shortened(text: string): string {
  return text.length <= SHOWN_NAME_LENGTH ? text : `${text.slice(0, SHOWN_NAME_LENGTH)}… (${text.length} characters)`;
}

/** `Kind namespace/name` of an object that is not a resource yet (its fields may be of any type). */
function describeObject(value: JsonObject): string {
  const metadata = isPlainObject(value.metadata) ? value.metadata : {};
  const name = typeof metadata.name === 'string' ? shortened(metadata.name) : '(no name)';
  return `${shortened(String(value.kind))} ${typeof metadata.namespace === 'string' ? `${shortened(metadata.namespace)}/` : ''}${name}`;
}

function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text === '' ? segment : `${text}.${segment}`), '');
}

/**
 * Whether the text has a number written with a leading zero as a value (`runAsUser: 0755`,
 * `- 010`, `[0755]`): a zero followed by a digit, preceded (after spaces and a sign) by `:`, `,`,
 * `[`, `{` or a list dash. A scan from each `0` candidate, cheaper than a regular expression tried
 * at every position.
 */
function hasLeadingZeroNumber(text: string): boolean {
  for (let at = text.indexOf('0'); at >= 0; at = text.indexOf('0', at + 1)) {
    const next = text.charCodeAt(at + 1);
    if (!((next >= 48 && next <= 57) || next === 95)) continue;
    let i = at - 1;
    if (text[i] === '-' || text[i] === '+') i -= 1;
    while (text[i] === ' ' || text[i] === '\t') i -= 1;
    const before = text[i];
    if (before === ':' || before === ',' || before === '[' || before === '{') return true;
    if (before === '-' && (i === 0 || /\s/.test(text[i - 1]!)) && i < at - 1) return true;
  }
  return false;
}

const UNRENDERED_TEMPLATE = 'an unrendered template (Helm or Go {{ … }} expressions) that does not parse as YAML: render it first, e.g. helm template NAME CHART | annexa scan -';

/** Offset of the first `{{ … }}` template expression outside a comment, if any. */
function templateExpressionAt(text: string): number | undefined {
  const pattern = /\{\{-?\s*[^\n]*?\}\}/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const lineStart = text.lastIndexOf('\n', match.index) + 1;
    if (!/^\s*#/.test(text.slice(lineStart, match.index))) return match.index;
  }
  return undefined;
}

/**
 * Where the construct an error is about starts, for errors the parser reports where it gave up
 * (an unclosed flow collection or quote is found at the next line, or past the end of the file):
 * the opening bracket or quote before `offset` that is never closed. Undefined for other errors.
 */
export function constructStart(text: string, offset: number | undefined, message: string): number | undefined {
  if (offset === undefined) return undefined;
  const quote = /Missing closing (["'])quote/.exec(message)?.[1];
  if (quote !== undefined) {
    const at = text.lastIndexOf(quote, Math.min(offset, text.length) - 1);
    return at >= 0 ? at : undefined;
  }
  const closer = /end with an? ([\]}])/.exec(message)?.[1];
  if (closer === undefined) return undefined;
  const opener = closer === ']' ? '[' : '{';
  let depth = 0;
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i -= 1) {
    const c = text[i];
    if (c === ']' || c === '}') depth += 1;
    else if (c === '[' || c === '{') {
      if (depth === 0) return c === opener ? i : undefined;
      depth -= 1;
    }
  }
  return undefined;
}

/**
 * The source text of a plain scalar value whose map entry's key starts at `keyOffset`
 * (`key: value`, `"key": value`, in block or flow style); undefined for a quoted, tagged or
 * multi-line value.
 */
export function plainValueSourceAt(text: string, keyOffset: number): string | undefined {
  let i = keyOffset;
  const quote = text[i];
  if (quote === '"' || quote === "'") {
    i = text.indexOf(quote, i + 1);
    if (i < 0) return undefined;
  }
  const colon = text.indexOf(':', i);
  if (colon < 0) return undefined;
  i = colon + 1;
  while (text[i] === ' ' || text[i] === '\t') i += 1;
  const start = i;
  while (i < text.length && !'\n\r,}]'.includes(text[i]!) && !(text[i] === '#' && /\s/.test(text[i - 1] ?? ''))) i += 1;
  const source = text.slice(start, i).trim();
  if (source === '' || /^["'!&*|>]/.test(source)) return undefined;
  return source;
}

function collectResources(
  value: unknown,
  itemPath: PathSegment[],
  result: ParsedFile,
  plainSourceOf: PlainSourceOf,
  protect: (resource: Resource) => Resource,
  provenanceFor: (itemPath: PathSegment[]) => Provenance,
): void {
  if (!isPlainObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
    result.skipped += 1;
    return;
  }
  const kind = value.kind;
  if (kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, i) => collectResources(item, [...itemPath, 'items', i], result, plainSourceOf, protect, provenanceFor));
    return;
  }
  const sourceOf = itemPath.length === 0 ? plainSourceOf
    : Object.assign((path: readonly PathSegment[]) => plainSourceOf([...itemPath, ...path]), { leadingZeros: plainSourceOf.leadingZeros });
  const problems = validateObject(value, sourceOf);
  for (const problem of problems) {
    const at = provenanceFor([...itemPath, ...problem.path]);
    const field = formatPath(problem.path);
    result.errors.push({ file: at.file ?? '-', line: at.line!, column: at.column!, message: `${describeObject(value)}: ${field}: ${problem.message}`, field });
  }
  if (problems.some((problem) => problem.drop)) return;
  const metadata = isPlainObject(value.metadata) ? value.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name
    : typeof metadata.generateName === 'string' ? `${metadata.generateName}*` : '';
  const resource: Resource = { apiVersion: value.apiVersion, kind, name, object: value, provenance: provenanceFor(itemPath) };
  if (typeof metadata.namespace === 'string' && metadata.namespace !== '') resource.namespace = metadata.namespace;
  result.resources.push(protect(resource));
}
