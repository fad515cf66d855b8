/**
 * The fast YAML path (DESIGN.md §3c): a line scanner for the part of YAML that Kubernetes
 * manifests use, building plain values and a small position tree in one pass.
 *
 * Why not `yaml` alone: lexing and parsing with `yaml` is most of a scan's time (a whole `yaml`
 * parse of a corpus takes about as long as everything else in a scan together). Manifests are
 * block maps and sequences of plain, quoted and block scalars; for those, one pass over the lines
 * gives the same values several times faster.
 *
 * `yaml` stays the reference: anything outside the subset (anchors, aliases, tags, directives,
 * non-empty flow collections, tabs or CR in the structure, multi-line plain or quoted scalars,
 * complex or duplicate keys, empty documents, `...`, explicit indentation or keep chomping,
 * anything that would be an error, …) makes `parseFast` return undefined and the whole file goes
 * through `yaml`'s `parseAllDocuments`. Whenever the fast path does take a text, values, document
 * starts and the offset of every path are exactly those of `yaml`; the differential tests in
 * test/yaml-fast.test.ts hold it to that on generated corpora, the conformance fixtures and
 * thousands of mutated texts.
 */
import { LineCounter } from 'yaml';
import type { PathSegment } from '../resources/object-path.js';
import type { SourceDocument, SourceDocuments } from './yaml-parse.js';

/** Offsets of the keys (maps) or items (sequences) of one collection, and the trees of their values. */
interface SeqTree {
  readonly at: number[];
  readonly kids: Array<PositionTree | undefined>;
}
interface MapTree extends SeqTree {
  /** Key names as the plain value has them (`String(key)`), in source order. */
  readonly keys: string[];
  /** For large maps, built on first lookup: the index of each name's first key. */
  byName?: Map<string, number>;
}
type PositionTree = SeqTree | MapTree;

const isMapTree = (tree: PositionTree): tree is MapTree => 'keys' in tree;

/** Thrown (never escapes `parseFast`) when the text needs the full parser. */
const FALLBACK = { fallback: true } as const;

function fallback(): never {
  throw FALLBACK;
}

/** Line breaks other than LF, byte order marks and control characters: left to `yaml`. */
const UNUSUAL_CHARACTERS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;
/** Maps with more keys than this look up duplicates in a set. */
const SMALL_MAP = 32;
/** Deeper nesting is left to the full parser, which reports it. */
const MAX_NESTING = 256;
/** `yaml` refuses implicit keys longer than 1024 characters; leave long keys to it. */
const MAX_KEY_LENGTH = 1000;

const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The fast path, or undefined when the text needs the full parser. */
export function parseFast(text: string, maxDocuments = Number.POSITIVE_INFINITY): SourceDocuments | undefined {
  if (UNUSUAL_CHARACTERS.test(text)) return undefined;
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines.addNewLine(at + 1);
  try {
    return { docs: new LineScanner(text, lines.lineStarts).documents(maxDocuments), lines };
  } catch (error) {
    if (error === FALLBACK || error instanceof RangeError) return undefined;
    throw error;
  }
}

class LineScanner {
  /** The current line. */
  private line = 0;
  private depth = 0;
  private readonly lineCount: number;

  constructor(private readonly text: string, private readonly starts: readonly number[]) {
    // A final line start at the very end (after a trailing newline) is not a line.
    this.lineCount = starts.length > 0 && starts[starts.length - 1] === text.length ? starts.length - 1 : starts.length;
  }

  documents(maxDocuments: number): SourceDocument[] {
    const docs: SourceDocument[] = [];
    this.skipTrivia();
    if (this.line >= this.lineCount) {
      // Empty or comment-only text: `yaml`'s rules for what that yields are not copied here.
      if (this.text.length > 0) fallback();
      return docs;
    }
    while (this.line < this.lineCount && docs.length < maxDocuments) {
      // Every document but the first starts with `---` (the previous one ended at one).
      if (this.isDocumentStart(this.line)) {
        this.expectLineEnd(this.starts[this.line]! + 3, this.line); // `--- value` is left to `yaml`
        this.line += 1;
        this.skipTrivia();
      }
      if (this.line >= this.lineCount || this.isDocumentStart(this.line)) fallback(); // an empty document
      const start = this.contentStart(this.line);
      const { value, tree } = this.blockNode(-1);
      this.skipTrivia();
      if (this.line < this.lineCount && !this.isDocumentStart(this.line)) fallback();
      docs.push(fastDocument(start, value, tree));
    }
    return docs;
  }

