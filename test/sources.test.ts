/** Sources: files, directories, documents, Lists, provenance and field positions. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './support/paths.js';
import { tempTree } from './support/scan-output.js';
import { expandPaths, parseSize, readBounded, readStdin } from '../src/sources/files.js';
import { parseManifestText } from '../src/sources/yaml-documents.js';
import { locate } from '../src/sources/locate.js';
import { REDACTED } from '../src/resources/redact.js';
import { Readable } from 'node:stream';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');

function parseFixture(name: string) {
  const file = join(fixtures, name);
  const parsed = parseManifestText(readFileSync(file, 'utf8'), { source: 'file', file });
  return { file, ...parsed };
}

/** 1-based line and column of the first occurrence of `needle` in a fixture. */
function positionOf(name: string, needle: string): { line: number; column: number } {
  const lines = readFileSync(join(fixtures, name), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const column = lines[i]!.indexOf(needle);
    if (column >= 0) return { line: i + 1, column: column + 1 };
  }
  throw new Error(`${needle} not in ${name}`);
}

describe('yaml documents', () => {
  it('gives each document of a multi-document file its own resource and line', () => {
    const { file, resources, errors, skipped, release } = parseFixture('privileged.yaml');
    release();
    assert.deepEqual(errors, []);
    assert.equal(skipped, 0);
    assert.deepEqual(resources.map((r) => [r.kind, r.namespace, r.name, r.provenance.line, r.provenance.column, r.provenance.documentIndex]), [
      ['Namespace', undefined, 'shop', 2, 1, 0],
      ['Pod', 'shop', 'web', 7, 1, 1],
    ]);
    assert.ok(resources.every((r) => r.provenance.file === file && r.provenance.source === 'file'));
  });

  it('reads JSON files, and gives kind: List items their own line numbers', () => {
    const { resources, errors, release } = parseFixture('list.json');
    release();
    assert.deepEqual(errors, []);
    assert.deepEqual(resources.map((r) => r.name), ['first', 'second']);
    // Each item starts at its own opening brace (lines 5 and 11 of the fixture).
    assert.deepEqual(resources.map((r) => [r.provenance.line, r.provenance.column]), [[5, 5], [11, 5]]);
    assert.deepEqual(resources.map((r) => r.provenance.itemPath), [['items', 0], ['items', 1]]);
  });

  it('skips and counts documents that are not Kubernetes objects', () => {
    const { resources, skipped, errors, release } = parseFixture('mixed.yaml');
    release();
    assert.deepEqual(errors, []);
    assert.equal(skipped, 3, 'a plain map, an empty document and a bare list');
    assert.deepEqual(resources.map((r) => `${r.kind}/${r.name}`), ['ConfigMap/settings', 'Pod/mixed']);
  });

  it('redacts Secret values at the source and keeps the keys', () => {
    const { resources, release } = parseFixture('secrets.yaml');
    release();
    const secret = resources.find((r) => r.kind === 'Secret')!;
    assert.deepEqual(secret.object.data, { password: REDACTED });
    assert.deepEqual(secret.object.stringData, { 'api-token': REDACTED });
    assert.ok(!JSON.stringify(secret.object).includes('plain-string-data-Zx81Qw'));
    assert.ok(!JSON.stringify(secret.object).includes('c3VwZXItc2VjcmV0LWJhc2U2NC12YWx1ZQ=='));
  });

  it('names resources with only generateName, and drops an empty namespace', () => {
    const parsed = parseManifestText('apiVersion: batch/v1\nkind: Job\nmetadata: { generateName: migrate-, namespace: "" }\n', { source: 'stdin', file: '-' });
    parsed.release();
    assert.equal(parsed.resources[0]!.name, 'migrate-*');
    assert.equal(parsed.resources[0]!.namespace, undefined);
  });
});

describe('field positions', () => {
  it('locates a field of a document by its path', () => {
    const { file, resources } = parseFixture('privileged.yaml');
    const pod = resources[1]!;
    assert.deepEqual(locate(pod.provenance, 'spec.containers[0].securityContext.privileged'), { file, ...positionOf('privileged.yaml', 'privileged: true') });
    assert.deepEqual(locate(pod.provenance, 'spec.containers[0].image'), { file, ...positionOf('privileged.yaml', 'image:') });
    assert.deepEqual(locate(pod.provenance, 'spec.containers[0]'), { file, ...positionOf('privileged.yaml', 'name: app') });
  });

  it('falls back to the deepest existing node, then to the document start', () => {
    const { file, resources } = parseFixture('privileged.yaml');
    const pod = resources[1]!;
    assert.deepEqual(locate(pod.provenance, 'spec.containers[0].securityContext.runAsNonRoot'), { file, ...positionOf('privileged.yaml', 'securityContext:') });
    assert.deepEqual(locate(pod.provenance, 'nothing.here'), { file, line: 7, column: 1 });
  });

  it('locates fields inside List items and JSON', () => {
    const { file, resources } = parseFixture('list.json');
    assert.deepEqual(locate(resources[1]!.provenance, 'spec.containers[0].securityContext.privileged'), { file, ...positionOf('list.json', '"privileged"') });
  });

  it('locates fields again after the parse tree was released (re-reads the file)', () => {
    const { file, resources, release } = parseFixture('mixed.yaml');
    release();
    const pod = resources.find((r) => r.kind === 'Pod')!;
    assert.deepEqual(locate(pod.provenance, 'spec.containers[0].image'), { file, ...positionOf('mixed.yaml', 'image:') });
  });
});

