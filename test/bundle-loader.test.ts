/**
 * bin/bundle-loader.js: the bundled CLI is compiled from V8's code cache when the cache fits, and
 * from source when it does not (absent, older than the bundle, or not V8's). Each case loads the
 * bundle in a plain `node` child: V8 only accepts a cache made under the same flags.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from './support/paths.js';

const loader = pathToFileURL(join(projectRoot, 'bin', 'bundle-loader.js')).href;
const bundle = join(projectRoot, 'dist', 'bundle', 'main.js');

/** Loads `file` in a child and reports the cache outcome and whether the CLI's `main` is there. */
function load(file: string): { cache: string; main: string } {
  const script = `import(${JSON.stringify(loader)}).then(({ loadBundle }) => { const r = loadBundle(${JSON.stringify(file)}); console.log(JSON.stringify({ cache: r.cache, main: typeof r.exports.main })); })`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as { cache: string; main: string };
}

/** A copy of the bundle and its cache in a temporary folder. */
function copyOfBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'annexa-bundle-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  copyFileSync(bundle, join(dir, 'main.js'));
  copyFileSync(`${bundle}.v8cache`, join(dir, 'main.js.v8cache'));
  return join(dir, 'main.js');
}

describe('the bundled CLI and its code cache', () => {
  it('npm run build stores a code cache that V8 accepts', () => {
    assert.ok(existsSync(`${bundle}.v8cache`), 'scripts/code-cache.mjs writes dist/bundle/main.js.v8cache');
    assert.deepEqual(load(bundle), { cache: 'accepted', main: 'function' });
  });

  it('a cache older than its bundle is not offered to V8', () => {
    const file = copyOfBundle();
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(`${file}.v8cache`, past, past);
    assert.deepEqual(load(file), { cache: 'absent', main: 'function' });
  });

  it('a cache that is not V8\'s is rejected and the bundle compiles from source', () => {
    const file = copyOfBundle();
    writeFileSync(`${file}.v8cache`, Buffer.alloc(4096, 7));
    assert.deepEqual(load(file), { cache: 'rejected', main: 'function' });
  });
});
