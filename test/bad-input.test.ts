/** Hostile and broken inputs: refused with a clear error, quickly, while the rest of the input is scanned. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './support/paths.js';
import { configKeeping, runCli, scanInProcess, tempTree } from './support/scan-output.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');
const PRIVILEGED = 'workload.privileged-container';
const privileged = join(fixtures, 'privileged.yaml');

interface JsonReport {
  summary: { files: number; resources: number; findings: number; skippedDocuments: number };
  findings: Array<{ resource: { name: string } }>;
  errors: Array<{ file: string; line?: number; column?: number; message: string }>;
}

/** Each level holds nine references to the level below: 9^levels leaves once expanded. */
function aliasBomb(levels: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: { name: bomb, namespace: shop }', 'data:', '  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= levels; i += 1) lines.push(`  l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}

function deepBlockMap(depth: number): string {
  const keys = Array.from({ length: depth }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: deep }\ndata:\n${keys.join('\n')}\n${'  '.repeat(depth + 1)}leaf\n`;
}

/** A sparse file of `size` bytes: reading it whole would take far longer than any bound below. */
function sparseFile(path: string, size: number): string {
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
  return path;
}

// No wall-clock limits here (timings belong in bench/): each refusal is asserted by what shows the
// work was not done (the guard's message, a size taken from the file system).
async function scanJson(paths: string[], flags: Record<string, string> = {}): Promise<{ code: number; report: JsonReport }> {
  const { code, text } = await scanInProcess(paths, { output: 'json', config: configKeeping(tempTree(), [PRIVILEGED]), ...flags });
  return { code, report: JSON.parse(text) as JsonReport };
}

describe('bad input', () => {
  const dir = tempTree({
    'bomb.yaml': aliasBomb(12),
    'binary.yaml': Buffer.from([0x61, 0x70, 0x69, 0x3a, 0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x10, 0x11]),
    'deep-flow.yaml': `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
    'deep-map.yaml': deepBlockMap(300),
    'dup.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: dup }\nmetadata: { name: again }\n',
    'empty.yaml': '',
    'small-limit.yaml': `${'# padding\n'.repeat(300)}apiVersion: v1\nkind: Namespace\nmetadata: { name: big }\n`,
  });
  const huge = sparseFile(join(dir, 'huge.yaml'), 8 * 1024 ** 3);

  it('invalid YAML: an error with file, line, column and the parser message; the other documents and files are scanned', async () => {
    const invalid = join(fixtures, 'invalid.yaml');
    const { code, report } = await scanJson([invalid, privileged]);
    assert.equal(code, 2);
    assert.deepEqual(report.errors[0], { file: invalid, line: 13, column: 9, message: 'Nested mappings are not allowed in compact mappings' });
    assert.ok(report.errors.every((e) => e.file === invalid && typeof e.line === 'number' && e.message.length > 0));
    assert.ok(report.errors.every((e) => !e.message.includes('\n')), 'one-line messages, no source excerpt');
    assert.deepEqual(report.findings.map((f) => f.resource.name), ['before', 'after', 'web']);
    assert.equal(report.summary.files, 2);
  });

  it('a YAML alias bomb is refused fast, without expanding it', async () => {
    const bomb = join(dir, 'bomb.yaml');
    const { code, report } = await scanJson([bomb, privileged]);
    assert.equal(code, 2);
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0]!.file, bomb);
    assert.match(report.errors[0]!.message, /too many alias expansions \(possible YAML bomb\); refused/);
    assert.equal(report.summary.findings, 1, 'the other file is scanned');
  });

  it('a binary file is refused', async () => {
    const { code, report } = await scanJson([join(dir, 'binary.yaml'), privileged]);
    assert.equal(code, 2);
    assert.deepEqual(report.errors, [{ file: join(dir, 'binary.yaml'), message: 'binary file, not YAML or JSON; refused' }]);
    assert.equal(report.summary.resources, 2);
  });

  it('a file over --max-file-size is refused without being read', async () => {
    const { code, report } = await scanJson([huge, privileged]);
    assert.equal(code, 2);
    assert.deepEqual(report.errors, [{ file: huge, message: `file is ${8 * 1024 ** 3} bytes, over the ${20 * 1024 * 1024}-byte limit (--max-file-size); refused` }]);
    assert.equal(report.summary.resources, 2);

    const limited = await scanJson([join(dir, 'small-limit.yaml')], { maxFileSize: '1KiB' });
    assert.equal(limited.code, 2);
    assert.match(limited.report.errors[0]!.message, /over the 1024-byte limit \(--max-file-size\); refused/);
  });

  it('standard input over --max-file-size is refused', () => {
    const run = runCli(['scan', '-', '--max-file-size', '1KiB', '-o', 'json'], { input: `${'# padding\n'.repeat(1000)}apiVersion: v1\nkind: Namespace\nmetadata: { name: x }\n` });
    assert.equal(run.code, 2, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.equal(report.errors[0]!.file, '-');
    assert.match(report.errors[0]!.message, /over the 1024-byte limit/);
  });

  it('deeply nested documents are refused, both past the parser and past the depth limit', async () => {
    const { code, report } = await scanJson([join(dir, 'deep-flow.yaml'), join(dir, 'deep-map.yaml'), privileged]);
    assert.equal(code, 2);
    const flow = report.errors.filter((e) => e.file === join(dir, 'deep-flow.yaml'));
    assert.ok(flow.length > 0);
    assert.ok(flow.every((e) => /nested too deeply to parse; refused/.test(e.message)), JSON.stringify(flow));
    const map = report.errors.filter((e) => e.file === join(dir, 'deep-map.yaml'));
    assert.deepEqual(map, [{ file: join(dir, 'deep-map.yaml'), line: 1, column: 1, message: 'document nested deeper than 128 levels; refused' }]);
    assert.equal(report.summary.findings, 1, 'the other file is scanned');
  });

  it('duplicate keys are an input error; an empty file is not', async () => {
    const { code, report } = await scanJson([join(dir, 'dup.yaml'), join(dir, 'empty.yaml')]);
    assert.equal(code, 2);
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0]!.line, 4);
    assert.match(report.errors[0]!.message, /unique/);
    assert.equal(report.summary.files, 2);
  });

  it('a directory mixing good and bad files reports every bad one and scans the rest', async () => {
    const { code, report } = await scanJson([dir]);
    assert.equal(code, 2);
    const files = new Set(report.errors.map((e) => e.file.slice(dir.length + 1)));
    for (const bad of ['bomb.yaml', 'binary.yaml', 'deep-flow.yaml', 'deep-map.yaml', 'dup.yaml', 'huge.yaml']) assert.ok(files.has(bad), `${bad} reported`);
    assert.ok(report.summary.resources >= 1, 'small-limit.yaml (under the default limit) is scanned');
  });
});
