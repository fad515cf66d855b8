/**
 * Worker-thread scans give exactly the single-threaded output (findings, locations, order, errors),
 * and the fast YAML path gives exactly what `yaml`'s parseAllDocuments gives.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { generateCorpus } from '../bench/corpus.js';
import { builtinChecks } from '../src/checks/index.js';
import { runScan, type ScanOutcome } from '../src/engine/scan.js';
import { ScanPool, workerScript } from '../src/engine/parallel.js';
import { DEFAULT_MAX_FILE_BYTES, expandPaths } from '../src/sources/files.js';
import { DEFAULT_PARSE_LIMITS } from '../src/sources/yaml-documents.js';
import { parseFast, parseFull, positionInTable, type SourceDocuments } from '../src/sources/yaml-parse.js';
import { DEFAULT_CONFIG } from '../src/isms/config.js';
import { jsonReporter } from '../src/report/json.js';

async function scanJson(dir: string, workers: number): Promise<{ json: string; outcome: ScanOutcome }> {
  const expanded = expandPaths([dir]);
  let json = '';
  const reporter = jsonReporter({ write: (chunk) => void (json += chunk), color: false, toolVersion: 'test' });
  const outcome = await runScan(expanded.units, { config: DEFAULT_CONFIG, checks: builtinChecks, workers }, reporter, expanded.errors);
  reporter.finish(outcome);
  return { json, outcome };
}

describe('parallel scan', { skip: workerScript() === undefined ? 'worker script not built (run from dist/)' : false }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'annexa-parallel-'));
    generateCorpus(join(dir, 'corpus'), 1300, 7);
    // Input errors in the middle of the file order: bad YAML, a binary file, a YAML bomb, a List.
    const odd = join(dir, 'corpus', 'm-odd');
    mkdirSync(odd, { recursive: true });
    writeFileSync(join(odd, 'a-broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\n spec: [\n');
    writeFileSync(join(odd, 'b-binary.yaml'), Buffer.from([0, 1, 2, 3, 0, 159, 146, 150]));
    writeFileSync(join(odd, 'c-bomb.yaml'), `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`);
    writeFileSync(join(odd, 'd-list.yaml'), [
      'apiVersion: v1', 'kind: List', 'items:',
      '  - apiVersion: v1', '    kind: Pod', '    metadata: { name: listed, namespace: odd }',
      '    spec:', '      containers:', '        - name: app', '          image: nginx', '          securityContext: { privileged: true }', '',
    ].join('\n'));
    writeFileSync(join(odd, 'e-anchors.yaml'), 'x: &labels\n  app: web\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: anchored\n  labels: *labels\nspec:\n  hostNetwork: true\n  containers:\n    - name: app\n      image: nginx:latest\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives byte-identical JSON with and without workers, input errors included', async () => {
    const files = expandPaths([join(dir, 'corpus')]).units.length;
    assert.ok(files > 300, `corpus has ${files} files`);
    const single = await scanJson(join(dir, 'corpus'), 0);
    const parallel = await scanJson(join(dir, 'corpus'), 2);
    const report = JSON.parse(single.json) as { findings: Array<{ location?: { line?: number } }>; errors: unknown[] };
    assert.ok(report.findings.length > 1000, 'the corpus raises findings');
    const located = report.findings.filter((f) => f.location?.line !== undefined).length;
    assert.ok(located > report.findings.length * 0.9, `${located} of ${report.findings.length} findings have a line`);
    assert.ok(report.errors.length >= 3, `input errors reported: ${JSON.stringify(report.errors)}`);
    assert.equal(parallel.json, single.json);
    assert.deepEqual(parallel.outcome.summary, single.outcome.summary);
    assert.equal(parallel.outcome.inventory.size, single.outcome.inventory.size);
  });

  it('really scans in the workers (no silent fallback to the main thread)', async () => {
    const files = expandPaths([join(dir, 'corpus')]).units.slice(0, 20).map((unit) => unit.file);
    const pool = new ScanPool(files, 2, workerScript()!, {
      config: DEFAULT_CONFIG, checkIds: builtinChecks.map((check) => check.id), maxFileBytes: DEFAULT_MAX_FILE_BYTES, limits: DEFAULT_PARSE_LIMITS,
    }, builtinChecks);
    try {
      for (const file of files) assert.ok(await pool.take(), `no worker outcome for ${file}`);
    } finally {
      await pool.close();
    }
  });

  it('streams resources to the sink in file order', async () => {
    const order = (workers: number) => {
      const seen: string[] = [];
      return runScan(expandPaths([join(dir, 'corpus')]).units, { config: DEFAULT_CONFIG, checks: builtinChecks, workers }, {
        resource: (scanned) => void seen.push(`${scanned.location?.file}:${scanned.location?.line}`),
      }).then(() => seen);
    };
    assert.deepEqual(await order(2), await order(0));
  });
});

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

  const fast: Record<string, string> = {
    scalars: 'a: 0o17\nb: 012\nc: +12\nd: 1.50\ne: .5\nf: -.inf\ng: .NaN\nh: 1e3\ni: 0x1f\nj: Yes\nk: ~\nl: NULL\nm: True\nn: "007"\no: \'x\'\'y\'\np:\n',
    'block scalars': 'a: |\n  text\n  more\nb: >-\n  folded\n  text\nc: |+\n  kept\n\n',
    'multi-line plain and quoted': 'x: "multi\n  line"\ny: plain\n  continued\n',
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
      const pieces = [':', ' ', '-', '\t', '#', '"', "'", '\n', '  ', '- ', ': ', '{', '}', '[', ']', ',', '&a ', '*a', '!!str ', '|', '>', '---\n', '...\n', '%YAML 1.2\n', '? ', '<<: ', '~', '0x1F', '.inf', '"\\x', "''", '@', '`'];
      let seed = 12345;
      const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      let taken = 0;
      for (let n = 0; n < 2000; n++) {
        let text = texts[Math.floor(random() * texts.length)]!;
        for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
          const at = Math.floor(random() * text.length);
          const piece = pieces[Math.floor(random() * pieces.length)]!;
          const r = random();
          text = r < 0.4 ? text.slice(0, at) + piece + text.slice(at) : r < 0.7 ? text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3)) : text.slice(0, at) + piece + text.slice(at + 1);
        }
        if (assertSameAsYaml(text, `mutation ${n}`)) taken += 1;
      }
      assert.ok(taken > 100, `the fast path took ${taken} mutated texts`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
