#!/usr/bin/env node
// The bundled CLI (dist/bundle, built by `npm run build`) starts twice as fast as the ~200 modules
// of dist/src; both are built from the same sources.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/main.js', import.meta.url);
const { main } = await import(existsSync(bundle) ? bundle.href : new URL('../dist/src/cli/main.js', import.meta.url).href);

main(process.argv).then((code) => {
  process.exitCode = code;
});
