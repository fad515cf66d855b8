#!/usr/bin/env node
// The bundled CLI (dist/bundle, built by `npm run build`) starts three times as fast as the ~200
// modules of dist/src: one file, compiled from V8's code cache (bundle-loader.js). Both are built
// from the same sources.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundle-loader.js';

const bundle = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
const cli = existsSync(bundle)
  ? loadBundle(bundle).exports
  : await import(new URL('../dist/src/cli/main.js', import.meta.url).href);
// import() does not work inside the bundle's vm.Script when compiled from the code cache: the
// cluster commands load client-node through this module's import() instead.
cli.useClientNodeLoader?.(() => import('@kubernetes/client-node'));
const { main } = cli;

main(process.argv).then((code) => {
  process.exitCode = code;
});
