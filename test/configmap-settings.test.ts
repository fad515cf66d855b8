/** Setting lines inside ConfigMap values: the hand-trimmed parser agrees with the plain regular expression it replaced. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { credentialNames, settingOf } from '../src/checks/workload/configmap-credentials.js';

/** The former single pattern: correct, but quadratic on long runs of spaces. */
const REFERENCE = /^\s*(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[=:]\s*["']?(.*?)["']?,?\s*$/;

function referenceSetting(line: string): { name: string; value: string } | undefined {
  const match = REFERENCE.exec(line);
  return match ? { name: match[1] ?? '', value: match[2] ?? '' } : undefined;
}

describe('ConfigMap setting lines', () => {
  it('reads names and values of env, YAML-ish and JSON lines', () => {
    assert.deepEqual(settingOf('export DB_PASSWORD="s3cr3t-Value"'), { name: 'DB_PASSWORD', value: 's3cr3t-Value' });
    assert.deepEqual(settingOf('  "apiToken": "abc123",  '), { name: 'apiToken', value: 'abc123' });
    assert.deepEqual(settingOf('password: hunter2\r'), { name: 'password', value: 'hunter2' });
    assert.equal(settingOf('# just a comment'), undefined);
  });

  it('agrees with the reference pattern on generated lines', () => {
    const pieces = ['export ', 'KEY', 'a.b-c', ' ', '  ', '=', ':', '"', "'", ',', 'val', 'x y', '\r', '\t', '\u2028', '#', '-', ''];
    let seed = 11;
    const next = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    for (let i = 0; i < 20000; i++) {
      const line = Array.from({ length: next(9) }, () => pieces[next(pieces.length)]).join('');
      assert.deepEqual(settingOf(line), referenceSetting(line), JSON.stringify(line));
    }
  });

  it('a value padded with a very long run of spaces is still read', () => {
    const line = `a=x${' '.repeat(200_000)}x`;
    assert.deepEqual(settingOf(line), { name: 'a', value: `x${' '.repeat(200_000)}x` });
    assert.deepEqual(credentialNames('app.env', `DB_PASSWORD=Sup3rS3cretValue${' '.repeat(100_000)}\nHOST=db`), ['DB_PASSWORD']);
  });
});
