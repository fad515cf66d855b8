/**
 * Bundles the compiled CLI (dist/src) into dist/bundle/ for `bin/annexa.js`: one CommonJS file
 * instead of ~200 ES modules and their dependencies, and V8's code cache of it
 * (scripts/code-cache.mjs). Start-up fell from 0.43 s to 0.09 s for an empty scan
 * (docs/benchmarks.md): resolving, reading and compiling each module was most of it.
 *
 * Two bundles: `main.js` (the CLI) and `scan-worker.js`, which the parallel scan starts next to
 * the module that starts it. CommonJS because only a classic script can be compiled from a code
 * cache in Node 20 (`vm.Script`); dist/bundle/package.json marks the folder as CommonJS.
 * `npm run build` (and `prepare`, `test`) run tsc and then this script, so the bundle is never
 * older than dist/src.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
await build({
  entryPoints: [join(root, 'dist/src/cli/main.js'), join(root, 'dist/src/engine/scan-worker.js')],
  outdir,
  entryNames: '[name]',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // The sources are ES modules: their import.meta.url is the bundle's own URL.
  define: { 'import.meta.url': '__annexaModuleUrl' },
  banner: { js: "const __annexaModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // client-node (2 MB of generated API code, ES module only) is loaded with import() by the cluster
  // commands alone: other commands do not compile it, and it stays an ES module.
  // better-sqlite3 and pg are loaded only when an evidence store is opened: a native addon, and the PostgreSQL client.
  external: ['@kubernetes/client-node', 'better-sqlite3', 'pg', 'pg-native'],
  logLevel: 'warning',
});

// The dashboard's front end (web/): type-checked with its own tsconfig (DOM types), bundled for
// browsers into dist/dashboard/ with its HTML and CSS; `annexa serve` serves that folder.
const webDir = join(root, 'web');
const webCheck = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(webDir, 'tsconfig.json')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (webCheck.status !== 0) {
  process.stderr.write(webCheck.stdout + webCheck.stderr);
  process.exit(webCheck.status ?? 1);
}
const dashboardDir = join(root, 'dist', 'dashboard');
rmSync(dashboardDir, { recursive: true, force: true });
mkdirSync(dashboardDir, { recursive: true });
await build({
  entryPoints: [join(webDir, 'app.ts'), join(webDir, 'login.ts')],
  outdir: dashboardDir,
  entryNames: '[name]',
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
for (const file of ['index.html', 'login.html', 'app.css']) copyFileSync(join(webDir, file), join(dashboardDir, file));

const training = spawnSync(process.execPath, [join(root, 'scripts', 'code-cache.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (training.status !== 0) {
  process.stderr.write(training.stderr);
  process.exit(training.status ?? 1);
}
