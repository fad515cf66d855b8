/**
 * Review regressions for redaction: YAML parser messages quote the text they fail on, and that
 * text is a value. `password: *s3cret` is read as an alias, and the message "Unresolved alias …:
 * *s3cret" printed the password in every command and format. Input error messages now pass
 * through `safeErrorMessage` in every command before they are printed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, scanInProcess, tempTree } from './support/scan-output.js';
import { REPORT_FORMATS } from '../src/report/index.js';
import { safeErrorMessage } from '../src/resources/redact.js';

const ALIAS_SECRET = `apiVersion: v1
kind: Secret
metadata: { name: db, namespace: shop }
stringData:
  password: *AliasLeak-Pw-91
`;
const TAG_SECRET = `apiVersion: v1
kind: Secret
metadata: { name: db2, namespace: shop }
stringData:
  password: !TagLeak-Pw-92 x
`;
const VALUES = ['AliasLeak-Pw-91', 'TagLeak-Pw-92'];

function assertClean(text: string, what: string): void {
  for (const value of VALUES) assert.ok(!text.includes(value), `${what} prints "${value}"`);
}

describe('input error messages never quote a value', () => {
  const dir = tempTree({ 'annexa.yaml': '{}\n', 'alias.yaml': ALIAS_SECRET, 'tag.yaml': TAG_SECRET });
  const inputs = [join(dir, 'alias.yaml'), join(dir, 'tag.yaml')];

  it('safeErrorMessage drops quoted source text and keeps the kind of problem', () => {
    const wrapped = 'too many alias expansions (possible YAML bomb); refused: Unresolved alias (the anchor must be set before the alias): *AliasLeak-Pw-91';
    assert.match(safeErrorMessage(wrapped), /^unresolved alias/);
    assert.doesNotMatch(safeErrorMessage(wrapped), /YAML bomb|AliasLeak/);
    assert.equal(safeErrorMessage('Unresolved tag: !TagLeak-Pw-92'), 'Unresolved tag');
    assert.equal(safeErrorMessage('Could not resolve tag: !TagLeak-Pw-92'), 'Could not resolve tag');
    assert.equal(safeErrorMessage('Map keys must be unique'), 'Map keys must be unique');
    assert.equal(safeErrorMessage('excessive alias count indicates a resource exhaustion attack'), 'excessive alias count indicates a resource exhaustion attack');
  });

  for (const format of REPORT_FORMATS) {
    it(`scan -o ${format}`, async () => {
      const { code, text } = await scanInProcess(inputs, { output: format, config: join(dir, 'annexa.yaml'), failOn: 'never' });
      assert.equal(code, 2);
      assert.match(text, /unresolved alias/);
      assertClean(text, `scan -o ${format}`);
    });
  }

  const commands: string[][] = [
    ['pss', 'check', '-o', 'json'],
    ['pss', 'check'],
    ['rbac', 'who-can', 'get', 'secrets', '-A'],
    ['netpol', 'coverage', '-o', 'json'],
    ['soa', '-o', 'csv', '--config', join(dir, 'annexa.yaml')],
  ];
  for (const args of commands) {
    it(`${args.slice(0, 2).join(' ')} (stdout and stderr)`, () => {
      const run = runCli([...args, ...inputs]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr + run.stdout, /unresolved alias/);
      assertClean(run.stdout + run.stderr, args.join(' '));
    });
  }

  it('soa names each input error, not only their count', () => {
    const run = runCli(['soa', '--config', join(dir, 'annexa.yaml'), ...inputs]);
    assert.match(run.stderr, /alias\.yaml:\d+(:\d+)?: unresolved alias/);
  });
});
