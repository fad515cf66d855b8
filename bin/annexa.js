#!/usr/bin/env node
// The bundled CLI (dist/bundle, built by `npm run build`) starts three times as fast as the ~200
// modules of dist/src: one file, compiled from V8's code cache (bundle-loader.js). Both are built
// from the same sources.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundle-loader.js';

const bundle = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
const { main } = existsSync(bundle)
  ? loadBundle(bundle).exports
  : await import(new URL('../dist/src/cli/main.js', import.meta.url).href);

main(process.argv).then((code) => {
  process.exitCode = code;
});
