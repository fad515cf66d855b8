/**
 * The fast YAML path (src/sources/yaml-fast.ts) against `yaml`'s parseAllDocuments, the reference:
 * whenever the fast path takes a text, its values (key order included), document starts, the
 * offset of every path and every position table are exactly `yaml`'s. Checked on a generated
 * corpus, the bundled examples, every YAML file of the shared conformance data (upstream Pod
 * Security fixtures, Trivy examples, default RBAC, …), hand-written edge cases and mutated texts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { generateCorpus } from '../bench/corpus.js';
import { expandPaths } from '../src/sources/files.js';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { parseFast, parseFull, positionInTable, type SourceDocuments } from '../src/sources/yaml-parse.js';
import { conformanceDir, projectRoot } from './support/paths.js';

/** Keys in the same order, values deeply equal. */
function sameData(a: unknown, b: unknown): boolean {
  if (!isDeepStrictEqual(a, b)) return false;
  if (a === null || typeof a !== 'object') return true;
  const ka = Object.keys(a);
  return ka.join('\0') === Object.keys(b as object).join('\0') && ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function allPaths(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => allPaths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) allPaths(v, [...prefix, k], out);
  return out;
}

/** When the fast path takes a text, it must agree with parseAllDocuments on values, starts and every position. */
function assertSameAsYaml(text: string, name: string): boolean {
  const fast = parseFast(text);
  if (!fast) return false;
  const full = parseFull(text);
  assert.equal(fast.docs.length, full.docs.length, `${name}: document count`);
  fast.docs.forEach((doc, i) => {
    const expected = full.docs[i]!;
    assert.deepEqual(expected.errors.map((e) => e.message), [], `${name}#${i}: the fast path took a document with errors`);
    assert.equal(doc.start, expected.start, `${name}#${i}: start`);
    const value = expected.toJS(100);
    assert.ok(sameData(doc.toJS(100), value), `${name}#${i}: value`);
    for (const path of [...allPaths(value), ['missing'], ['spec', 'missing', 0], [99]]) {
      assert.equal(doc.offsetOf(path), expected.offsetOf(path), `${name}#${i}: offset of ${path.join('.')}`);
    }
    assertTablesAgree(doc, full, fast.lines, i, name);
  });
  return true;
}

/**
 * The position table of a document (and of each `items` entry, as for a `kind: List`), where it
 * has one, gives for every path the position that the full parser's offsets give.
 */
function assertTablesAgree(doc: SourceDocuments['docs'][number], full: SourceDocuments, lines: SourceDocuments['lines'], i: number, name: string): void {
  const value = doc.toJS(100);
  const roots: Array<Array<string | number>> = [[]];
  const items = value !== null && typeof value === 'object' ? (value as Record<string, unknown>).items : undefined;
  if (Array.isArray(items)) items.forEach((_, k) => roots.push(['items', k]));
  for (const itemPath of roots) {
    const object = itemPath.reduce<unknown>((node, segment) => (node as Record<string | number, unknown>)[segment], value);
    const table = doc.positionTable?.(itemPath, object, lines);
    if (!table) continue;
    for (const path of [...allPaths(object), ['missing'], ['spec', 'missing', 0], [99], ['metadata', 'name', 'x'], ['spec', 'containers', 0, 'ports', 7]]) {
      const offset = full.docs[i]!.offsetOf([...itemPath, ...path]);
      const pos = full.lines.linePos(offset!);
      assert.deepEqual(positionInTable(table, object, path), { line: pos.line, column: pos.col }, `${name}#${i}: table position of ${[...itemPath, ...path].join('.')}`);
    }
  }
}

/** Mutated texts per run; raise it for a deeper search (`ANNEXA_FUZZ_ROUNDS=100000 node --test dist/test/yaml-fast.test.js`). */
const ROUNDS = Number(process.env.ANNEXA_FUZZ_ROUNDS ?? 6000);

