// Loads a CommonJS bundle of dist/bundle through V8's code cache.
//
// Why: compiling the 1.7 MB bundle, and later each function the first time it runs, was a fifth of
// a 1,000-resource scan. `npm run build` trains the bundle on the examples and stores the compiled
// code next to it (scripts/code-cache.mjs); V8 checks the cache's version, flags and source length
// and compiles from source when it does not fit, so a stale or foreign cache only costs speed. A
// cache older than its bundle is not even offered.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { constants, Script } from 'node:vm';

/** The code cache file of a bundle. */
export const cacheFileOf = (file) => `${file}.v8cache`;

function freshCache(file) {
  try {
    const cache = cacheFileOf(file);
    return statSync(cache).mtimeMs >= statSync(file).mtimeMs ? readFileSync(cache) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs the CommonJS module `file` and returns its exports, its compiled script (for
 * `script.createCachedData()`) and what became of the cache: 'accepted', 'rejected' by V8, or
 * 'absent' (none, older than the bundle, or `useCache: false`).
 */
export function loadBundle(file, { useCache = true } = {}) {
  const source = readFileSync(file, 'utf8');
  const cachedData = useCache ? freshCache(file) : undefined;
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  // import() inside the bundle (of a module esbuild left external) resolves as in any module here.
  const importModuleDynamically = constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ?? ((specifier) => import(specifier));
  const script = new Script(wrapped, { filename: file, cachedData, importModuleDynamically });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const cache = cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  return { exports: module.exports, script, cache };
}
