/**
 * Bundles the compiled CLI (dist/src) into dist/bundle/ for `bin/annexa.js`: one module graph of
 * a few files instead of ~200 modules and their dependencies, which halves start-up time
 * (resolving, reading and compiling each ESM module was most of it; docs/benchmarks.md).
 *
 * Two entry points share chunks: `main.js` (the CLI) and `scan-worker.js`, which the parallel
 * scan starts next to the module that starts it. `npm run build` (and `prepare`, `test`) run tsc
 * and then this script, so the bundle is never older than dist/src.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'dist/src/cli/main.js'), join(root, 'dist/src/engine/scan-worker.js')],
  outdir,
  entryNames: '[name]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies (yaml) call require() for Node built-ins.
  banner: { js: "import { createRequire as __annexaCreateRequire } from 'node:module'; const require = __annexaCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