  // --- lines -----------------------------------------------------------------------------------

  private lineEnd(line: number): number {
    return line + 1 < this.starts.length ? this.starts[line + 1]! - 1 : this.text.length;
  }

  /** Column of the line's first character that is not a space; a tab there needs the full parser. */
  private indentOf(line: number): number {
    const start = this.starts[line]!;
    const end = this.lineEnd(line);
    let at = start;
    while (at < end && this.text.charCodeAt(at) === SPACE) at += 1;
    if (at < end && this.text.charCodeAt(at) === TAB) fallback();
    return at - start;
  }

  private contentStart(line: number): number {
    return this.starts[line]! + this.indentOf(line);
  }

  /** A line that is empty, spaces only, or a comment. */
  private isTrivia(line: number): boolean {
    const at = this.contentStart(line);
    return at >= this.lineEnd(line) || this.text.charCodeAt(at) === HASH;
  }

  /** Moves to the next line with content (or past the last line). */
  private skipTrivia(): void {
    while (this.line < this.lineCount && this.isTrivia(this.line)) this.line += 1;
  }

  /** A `---` line. */
  private isDocumentStart(line: number): boolean {
    const start = this.starts[line]!;
    return this.text.charCodeAt(start) === DASH && this.isMarkerAt(start);
  }

  /** `---` or `...` at `at`, followed by white space or the end of the line (also used by FlowScanner). */
  isMarkerAt(at: number): boolean {
    const text = this.text;
    const c = text.charCodeAt(at);
    if ((c !== DASH && c !== 0x2e) || text.charCodeAt(at + 1) !== c || text.charCodeAt(at + 2) !== c) return false;
    const next = at + 3 < text.length ? text.charCodeAt(at + 3) : NEWLINE;
    return next === SPACE || next === NEWLINE || next === TAB;
  }

  /** From `at`, only spaces and an optional comment (preceded by a space) up to the end of the line. */
  private expectLineEnd(at: number, line: number): void {
    const end = this.lineEnd(line);
    const text = this.text;
    const from = at;
    while (at < end && text.charCodeAt(at) === SPACE) at += 1;
    if (at >= end) return;
    if (text.charCodeAt(at) !== HASH || (at === from && at > this.starts[line]!)) fallback();
  }

  /** The next content line must not be more indented than `indent` (no continuation lines). */
  private expectNoContinuation(indent: number): void {
    this.skipTrivia();
    if (this.line < this.lineCount && this.indentOf(this.line) > indent) fallback();
  }

  // --- nodes -----------------------------------------------------------------------------------

  /** The node starting on the current (content) line, more indented than `parent`. */
  private blockNode(parent: number): { value: unknown; tree: PositionTree | undefined } {
    const line = this.line;
    const indent = this.indentOf(line);
    const at = this.starts[line]! + indent;
    if (indent <= parent) fallback();
    // `---x` or `...` at the start of a line: markers or not, left to `yaml`.
    if (indent === 0 && (this.text.startsWith('---', at) || this.text.startsWith('...', at))) fallback();
    if (this.isSequenceIndicator(at, line)) return this.blockSequence(indent, at);
    const first = this.text.charCodeAt(at);
    if (parent < 0 && (first === 0x7b || first === 0x5b)) return this.flowDocument(at);
    if (this.mapIndicator(at, line) >= 0) return this.blockMap(indent, at);
    // A scalar on a line of its own below its key or `-`: `yaml` may read the lines after it as
    // its continuation (comment lines in between change where it ends), so leave it to `yaml`.
    if (parent >= 0) fallback();
    // A document that is a scalar.
    return { value: this.inlineScalar(at, line, parent), tree: undefined };
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_NESTING) fallback();
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  private isSequenceIndicator(at: number, line: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    const next = at + 1 < this.lineEnd(line) ? this.text.charCodeAt(at + 1) : NEWLINE;
    if (next === TAB) fallback();
    return next === SPACE || next === NEWLINE;
  }

