/** Paths for tests, valid both from test/ (tsx) and from dist/test/ (compiled). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
/** Third-party conformance data, kept inside the repository with its provenance (test/conformance/README.md). */
export const conformanceDir = join(projectRoot, 'test', 'conformance');
export const binPath = join(projectRoot, 'bin', 'annexa.js');
