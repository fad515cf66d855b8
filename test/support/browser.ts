/**
 * Headless Chromium for the dashboard's end-to-end tests: Debian's `chromium` (installed by
 * scripts/install-chromium.sh, which .ci/run calls and whose path it exports as ANNEXA_CHROMIUM),
 * driven by playwright-core, which never downloads a browser of its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** ANNEXA_CHROMIUM, else `chromium` on PATH; an error saying how to install it otherwise. */
export function chromiumPath(): string {
  const given = process.env.ANNEXA_CHROMIUM;
  if (given && existsSync(given)) return given;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (found) return found;
    } catch {
      // not on PATH: try the next name
    }
  }
  throw new Error('no Chromium for the dashboard end-to-end tests: run `bash scripts/install-chromium.sh` (installs Debian\'s chromium; .ci/run does it) or set ANNEXA_CHROMIUM to a Chromium binary');
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS, headless: true });
}