  /**
   * When a map entry (`key: ...`) starts at `at`, the offset of its `:`; else -1. Keys are plain
   * or single-line quoted scalars; anything else that could be a key needs the full parser.
   */
  private mapIndicator(at: number, line: number): number {
    const text = this.text;
    const end = this.lineEnd(line);
    const first = text.charCodeAt(at);
    let colon: number;
    if (first === SINGLE_QUOTE || first === DOUBLE_QUOTE) {
      const close = this.quotedEnd(at, end);
      if (close < 0) return -1;
      colon = close;
    } else {
      if (!this.canStartPlain(at, end)) return -1;
      colon = -1;
      for (let i = at; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === COLON) {
          const next = i + 1 < end ? text.charCodeAt(i + 1) : NEWLINE;
          if (next === SPACE || next === NEWLINE) {
            colon = i;
            break;
          }
          if (next === TAB) fallback();
        } else if (c === HASH && text.charCodeAt(i - 1) === SPACE) {
          return -1; // a comment: the line is a scalar
        } else if (c === TAB) {
          fallback();
        }
      }
      if (colon < 0) return -1;
    }
    if (text.charCodeAt(colon) !== COLON) return -1;
    const next = colon + 1 < end ? text.charCodeAt(colon + 1) : NEWLINE;
    if (next !== SPACE && next !== NEWLINE) return -1;
    if (colon - at > MAX_KEY_LENGTH) fallback();
    return colon;
  }

  private blockMap(indent: number, firstKey: number): { value: Record<string, unknown>; tree: MapTree } {
    return this.nested(() => {
      const object: Record<string, unknown> = {};
      const tree: MapTree = { keys: [], at: [], kids: [] };
      let typed: Array<number | boolean | undefined> | undefined;
      let seen: Set<string> | undefined;
      let keyAt = firstKey;
      for (;;) {
        const line = this.line;
        const colon = this.mapIndicator(keyAt, line);
        if (colon < 0) fallback();
        const key = this.keyValue(keyAt, colon);
        const name = String(key);
        if (seen ? seen.has(name) : tree.keys.includes(name)) {
          // `1` and `"1"` are different keys (the later one wins in the value); equal keys are an error.
          for (let j = tree.keys.indexOf(name); j >= 0; j = tree.keys.indexOf(name, j + 1)) {
            if (typeof key === typeof (typed?.[j] ?? '')) fallback();
          }
        }
        if (typeof key !== 'string') (typed ??= [])[tree.keys.length] = key;
        if (seen) seen.add(name);
        else if (tree.keys.length >= SMALL_MAP) seen = new Set([...tree.keys, name]);
        const { value, tree: kid } = this.mapValue(indent, colon + 1, line);
        if (name in object) Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
        else object[name] = value;
        tree.keys.push(name);
        tree.at.push(keyAt);
        tree.kids.push(kid);
        this.skipTrivia();
        if (this.line >= this.lineCount || this.isDocumentStart(this.line)) break;
        const next = this.indentOf(this.line);
        if (next < indent) break;
        if (next > indent) fallback();
        keyAt = this.starts[this.line]! + next;
        if (this.isSequenceIndicator(keyAt, this.line)) break; // a sequence item of the parent
      }
      return { value: object, tree };
    });
  }

  /** The value after a key's `:` (at `from` on `line`) of a map at `indent`. */
  private mapValue(indent: number, from: number, line: number): { value: unknown; tree: PositionTree | undefined } {
    const at = this.skipSpaces(from, line);
    if (at < 0) {
      // The value is on the following lines: more indented, or a sequence at the key's indentation.
      this.line = line + 1;
      this.skipTrivia();
      if (this.line >= this.lineCount || this.isDocumentStart(this.line)) return { value: null, tree: undefined };
      const next = this.indentOf(this.line);
      const start = this.starts[this.line]! + next;
      if (next > indent) return this.blockNode(indent);
      if (next === indent && this.isSequenceIndicator(start, this.line)) return this.blockSequence(indent, start);
      return { value: null, tree: undefined };
    }
    return this.inlineValue(at, line, indent);
  }

  private blockSequence(indent: number, firstItem: number): { value: unknown[]; tree: SeqTree } {
    return this.nested(() => {
      const array: unknown[] = [];
      const tree: SeqTree = { at: [], kids: [] };
      let dash = firstItem;
      for (;;) {
        const line = this.line;
        const at = this.skipSpaces(dash + 1, line);
        let item: { value: unknown; tree: PositionTree | undefined };
        let itemAt: number;
        if (at < 0) {
          // The item is on the following lines.
          this.line = line + 1;
          this.skipTrivia();
          if (this.line >= this.lineCount || this.isDocumentStart(this.line) || this.indentOf(this.line) <= indent) fallback(); // an empty item
          itemAt = this.contentStart(this.line);
          item = this.blockNode(indent);
        } else {
          itemAt = at;
          const column = at - this.starts[line]!;
          if (this.isSequenceIndicator(at, line)) item = this.blockSequence(column, at);
          else if (this.mapIndicator(at, line) >= 0) item = this.blockMap(column, at);
          else item = this.inlineValue(at, line, indent);
        }
        array.push(item.value);
        tree.at.push(itemAt);
        tree.kids.push(item.tree);
        this.skipTrivia();
        if (this.line >= this.lineCount || this.isDocumentStart(this.line)) break;
        const next = this.indentOf(this.line);
        if (next < indent) break;
        if (next > indent) fallback();
        dash = this.starts[this.line]! + next;
        if (!this.isSequenceIndicator(dash, this.line)) break; // the parent map's next key
      }
      return { value: array, tree };
    });
  }

  /** First non-space offset from `at` on `line`, or -1 when only spaces and a comment remain. */
  private skipSpaces(at: number, line: number): number {
    const end = this.lineEnd(line);
    const text = this.text;
    const from = at;
    while (at < end && text.charCodeAt(at) === SPACE) at += 1;
    if (at >= end) return -1;
    const c = text.charCodeAt(at);
    if (c === TAB) fallback();
    if (c === HASH) {
      if (at === from) fallback(); // `#` right after an indicator is not a comment
      return -1;
    }
    return at;
  }

  // --- scalars ---------------------------------------------------------------------------------

  /** A value starting at `at` on `line` of a collection at `indent`; moves past it. */
  private inlineValue(at: number, line: number, indent: number): { value: unknown; tree: PositionTree | undefined } {
    const c = this.text.charCodeAt(at);
    if (c === 0x7c /* | */ || c === 0x3e /* > */) return { value: this.blockScalar(at, line, indent), tree: undefined };
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) return this.flowCollection(at, line, indent);
    return { value: this.inlineScalar(at, line, indent), tree: undefined };
  }

  /** A plain or quoted scalar that ends on its line. */
  private inlineScalar(at: number, line: number, indent: number): string | number | boolean | null {
    const end = this.lineEnd(line);
    const first = this.text.charCodeAt(at);
    let value: string | number | boolean | null;
    if (first === SINGLE_QUOTE || first === DOUBLE_QUOTE) {
      const close = this.quotedEnd(at, end);
      if (close < 0) fallback(); // continues on the next line
      value = this.quotedValue(at, close);
      this.expectLineEnd(close, line);
    } else {
      value = plainValue(this.plainSource(at, end));
    }
    this.line = line + 1;
    this.expectNoContinuation(indent);
    return value;
  }

  /** A plain scalar's text from `at` to the end of the line or a comment. */
  private plainSource(at: number, end: number): string {
    const text = this.text;
    if (!this.canStartPlain(at, end)) fallback();
    let last = at;
    for (let i = at; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === SPACE) continue;
      if (c === HASH && text.charCodeAt(i - 1) === SPACE) break;
      if (c === TAB) fallback();
      if (c === COLON) {
        const next = i + 1 < end ? text.charCodeAt(i + 1) : NEWLINE;
        if (next === SPACE || next === NEWLINE || next === TAB) fallback(); // a nested map on one line: an error
      }
      last = i;
    }
    return text.slice(at, last + 1);
  }

  /** A plain scalar may start at `at`: not an indicator, or `-`, `?` or `:` followed by a character. */
  private canStartPlain(at: number, end: number): boolean {
    const first = this.text.charCodeAt(at);
    if (!isIndicator(first)) return true;
    if (first !== DASH && first !== 0x3f && first !== COLON) return false;
    const next = at + 1 < end ? this.text.charCodeAt(at + 1) : NEWLINE;
    return next !== SPACE && next !== TAB && next !== NEWLINE;
  }

  /** Offset just after the closing quote of a scalar opened at `at`, or -1 if it is not closed on this line. */
  /** Shared with FlowScanner. */
  quotedEnd(at: number, end: number): number {
    const text = this.text;
    const quote = text.charCodeAt(at);
    for (let i = at + 1; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === TAB) fallback();
      if (c === NEWLINE) return -1; // a multi-line scalar
      if (quote === DOUBLE_QUOTE && c === BACKSLASH) {
        i += 1;
      } else if (c === quote) {
        if (quote === SINGLE_QUOTE && text.charCodeAt(i + 1) === SINGLE_QUOTE && i + 1 < end) i += 1;
        else return i + 1;
      }
    }
    return -1;
  }

  quotedValue(at: number, close: number): string {
    const body = this.text.slice(at + 1, close - 1);
    if (this.text.charCodeAt(at) === SINGLE_QUOTE) return body.includes("'") ? body.replaceAll("''", "'") : body;
    return body.includes('\\') ? unescapeDoubleQuoted(body) : body;
  }

  private keyValue(at: number, colon: number): string | number | boolean {
    const text = this.text;
    const first = text.charCodeAt(at);
    let key: string | number | boolean | null;
    if (first === SINGLE_QUOTE || first === DOUBLE_QUOTE) {
      key = this.quotedValue(at, colon);
    } else {
      if (text.charCodeAt(colon - 1) === SPACE) fallback(); // `key :`
      key = plainValue(text.slice(at, colon));
    }
    return asKey(key);
  }

  /**
   * A flow collection that ends on its line (`[a, "b"]`, `{cpu: 100m, memory: 1Gi}`, `{}`), of
   * scalars and flow collections. Implicit pairs in sequences (`[a: b]`), trailing or missing
   * items, comments inside and anything spanning lines need the full parser.
   */
  private flowCollection(at: number, line: number, indent: number): { value: unknown; tree: PositionTree } {
    const flow = new FlowScanner(this, this.text, this.lineEnd(line));
    const node = flow.collection(at);
    this.expectLineEnd(flow.at, line);
    this.line = line + 1;
    this.expectNoContinuation(indent);
    return node;
  }

  /** A document that is one flow collection over any number of lines: JSON, mostly. */
  private flowDocument(at: number): { value: unknown; tree: PositionTree } {
    const flow = new FlowScanner(this, this.text, this.text.length, true);
    const node = flow.collection(at);
    const line = this.lineOf(flow.at);
    this.expectLineEnd(flow.at, line);
    this.line = line + 1;
    return node;
  }

  /** The line of an offset (binary search over the line starts). */
  private lineOf(offset: number): number {
    let low = 0;
    let high = this.lineCount - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }


  /**
   * A literal (`|`) or folded (`>`) block scalar whose header is at `at`, in a collection at
   * `indent`. Clip and strip chomping; folded scalars without more-indented lines.
   */
  private blockScalar(at: number, line: number, indent: number): string {
    const text = this.text;
    const folded = text.charCodeAt(at) === 0x3e;
    let i = at + 1;
    let strip = false;
    const chomp = text.charCodeAt(i);
    if (chomp === DASH) {
      strip = true;
      i += 1;
    } else if (chomp === 0x2b /* + */ || (chomp >= 0x30 && chomp <= 0x39)) {
      fallback();
    }
    const headerEnd = this.lineEnd(line);
    if (i < headerEnd) {
      const c = text.charCodeAt(i);
      if (c !== SPACE) fallback();
      this.expectLineEnd(i, line);
    }
    // Content: from the first non-empty line, whose indentation sets the scalar's.
    let contentIndent = -1;
    let leadingEmpty = 0;
    let longestLeadingEmpty = 0;
    const parts: string[] = [];
    let pendingEmpty = 0;
    let next = line + 1;
    for (; next < this.lineCount; next++) {
      const start = this.starts[next]!;
      const end = this.lineEnd(next);
      let spaces = 0;
      while (start + spaces < end && text.charCodeAt(start + spaces) === SPACE) spaces += 1;
      const empty = start + spaces >= end;
      if (contentIndent < 0) {
        if (empty) {
          leadingEmpty += 1;
          longestLeadingEmpty = Math.max(longestLeadingEmpty, spaces);
          continue;
        }
        if (spaces <= indent) break; // no content at all
        if (text.charCodeAt(start + spaces) === TAB) fallback();
        if (longestLeadingEmpty > spaces) fallback(); // leading empty lines more indented than the content: an error
        contentIndent = spaces;
      }
      if (empty && spaces <= contentIndent) {
        pendingEmpty += 1;
        continue;
      }
      if (spaces < contentIndent) {
        // The end of the scalar: the line must belong to an enclosing collection (or be a comment).
        if (spaces > indent && text.charCodeAt(start + spaces) !== HASH) fallback();
        break;
      }
      const content = text.slice(start + contentIndent, end);
      if (folded) {
        const c = content.charCodeAt(0);
        if (c === SPACE || c === TAB) fallback(); // more-indented lines keep their breaks: left to `yaml`
        if (parts.length === 0) parts.push('\n'.repeat(leadingEmpty + pendingEmpty));
        else parts.push(pendingEmpty === 0 ? ' ' : '\n'.repeat(pendingEmpty));
      } else if (parts.length === 0) {
        parts.push('\n'.repeat(leadingEmpty + pendingEmpty));
      } else {
        parts.push('\n'.repeat(pendingEmpty + 1));
      }
      parts.push(content);
      pendingEmpty = 0;
    }
    if (contentIndent < 0) fallback(); // an empty block scalar
    // Ends at the end of the text without a line break: `yaml`'s clipping there is not copied.
    if (next >= this.lineCount && this.text.charCodeAt(this.text.length - 1) !== NEWLINE) fallback();
    this.line = next;
    const value = parts.join('');
    return strip ? value : `${value}\n`;
  }
}