describe('files', () => {
  const dir = tempTree({
    'b.yaml': 'x: 1\n', 'a.yml': 'x: 1\n', 'c.json': '{}', 'notes.txt': 'no', '.hidden.yaml': 'x: 1\n',
    'sub/d.YAML': 'x: 1\n', 'node_modules/e.yaml': 'x: 1\n', 'bom.yaml': '\uFEFFapiVersion: v1\nkind: Namespace\nmetadata: { name: bom }\n',
  });

  it('expands directories recursively, sorted, manifests only, skipping hidden files and node_modules', () => {
    const { units, errors } = expandPaths([dir, '-', join(dir, 'missing.yaml'), join(dir, 'notes.txt')]);
    assert.deepEqual(units.map((u) => (u.source === 'stdin' ? '-' : u.file.slice(dir.length + 1))), ['a.yml', 'b.yaml', 'bom.yaml', 'c.json', 'sub/d.YAML', '-', 'notes.txt']);
    assert.deepEqual(errors, [{ file: join(dir, 'missing.yaml'), message: 'no such file or directory' }]);
  });

  it('reads a file, dropping a byte-order mark', () => {
    const read = readBounded(join(dir, 'bom.yaml'), 1024);
    assert.ok('text' in read);
    assert.match(read.text, /^apiVersion/);
  });

  it('refuses a file over the limit', () => {
    const read = readBounded(join(dir, 'bom.yaml'), 10);
    assert.ok('error' in read);
    assert.match(read.error.message, /over the 10-byte limit/);
  });

  it('reads standard input up to the limit', async () => {
    const ok = await readStdin(100, Readable.from([Buffer.from('a: 1\n'), Buffer.from('b: 2\n')]));
    assert.deepEqual(ok, { text: 'a: 1\nb: 2\n' });
    const over = await readStdin(8, Readable.from([Buffer.from('a: 1\n'), Buffer.from('b: 2\n')]));
    assert.ok('error' in over && over.error.file === '-');
  });

  it('parses sizes', () => {
    assert.equal(parseSize('20MiB'), 20 * 1024 * 1024);
    assert.equal(parseSize('512k'), 512 * 1024);
    assert.equal(parseSize('1048576'), 1048576);
    assert.equal(parseSize('1.5 GB'), 1.5 * 1024 ** 3);
    assert.equal(parseSize('lots'), undefined);
  });
});

describe('YAML 1.1 tags and collection keys', () => {
  const origin = { source: 'file' as const, file: 'tags.yaml' };

  it('gives tagged values the JSON form kubectl would send: base64 bytes, sets as maps, omaps as lists, timestamps as text', () => {
    const bytes = Buffer.alloc(300_000, 7);
    const text = [
      'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c, labels: !!set {a, b}}', 'data:',
      `  blob: !!binary ${bytes.toString('base64')}`, '  when: !!timestamp 2001-12-14t21:59:43.10-05:00', '  order: !!omap [{x: 1}, {y: [!!binary aGk=]}]', '',
    ].join('\n');
    const parsed = parseManifestText(text, origin);
    assert.deepEqual(parsed.errors, []);
    const object = parsed.resources[0]!.object as Record<string, Record<string, unknown>>;
    assert.deepEqual(object.metadata!.labels, { a: null, b: null });
    assert.equal(object.data!.blob, bytes.toString('base64'));
    assert.equal(object.data!.when, '2001-12-15T02:59:43.100Z');
    assert.deepEqual(object.data!.order, [{ x: 1 }, { y: ['aGk='] }]);
    parsed.release();
    const proto = parseManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  __proto__: !!set {x}\n', origin);
    const data = (proto.resources[0]!.object as { data: object }).data;
    assert.deepEqual(Object.entries(data), [['__proto__', { x: null }]]);
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    proto.release();
  });

  it('a map key that is a collection becomes its text without a warning on stderr', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const parsed = parseManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {[a, b]: c}\n', origin);
      assert.deepEqual(parsed.errors, []);
      assert.deepEqual(Object.keys((parsed.resources[0]!.object as { data: object }).data), ['[ a, b ]']);
      parsed.release();
      await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on a later tick
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings.map((w) => w.message), []);
  });
});
