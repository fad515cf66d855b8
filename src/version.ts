import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i += 1) {
    try {
      return readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      dir = dirname(dir);
    }
  }
  return '{"version":"0.0.0"}';
}

export const VERSION: string = (JSON.parse(findPackageJson()) as { version: string }).version;