/** A scalar as a map key, as `yaml` resolves it; null, NaN and merge keys (`<<`) are left to `yaml`. */
function asKey(value: string | number | boolean | null): string | number | boolean {
  if (value === null || (typeof value === 'number' && Number.isNaN(value)) || value === '<<') fallback();
  return value;
}

const isFlowIndicator = (c: number) => c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;

/** One flow collection on one line: values and positions as `yaml` gives them. */
class FlowScanner {
  /** The next character to read. */
  at = 0;
  private depth = 0;

  /**
   * `end`: the end of the line, or of the text for a collection that is a whole document (JSON):
   * there line breaks separate tokens like spaces (scalars still end on their line).
   */
  constructor(
    private readonly lines: LineScanner,
    private readonly text: string,
    private readonly end: number,
    private readonly multiline = false,
  ) {}

  collection(open: number): { value: unknown; tree: PositionTree } {
    if (++this.depth > MAX_NESTING) fallback();
    const map = this.text.charCodeAt(open) === 0x7b;
    const close = map ? 0x7d : 0x5d;
    const tree: MapTree | SeqTree = map ? { keys: [], at: [], kids: [] } : { at: [], kids: [] };
    const value: Record<string, unknown> | unknown[] = map ? {} : [];
    let seen: Set<string> | undefined;
    this.at = open + 1;
    this.spaces();
    if (this.peek() === close) {
      this.at += 1;
      this.depth -= 1;
      return { value, tree };
    }
    for (;;) {
      const itemAt = this.at;
      if (map) {
        const key = this.scalar(true);
        const name = String(asKey(key));
        const keys = (tree as MapTree).keys;
        if (seen ? seen.has(name) : keys.includes(name)) fallback(); // duplicates, or `1` and "1": left to `yaml`
        if (seen) seen.add(name);
        else if (keys.length >= SMALL_MAP) seen = new Set([...keys, name]);
        this.spaces();
        if (this.peek() !== COLON) fallback();
        this.at += 1;
        const next = this.peek();
        if (next !== SPACE && !(this.text.charCodeAt(itemAt) === DOUBLE_QUOTE || this.text.charCodeAt(itemAt) === SINGLE_QUOTE)) fallback();
        this.spaces();
        const item = this.node();
        if (name in value) Object.defineProperty(value, name, { value: item.value, writable: true, enumerable: true, configurable: true });
        else (value as Record<string, unknown>)[name] = item.value;
        (tree as MapTree).keys.push(name);
        tree.kids.push(item.tree);
      } else {
        const item = this.node();
        (value as unknown[]).push(item.value);
        tree.kids.push(item.tree);
      }
      tree.at.push(itemAt);
      this.spaces();
      const c = this.peek();
      if (c === close) {
        this.at += 1;
        break;
      }
      if (c !== 0x2c) fallback();
      this.at += 1;
      this.spaces();
      if (this.peek() === close || this.peek() === 0x2c) fallback(); // a trailing comma or an empty item
    }
    this.depth -= 1;
    return { value, tree };
  }

