/**
 * Trains dist/bundle/main.js on the bundled examples and stores V8's code cache next to it
 * (bin/bundle-loader.js). The cache holds every function compiled during the training, so the
 * common paths (reading, parsing, the checks, each reporter) start compiled.
 *
 * Run by scripts/bundle.mjs in a process of its own, with Node's default flags: V8 rejects a cache
 * made under other flags. The parent discards the commands' output (their stdout and stderr).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheFileOf, loadBundle } from '../bin/bundle-loader.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'bundle', 'main.js');
const estate = join(root, 'examples', 'estate');
const config = join(root, 'examples', 'annexa.yaml');

const TRAINING = [
  ...['table', 'json', 'sarif', 'junit', 'markdown'].flatMap((format) => [
    ['scan', estate, '-q', '-o', format],
    ['scan', estate, '-q', '-o', format, '--config', config],
  ]),
  ['pss', 'check', estate, '-o', 'json'],
  ['netpol', 'coverage', estate, '-o', 'json'],
  ['rbac', 'who-can', 'get', 'secrets', estate, '-A', '-o', 'json'],
  ['soa', estate, '--config', config, '-o', 'json'],
  ['checks', '-o', 'json'],
  ['controls', '-o', 'json'],
];

const { exports, script } = loadBundle(bundle, { useCache: false });
for (const args of TRAINING) {
  const code = await exports.main(['node', 'annexa', ...args]);
  // 1 is findings at or above --fail-on; 2 would mean the training itself is wrong.
  if (code > 1) throw new Error(`code cache training: "annexa ${args.join(' ')}" exited ${code}`);
}
writeFileSync(cacheFileOf(bundle), script.createCachedData());
process.exitCode = 0;
