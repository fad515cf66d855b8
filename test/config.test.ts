/** annexa.yaml validation: clear errors naming file, field and line, and exit 2 from the CLI. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { ConfigError, DEFAULT_CONFIG, fieldName, loadConfig, matchesNamespacePattern, namespaceExclusionReason, parseConfigText } from '../src/isms/config.js';
import { tempTree } from './support/scan-output.js';
import { projectRoot } from './support/paths.js';

/** Runs the CLI in process, capturing stderr. */
async function run(args: string[], cwd?: string): Promise<{ code: number; stderr: string }> {
  const chunks: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  const originalCwd = process.cwd();
  process.stderr.write = ((chunk: string | Uint8Array) => { chunks.push(String(chunk)); return true; }) as typeof process.stderr.write;
  if (cwd) process.chdir(cwd);
  try {
    return { code: await main(['node', 'annexa', ...args]), stderr: chunks.join('') };
  } finally {
    process.stderr.write = original;
    if (cwd) process.chdir(originalCwd);
  }
}

function issues(text: string): Array<{ field: string; line?: number; message: string }> {
  try {
    parseConfigText(text, 'annexa.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.file, 'annexa.yaml');
    return error.issues;
  }
  assert.fail('expected a ConfigError');
}

const BAD_CONTROL = `scope:
  name: Shop platform
applicability:
  - control: A.9.1
    applicable: false
    justification: not ours
`;

describe('annexa.yaml validation', () => {
  it('exits 2 and names file, field and line for a bad control id (soa and scan)', async () => {
    const dir = tempTree({ 'bad.yaml': BAD_CONTROL, 'out/.keep': '' });
    const file = join(dir, 'bad.yaml');
    for (const command of [['soa', '-o', 'csv'], ['scan', join(projectRoot, 'examples', 'estate')]]) {
      const { code, stderr } = await run([...command, '--config', file, '--output-file', join(dir, 'out', 'x')]);
      assert.equal(code, 2, command[0]);
      assert.match(stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: applicability\\[0\\]\\.control: expected an Annex A control id`), stderr);
    }
  });

  it('reads ./annexa.yaml from the working directory and reports it by name', async () => {
    const dir = tempTree({ 'annexa.yaml': BAD_CONTROL });
    const { code, stderr } = await run(['soa', '-o', 'json', '--output-file', join(dir, 'out.json')], dir);
    assert.equal(code, 2);
    assert.match(stderr, /^annexa: annexa\.yaml:4: applicability\[0\]\.control: /);
  });

  it('rejects ids that look right but are not Annex A controls', () => {
    assert.deepEqual(issues('owners:\n  - control: A.5.38\n    owner: me\n').map((i) => [i.field, i.line]), [['owners[0].control', 2]]);
    assert.match(issues('owners:\n  - control: A.5.38\n    owner: me\n')[0]!.message, /not an ISO\/IEC 27001:2022 Annex A control/);
  });

  it('requires a justification for every namespace exclusion', () => {
    const found = issues('scope:\n  namespaces:\n    exclude:\n      - name: observability\n');
    assert.deepEqual(found.map((i) => [i.field, i.line]), [['scope.namespaces.exclude[0].justification', 4]]);
    assert.equal(found[0]!.message, 'a justification is required for every exclusion');
    assert.equal(issues('applicability:\n  - { control: A.7.1, applicable: false, justification: "" }\n')[0]!.message, 'a justification is required');
  });

  it('rejects a control listed twice, at the second entry', () => {
    const text = 'applicability:\n  - { control: A.7.1, applicable: false, justification: "no premises of our own: a fully remote organisation without offices or server rooms" }\n  - { control: A.7.1, applicable: true, justification: shared office space }\n';
    const found = issues(text);
    assert.deepEqual(found.map((i) => [i.field, i.line]), [['applicability[1].control', 3]]);
    assert.match(found[0]!.message, /A\.7\.1 is listed twice/);
  });

  it('rejects unknown keys, bad severities and YAML syntax errors with their line', () => {
    assert.equal(issues('scope:\n  nmae: x\n')[0]!.field, 'scope');
    assert.deepEqual(issues('checks:\n  severity:\n    workload.x: urgent\n').map((i) => [i.field, i.line]), [['checks.severity.workload.x', 3]]);
    const syntax = issues('scope: [\n');
    assert.ok(syntax.length > 0 && syntax[0]!.line !== undefined);
  });

  it('formats field paths with indexes in brackets', () => {
    assert.equal(fieldName(['applicability', 0, 'control']), 'applicability[0].control');
    assert.equal(fieldName(['scope', 'namespaces', 'exclude', 2, 'name']), 'scope.namespaces.exclude[2].name');
  });

  it('uses defaults when there is no annexa.yaml, and fails when --config names a missing file', () => {
    const dir = tempTree();
    assert.deepEqual(loadConfig(undefined, dir).config, DEFAULT_CONFIG);
    assert.throws(() => loadConfig('nope.yaml', dir), (e: unknown) => e instanceof ConfigError && /nope\.yaml: cannot read/.test(e.message));
  });

  it('the example config is valid and excludes observability with a justification', () => {
    const { config } = loadConfig(join(projectRoot, 'examples', 'annexa.yaml'));
    assert.equal(config.scope.name, 'Shop platform');
    assert.match(namespaceExclusionReason(config, 'observability') ?? '', /vendor/);
    assert.equal(namespaceExclusionReason(config, 'shop'), undefined);
  });

  it('rejects check ids that name no built-in check, with field and line', () => {
    const known = new Set(['workload.privileged-container']);
    const text = 'checks:\n  disabled:\n    - workload.privileged-container\n    - workload.privilegd\n  severity:\n    images.latest-tagg: low\n';
    assert.throws(() => parseConfigText(text, 'annexa.yaml', known), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /annexa\.yaml:4: checks\.disabled\[1\]: no built-in check has the id "workload\.privilegd"/);
      assert.match(e.message, /annexa\.yaml:6: checks\.severity\.images\.latest-tagg: no built-in check has the id "images\.latest-tagg"/);
      return true;
    });
    assert.deepEqual(parseConfigText('checks: { disabled: [workload.privileged-container] }\n', 'annexa.yaml', known).checks.disabled, ['workload.privileged-container']);
  });

  it('the scan command refuses a config with an unknown check id (exit 2)', async () => {
    const dir = tempTree({ 'annexa.yaml': 'checks: { disabled: [no.such-check] }\n', 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [{ name: a, image: a }] }\n' });
    const code = await main(['node', 'annexa', 'scan', join(dir, 'pod.yaml'), '--config', join(dir, 'annexa.yaml'), '-o', 'json', '--output-file', join(dir, 'out.json')]);
    assert.equal(code, 2);
  });

  it('matches namespace patterns exactly like the shell glob they look like', () => {
    const cases: Array<[string, string, boolean]> = [
      ['*', '', true], ['*', 'shop', true], ['shop', 'shop', true], ['shop', 'shops', false], ['shop*', 'shop', true],
      ['shop-*', 'shop-eu', true], ['*-system', 'kube-system', true], ['*-system', 'kube-systems', false],
      ['team-?', 'team-a', true], ['team-?', 'team-ab', false], ['?', '', false], ['a*b*c', 'aXbYc', true], ['a*b*c', 'aXbY', false],
      ['**', 'x', true], ['*a', 'ba', true], ['*a', 'ab', false], ['a.b', 'a.b', true], ['a.b', 'axb', false], ['[ab]', 'a', false], ['[ab]', '[ab]', true],
    ];
    for (const [pattern, name, expected] of cases) assert.equal(matchesNamespacePattern(pattern, name), expected, `${pattern} ~ ${name}`);
  });

  it('agrees with a reference regular expression on generated patterns and names', () => {
    const reference = (pattern: string, name: string): boolean =>
      new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's').test(name);
    let seed = 7;
    const next = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const word = (alphabet: string, length: number): string => Array.from({ length }, () => alphabet[next(alphabet.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const pattern = word('ab*?', next(7));
      const name = word('ab', next(8));
      assert.equal(matchesNamespacePattern(pattern, name), reference(pattern, name), `${pattern} ~ ${name}`);
    }
  });

  it('a pattern of many wildcards against a long name that does not match is answered (no catastrophic backtracking)', () => {
    const pattern = `${'*a'.repeat(40)}*b`;
    assert.equal(matchesNamespacePattern(pattern, 'a'.repeat(253)), false);
    assert.equal(matchesNamespacePattern(pattern, `${'a'.repeat(252)}b`), true);
  });
});