  private node(): { value: unknown; tree: PositionTree | undefined } {
    const c = this.peek();
    if (c === 0x5b || c === 0x7b) return this.collection(this.at);
    return { value: this.scalar(false), tree: undefined };
  }

  /** A quoted or plain scalar; a plain one ends before `,`, brackets, or a `:` (which only a map key may have). */
  private scalar(key: boolean): string | number | boolean | null {
    const text = this.text;
    const first = this.peek();
    if (first === SINGLE_QUOTE || first === DOUBLE_QUOTE) {
      const close = this.lines.quotedEnd(this.at, this.end);
      if (close < 0) fallback();
      const value = this.lines.quotedValue(this.at, close);
      this.at = close;
      return value;
    }
    if (isIndicator(first)) {
      // `-1`, `-x`: a dash followed by a character that is not a space or a flow indicator.
      const next = this.at + 1 < this.end ? text.charCodeAt(this.at + 1) : NEWLINE;
      if (first !== DASH || next === SPACE || next === NEWLINE || next === TAB || isFlowIndicator(next)) fallback();
    }
    const start = this.at;
    let last = start;
    for (let i = start; i < this.end; i++) {
      const c = text.charCodeAt(i);
      if (c === SPACE) continue;
      if (c === NEWLINE) break;
      if (c === TAB || (c === HASH && text.charCodeAt(i - 1) === SPACE)) fallback();
      if (isFlowIndicator(c)) break;
      if (c === COLON) {
        if (!key) fallback(); // an implicit pair, or a plain scalar with a colon
        const next = i + 1 < this.end ? text.charCodeAt(i + 1) : NEWLINE;
        if (next === SPACE || isFlowIndicator(next) || next === NEWLINE) break;
        fallback();
      }
      last = i;
    }
    this.at = last + 1;
    return plainValue(text.slice(start, last + 1));
  }

