import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  name?: string;
  version?: string;
}

/** The version in Annexa's package.json, found upwards from this module (dist/src/… or dist/bundle/). */
function findVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i += 1) {
    try {
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
      // dist/bundle/package.json only marks its folder as CommonJS.
      if (json.name === 'annexa' && json.version) return json.version;
    } catch {
      // no package.json here
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export const VERSION: string = findVersion();
