/** Review regressions for the command line: usage errors exit 2, config errors never crash. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_CONFIG, namespaceExclusionReason, parseConfigText } from '../src/isms/config.js';
import { runCli } from './support/scan-output.js';

describe('usage errors exit 2, asked-for help exits 0', () => {
  it('annexa with no command prints help on stderr and exits 2', () => {
    const run = runCli([]);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /Usage: annexa/);
  });
  it('a command group without its subcommand (annexa pss) exits 2', () => {
    assert.equal(runCli(['pss']).code, 2);
  });
  it('annexa help, annexa --help and annexa help scan exit 0', () => {
    for (const args of [['help'], ['--help'], ['help', 'scan'], ['scan', '--help']]) {
      const run = runCli(args);
      assert.equal(run.code, 0, args.join(' '));
      assert.match(run.stdout, /Usage: annexa/);
    }
  });
});

describe('annexa.yaml that does not resolve is a config error, not a crash', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['unresolved alias', 'scope:\n  name: *s3cret-Looking-Name\n', /unresolved alias/],
    ['alias bomb', 'a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n', /alias expansions/],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      assert.throws(() => parseConfigText(text, 'annexa.yaml'), (error: unknown) => {
        assert.ok(error instanceof ConfigError, `got ${String(error)}`);
        assert.match(error.message, /^annexa\.yaml: /);
        assert.match(error.message, expected);
        assert.doesNotMatch(error.message, /s3cret|\n\s+at /);
        return true;
      });
    });
  }
  it('a parse error names the line without repeating it in the message', () => {
    assert.throws(() => parseConfigText('scope: [\n', 'annexa.yaml'), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^annexa\.yaml:\d+: /);
      assert.doesNotMatch(error.message, /at line \d+, column \d+/);
      return true;
    });
  });
});

describe('--output-file that cannot be written is a usage error in every command', () => {
  const target = '/nonexistent-annexa-dir/out.txt';
  const commands = [
    ['scan', 'examples/'], ['pss', 'check', 'examples/'], ['rbac', 'who-can', 'get', 'pods', 'examples/'],
    ['netpol', 'coverage', 'examples/'], ['controls'], ['checks'], ['soa'],
  ];
  for (const args of commands) {
    it(args.slice(0, 2).join(' '), () => {
      const run = runCli([...args, '--output-file', target]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^annexa: --output-file: cannot write "\/nonexistent-annexa-dir\/out\.txt"/);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    });
  }
});

describe('scope patterns', () => {
  it('include ["*"] keeps every namespace in scope, whatever its characters', () => {
    assert.equal(namespaceExclusionReason(DEFAULT_CONFIG, 'x\ny'), undefined);
    assert.equal(namespaceExclusionReason(DEFAULT_CONFIG, 'shop'), undefined);
  });
});