  private spaces(): void {
    const text = this.text;
    for (;;) {
      while (this.at < this.end && text.charCodeAt(this.at) === SPACE) this.at += 1;
      if (!this.multiline || this.at >= this.end) break;
      const c = text.charCodeAt(this.at);
      if (c === NEWLINE) {
        this.at += 1;
        // `---` or `...` starting a line ends the document, even inside a collection: an error.
        if (this.lines.isMarkerAt(this.at)) fallback();
      } else if (c === HASH) {
        fallback(); // comments inside a multi-line collection: `yaml`'s rules for them are not copied
      } else {
        break;
      }
    }
    if (this.at < this.end && text.charCodeAt(this.at) === TAB) fallback();
  }

  private peek(): number {
    return this.at < this.end ? this.text.charCodeAt(this.at) : NEWLINE;
  }
}

/** Characters that cannot start a plain scalar (or that start one only in cases left to `yaml`). */
function isIndicator(c: number): boolean {
  switch (c) {
    case 0x2d: // -
    case 0x3f: // ?
    case 0x3a: // :
    case 0x2c: // ,
    case 0x5b: // [
    case 0x5d: // ]
    case 0x7b: // {
    case 0x7d: // }
    case 0x23: // #
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case 0x27: // '
    case 0x22: // "
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
      return true;
    default:
      return false;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };
const HEX = /^[0-9a-fA-F]+$/;

function unescapeDoubleQuoted(body: string): string {
  let out = '';
  let from = 0;
  for (let i = body.indexOf('\\'); i >= 0; i = body.indexOf('\\', from)) {
    out += body.slice(from, i);
    const code = body[i + 1];
    if (code === undefined) fallback();
    const simple = SIMPLE_ESCAPES[code];
    if (simple !== undefined) {
      out += simple;
      from = i + 2;
      continue;
    }
    const length = HEX_LENGTH[code];
    if (length === undefined) fallback();
    const hex = body.slice(i + 2, i + 2 + length);
    if (hex.length !== length || !HEX.test(hex)) fallback();
    const point = parseInt(hex, 16);
    if (point > 0x10ffff) fallback();
    out += String.fromCodePoint(point);
    from = i + 2 + length;
  }
  return out + body.slice(from);
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
export function plainValue(source: string): string | number | boolean | null {
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

// ---------------------------------------------------------------------------------------------
// Documents and positions

const NO_ERRORS: SourceDocument['errors'] = [];

function fastDocument(start: number, value: unknown, tree: PositionTree | undefined): SourceDocument {
  return {
    start,
    errors: NO_ERRORS,
    toJS: () => value,
    offsetOf: (path) => offsetInTree(start, tree, path),
    positionTable: (itemPath, object, lines) => positionTableOf(start, tree, itemPath, object, lines),
  };
}

/** The subtree at `index` of `tree` for a path segment, as a search of `yaml`'s node tree finds it. */
function childIndex(tree: PositionTree, segment: PathSegment): number {
  if (isMapTree(tree)) return keyIndex(tree, String(segment));
  return typeof segment === 'number' && Number.isInteger(segment) && segment >= 0 && segment < tree.at.length ? segment : -1;
}

/** The index of the first key named `name`, or -1 (large maps look it up in a map built once). */
function keyIndex(tree: MapTree, name: string): number {
  if (tree.keys.length <= SMALL_MAP) return tree.keys.indexOf(name);
  if (!tree.byName) {
    tree.byName = new Map();
    tree.keys.forEach((key, i) => {
      if (!tree.byName!.has(key)) tree.byName!.set(key, i);
    });
  }
  return tree.byName.get(name) ?? -1;
}

/** Positions of own keys of large objects, for table lookups (small ones are searched). */
const ownKeyIndexes = new WeakMap<object, Map<string, number>>();

function ownKeyIndex(object: object, key: string): number {
  const known = ownKeyIndexes.get(object);
  if (known) return known.get(key) ?? -1;
  const keys = Object.keys(object);
  if (keys.length <= SMALL_MAP) return keys.indexOf(key);
  const index = new Map(keys.map((name, i) => [name, i]));
  ownKeyIndexes.set(object, index);
  return index.get(key) ?? -1;
}

function offsetInTree(start: number, root: PositionTree | undefined, path: readonly PathSegment[]): number {
  let tree = root;
  let offset = start;
  for (const segment of path) {
    if (!tree) break;
    const index = childIndex(tree, segment);
    if (index < 0) break;
    offset = tree.at[index]!;
    tree = tree.kids[index];
  }
  return offset;
}

// Position tables: the positions `offsetOf` would give for every path of a resource, kept compact
// for resources retained after their file's parse is released.
//
// One slot per node of the resource's value (the resource itself, then every map entry and sequence
// item), two int32 each: the position of the node's key (map entry) or item (sequence item), packed
// as `line << 10 | column`, and the slot of its first child (-1 for a leaf). The children of a node
// are contiguous, in the order of the resource object's own keys (`Object.keys`) or items, so a path
// is resolved by walking the object beside the table. A table is only built when every key and item
// of the object is in the position tree (same sequence lengths): for the parsed object itself a
// lookup gives exactly what `offsetOf` gives; for a projection of it (the inventory's compact copy,
// which drops fields) a path into a dropped field gives its nearest kept ancestor.

const COLUMN_BITS = 10;
const MAX_COLUMN = (1 << COLUMN_BITS) - 1;
const MAX_LINE = (1 << (31 - COLUMN_BITS)) - 1;

function positionTableOf(
  start: number,
  root: PositionTree | undefined,
  itemPath: readonly PathSegment[],
  object: unknown,
  lines: LineCounter,
): Int32Array | undefined {
  let tree = root;
  let offset = start;
  for (const segment of itemPath) {
    const index = tree ? childIndex(tree, segment) : -1;
    if (index < 0) return undefined;
    offset = tree!.at[index]!;
    tree = tree!.kids[index];
  }
  const slots: number[] = [0, -1];
  const place = (slot: number, at: number): boolean => {
    const pos = lines.linePos(at);
    if (pos.line > MAX_LINE || pos.col > MAX_COLUMN || pos.line < 0 || pos.col < 0) return false;
    slots[2 * slot] = (pos.line << COLUMN_BITS) | pos.col;
    return true;
  };
  const fill = (slot: number, node: PositionTree | undefined, value: unknown): boolean => {
    if (!node) return true; // a leaf of the tree: a lookup stops there, in the tree and in the table
    let keys: string[] | undefined;
    if (isMapTree(node)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
      keys = Object.keys(value);
      if (keys.length > node.keys.length) return false;
    } else if (!Array.isArray(value) || value.length !== node.at.length) {
      return false;
    }
    const count = keys ? keys.length : node.at.length;
    if (count === 0) return true;
    const first = slots.length / 2;
    slots[2 * slot + 1] = first;
    for (let i = 0; i < count; i++) slots.push(0, -1);
    for (let i = 0; i < count; i++) {
      const key = keys?.[i];
      const index = key === undefined || (node as MapTree).keys[i] === key ? i : keyIndex(node as MapTree, key);
      if (index < 0 || key === '__proto__') return false;
      const child = key === undefined ? (value as unknown[])[i] : (value as Record<string, unknown>)[key];
      if (!place(first + i, node.at[index]!) || !fill(first + i, node.kids[index], child)) return false;
    }
    return true;
  };
  if (!place(0, offset) || !fill(0, tree, object)) return undefined;
  return Int32Array.from(slots);
}

/** The position of `path` in a resource with a position table, as `offsetOf` would give it. */
export function positionInTable(table: Int32Array, object: unknown, path: readonly PathSegment[]): { line: number; column: number } {
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
      child = ownKeyIndex(node, key);
      if (child < 0) break;
      node = (node as Record<string, unknown>)[key];
    }
    slot = first + child;
  }
  const packed = table[2 * slot]!;
  return { line: packed >>> COLUMN_BITS, column: packed & MAX_COLUMN };
}