describe('fast YAML path', () => {
  it('agrees with parseAllDocuments on a generated corpus', () => {
    const dir = mkdtempSync(join(tmpdir(), 'annexa-fastyaml-'));
    try {
      generateCorpus(dir, 400, 3);
      const units = expandPaths([dir]).units;
      const fast = units.filter((unit) => assertSameAsYaml(readFileSync(unit.file, 'utf8'), unit.file)).length;
      assert.equal(fast, units.length, 'plain manifests take the fast path');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('agrees with parseAllDocuments on the examples and every conformance YAML file', () => {
    const units = expandPaths([join(projectRoot, 'examples'), join(projectRoot, 'test', 'fixtures'), conformanceDir]).units;
    let taken = 0;
    for (const unit of units) if (assertSameAsYaml(readFileSync(unit.file, 'utf8'), unit.file)) taken += 1;
    // Most of them are plain block-style manifests (the JSON ones and flow collections fall back).
    assert.ok(units.length > 4000 && taken > units.length * 0.8, `the fast path took ${taken} of ${units.length} files`);
  });

  const fast: Record<string, string> = {
    scalars: 'a: 0o17\nb: 012\nc: +12\nd: 1.50\ne: .5\nf: -.inf\ng: .NaN\nh: 1e3\ni: 0x1f\nj: Yes\nk: ~\nl: NULL\nm: True\nn: "007"\no: \'x\'\'y\'\np:\n',
    'block scalars': 'a: |\n  text\n  more\nb: >-\n  folded\n  text\nc: |-\n  stripped\n\n',
    'literal block scalar lines': 'a: |\n\n  first\n\n\n  after two empty\n    more indented\n     \n  spaces-only line above\n\n\nb: 1\n',
    'literal with a comment-like line': 'a: |\n  # not a comment\n  x: y\n  - z\n# a comment\nb: 1\n',
    'folded paragraphs': 'a: >\n  one\n  two\n\n  three\n\n\n  four\nb: >-\n\n  leading\n  line\n',
    'block scalars in sequences': 'a:\n- |\n  one\n- >-\n  two\n  three\n-   |\n    four\n- k: |\n    five\n  l: 2\n',
    'block scalar header comment': 'a: | # why\n  text\nb: >- # why not\n  text\n',
    'double-quoted escapes': 'a: "tab\\there\\nnew \\"q\\" \\\\ \\/ \\x41\\u00e9\\U0001F600 \\0 \\e \\N\\_\\L\\P\\ x"\nb: "plain"\n\'c\': \'it\'\'s\'\n"d": "\'\'"\n',
    'dashes and colons in plain scalars': 'args:\n- --flag=1\n- -v\n- -1\n- a:b\n- http://x:8080/y\n- :colon\n- ?query\nkey: -x\nurl: x:y:z\n',
    'indented root and comments': '# c\n\n  a: 1 # c\n  b:\n  # c\n    c: 2\n',
    'compact sequences': 'a:\n- 1\n- b:\n  - 2\n  - 3\n  c: 4\nd: 5\n',
    'json document': '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n    {"kind": "Pod", "n": -1.5e3, "ok": true, "none": null, "esc": "a\\"b\\u00e9\\n"}\n  ]\n}\n',
    'many keys': Array.from({ length: 100 }, (_, i) => `k${i}: ${i}\n`).join(''),
    'quoted keys': '"a b": 1\n\'c: d\': 2\n"": 3\n',
    'scalar document': 'just a string\n',
    'flow collections': 'args: ["--a", \'-b\', c d]\nres: {cpu: 100m, memory: 1Gi}\nnested: [[1, 2], {a: [x, {}]}, []]\nspaced: [ a ,b ]\njson: {"k":1, "l": "v", \'m\':true}\nitems:\n- {name: x, value: "1"}\n- [1, 2.5, ~, null, true]\n',
    'unicode': 'name: café ☕ 😀\n"ключ": значение\n',
    'empty flow collections': 'a: {}\nb: []\nc: { }\nd: [ ]\n',
    comments: '# head\nkey:    value   # c\n#c\nk2: v\nlist:\n  # before\n  - a # after\n  - b\n# tail\n',
    'nested sequences': '- - a\n  - b\n- c\n-   a: 1\n    b: 2\n',
    'object keys': 'toString: 1\n__proto__: 2\nconstructor: 3\n1: one\n"1": string-one\ntrue: yes\n',
    'integer-like keys': 'b: 1\n10: ten\n2: two\na:\n  - x\n  - 3: three\n    1: one\n',
    'list items': 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: a\n  # between\n  - apiVersion: v1\n    kind: Pod\n    spec: {}\n',
    documents: '---\na: 1\n---\nb: 2\n',
  };
  for (const [name, text] of Object.entries(fast)) {
    it(`${name}: takes the fast path and agrees`, () => {
      assert.ok(assertSameAsYaml(text, name), 'fell back');
    });
  }

  // Outside the fast subset: these must fall back, or agree.
  const unusual: Record<string, string> = {
    'document end markers': '---\na: 1\n...\n',
    anchors: 'a: &x 1\nb: *x\n',
    tags: 'a: !!str 1\n',
    'flow maps': 'a: {x: 1}\n',
    'bad indent': 'a:\n  b: 1\n c: 2\n',
    'duplicate keys': 'a: 1\na: 2\n',
    tabs: 'a:\n\t- b\n',
    'compact nested map': 'a: b: c\n',
    'empty documents': '---\n---\n',
    directives: '%YAML 1.2\n---\na: 1\n',
    'merge keys': 'base: &b {x: 1}\nm:\n  <<: *b\n',
    'comment without space': 'a: 1#c\nb: 2 #c\n',
    'keep chomping': 'c: |+\n  kept\n\n',
    'multi-line plain and quoted': 'x: "multi\n  line"\ny: plain\n  continued\n',
    'explicit indentation': 'a: |2\n   text\n',
    'folded more-indented': 'a: >\n  one\n    two\n  three\n',
    'block scalar at the end without newline': 'a: |\n  text',
    'empty block scalar': 'a: |\nb: 1\n',
    'leading empty line too indented': 'a: |\n      \n  text\n',
    'block scalar less indented line': 'a:\n  b: |\n      text\n    more\n',
    'empty sequence item': 'a:\n-\n- b\n',
    'flow sequence': 'a: [1, "two", {x: y}]\n',
    'flow implicit pair': 'a: [b: c]\n',
    'flow trailing comma': 'a: [b, ]\nc: {d: 1,}\n',
    'flow over lines': 'a: [b,\n  c]\n',
    'flow plain with colon': 'a: {url: http://x}\nb: [x:y]\nc: {d:e}\n',
    'flow comment inside': 'a: [b, # c\n  d]\n',
    'flow duplicate keys': 'a: {b: 1, b: 2}\n',
    'flow dash item': 'a: [-b, - c]\n',
    'flow json at the root': '{"apiVersion": "v1", "kind": "Pod"}\n',
    'flow marker inside a collection': '[\n--- \n]\n',
    'flow comment at a line start after a plain scalar': '{\n   kind: v1 \n# - x\n }',
    'scalar item below a dash and a comment line': '- a\n-\n  #c\n    b\n- c\n',
    'scalar value below its key and a comment line': 'a:\n  # c\n   b\nc: 1\n',
    'flow multi-line at the root with comments': '{ # c\n  "a": [1,\n -2, -x],\n# c\n  b: {c: d}\n}\n---\n[]\n',
    'flow multi-line scalar': '{"a": "b\n  c"}\n',
    'crlf': 'a: 1\r\nb: 2\r\n',
    'bom': '\ufeffa: 1\n',
    'only comments': '# nothing\n',
    'empty text': '',
    'markers in content': '---x: 1\n...: 2\n',
    'trailing document marker': 'a: 1\n---\n',
    'document marker with value': '--- a\n',
    'space before colon': 'a : 1\n',
    'quoted key space before colon': '"a" : 1\n',
    'plain value with colon space': 'a: b: c\nd: e:\n',
    'control characters': 'a: \u0007\n',
    'line separator': 'a: x\u2028y\n',
    'numeric and boolean key collisions': '1: a\n"1": b\n1: c\n',
    'boolean key vs string key': 'true: a\n"true": b\n',
    'null key': '~: a\n',
    'deep nesting': Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k:\n`).join('') + `${' '.repeat(300)}v\n`,
  };
  for (const [name, text] of Object.entries(unusual)) {
    it(`${name}: falls back or agrees`, () => {
      assertSameAsYaml(text, name);
    });
  }

  it('falls back on anything unusual and agrees whenever it does not (mutation fuzz)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'annexa-fuzz-'));
    try {
      generateCorpus(dir, 120, 11);
      const texts = expandPaths([dir]).units.map((unit) => readFileSync(unit.file, 'utf8'));
      // …and the same manifests as JSON documents (as `kubectl get -o json` writes them).
      for (const text of texts.slice(0, 40)) {
        const doc = parseFull(text).docs[0]!.toJS(100);
        texts.push(`${JSON.stringify(doc, null, 2)}\n`, JSON.stringify(doc));
      }
      const pieces = [
        ':', ' ', '-', '\t', '#', '"', "'", '\n', '  ', '- ', ': ', '{', '}', '[', ']', ',', '&a ', '*a', '!!str ', '|', '>',
        '---\n', '...\n', '%YAML 1.2\n', '? ', '<<: ', '~', '0x1F', '.inf', '"\\x', "''", '@', '`',
        '|-\n', '>-\n', ': |\n', '\n\n', '\n   \n', '\\', '"\\u00e9"', '--', ' #', '-1', '\n- ', '\n  - ', '\n---\n',
      ];
      let seed = Number(process.env.ANNEXA_FUZZ_SEED ?? 12345);
      const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      let taken = 0;
      for (let n = 0; n < ROUNDS; n++) {
        let text = texts[Math.floor(random() * texts.length)]!;
        for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
          const at = Math.floor(random() * text.length);
          const piece = pieces[Math.floor(random() * pieces.length)]!;
          const r = random();
          text = r < 0.4 ? text.slice(0, at) + piece + text.slice(at) : r < 0.7 ? text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3)) : text.slice(0, at) + piece + text.slice(at + 1);
        }
        if (assertSameAsYaml(text, `mutation ${n}`)) taken += 1;
      }
      assert.ok(taken > 1000, `the fast path took ${taken} mutated texts`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Errors as compared with `parseAllDocuments`: all of them, in any order (a document with duplicate
 * keys lists its errors in source order), and a duplicate key error at the key itself, where `yaml`
 * places it at the end of what precedes the key (after an empty value, the end of the previous line).
 */
function comparableErrors(errors: Document.Parsed['errors']): string[] {
  return errors.map((e) => JSON.stringify(e.code === 'DUPLICATE_KEY' ? [e.code] : [e.code, e.pos, e.linePos, e.message])).sort();
}

/** The errors `parseAllDocuments` gives with its own (quadratic) duplicate key check, per document. */
function referenceErrors(text: string): string[][] {
  const parsed = parseAllDocuments(text, { lineCounter: new LineCounter() }) as Document.Parsed[] | Document.Parsed;
  return (Array.isArray(parsed) ? parsed : [parsed]).map((doc) => comparableErrors(doc.errors));
}

/** A duplicate key error names the line and column of its offset. */
function assertPointsAtKey(lines: LineCounter, error: Document.Parsed['errors'][number]): void {
  const { line, col } = error.linePos![0];
  assert.match(error.message, new RegExp(`^Map keys must be unique at line ${line}, column ${col}`));
  assert.deepEqual(lines.linePos(error.pos[0]), { line, col });
}

describe('full YAML path: duplicate keys', () => {
  it('reports duplicate keys as yaml does, pointing at the repeated key, with the same other errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'annexa-dupkeys-'));
    try {
      generateCorpus(dir, 40, 5);
      const texts = expandPaths([dir]).units.map((unit) => readFileSync(unit.file, 'utf8'));
      texts.push(
        'a: 1\r\nb: 2\r\na: 3\r\n',
        '{a: 1, b: 2, a: 3}\n',
        '&x a: 1\n!!str a: 2\n? a\n: 3\n',
        ': 1\n: 2\n',
        '1: a\n"1": b\n1: c\n.nan: x\n.nan: y\n',
        `m:\n${Array.from({ length: 40 }, (_, i) => `  k${i % 30}: v\n`).join('')}`,
        `- {${'x'.repeat(120)}: 1, ${'x'.repeat(120)}: 2}\n`,
        'a:\n  b: 1\n  b: [1, {c: 1, c: 2}]\n---\nd: 1\nd: 2\n',
      );
      let seed = 4242;
      const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      const pieces = [':', ' ', '- ', '{', '}', '[', ']', ',', '&a ', '*a', '!!str ', '? ', '\n', '"', '\t', '\r\n'];
      let withDuplicates = 0;
      for (let n = 0; n < 1500; n++) {
        let text = texts[Math.floor(random() * texts.length)]!;
        const textLines = text.split('\n');
        for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
          const from = Math.floor(random() * textLines.length);
          textLines.splice(Math.floor(random() * textLines.length), 0, textLines[from]!);
        }
        text = textLines.join('\n');
        if (random() < 0.5) {
          const at = Math.floor(random() * text.length);
          text = text.slice(0, at) + pieces[Math.floor(random() * pieces.length)]! + text.slice(at);
        }
        const expected = referenceErrors(text);
        const { docs, lines } = parseFull(text);
        assert.deepEqual(docs.map((doc) => comparableErrors(doc.errors)), expected, JSON.stringify(text));
        for (const doc of docs) for (const error of doc.errors) if (error.code === 'DUPLICATE_KEY') assertPointsAtKey(lines, error);
        if (expected.some((errors) => errors.some((e) => e.startsWith('["DUPLICATE_KEY"')))) withDuplicates += 1;
      }
      assert.ok(withDuplicates > 250, `${withDuplicates} texts had duplicate keys`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

