/** Paths for tests, valid both from test/ (tsx) and from dist/test/ (compiled). */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'src'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('project root not found');
    dir = parent;
  }
  return dir;
}

export const projectRoot = findRoot();
/** `../shared` from the project root: third-party conformance data, read in place. */
export const sharedDir = resolve(projectRoot, '..', 'shared');
export const conformanceDir = join(sharedDir, 'conformance');
export const binPath = join(projectRoot, 'bin', 'annexa.js');
