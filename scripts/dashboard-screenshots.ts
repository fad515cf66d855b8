/**
 * Screenshots of the dashboard over the demo store, for reviews and the docs (run by hand, not by
 * the tests): `npm run build && npx tsx scripts/dashboard-screenshots.ts [OUT_DIR]`. Needs Chromium
 * (bash scripts/install-chromium.sh). Writes one PNG per page to OUT_DIR (default: a new
 * temporary directory) and prints their paths.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvidenceStore } from '../src/evidence/store.js';
import { seedDemo } from '../src/dashboard/demo.js';
import { startDashboard } from '../src/dashboard/start.js';
import { makeConfig } from '../src/isms/config.js';
import { VERSION } from '../src/version.js';
import { launchChromium } from '../test/support/browser.js';
import { projectRoot } from '../test/support/paths.js';

const PAGES: Array<{ name: string; hash: string; ready: string }> = [
  { name: '1-overview', hash: '#/', ready: '#latest-scan' },
  { name: '2-controls', hash: '#/controls', ready: 'table.controls' },
  { name: '3-control-A.8.2', hash: '#/controls/A.8.2', ready: '#control-detail h2' },
  { name: '4-findings-critical', hash: '#/findings?severity=critical', ready: '#findings-count' },
  { name: '5-findings-markup', hash: '#/findings?text=promo-banner', ready: 'table.findings' },
  { name: '6-evidence', hash: '#/evidence', ready: '#chain-status' },
  { name: '7-nonconformities', hash: '#/nonconformities', ready: 'table' },
  { name: '8-exceptions', hash: '#/exceptions', ready: '#exceptions' },
];

const out = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'annexa-screenshots-'));
mkdirSync(out, { recursive: true });
const storeDir = mkdtempSync(join(tmpdir(), 'annexa-screenshots-store-'));
const store = await EvidenceStore.open(join(storeDir, 'annexa.db'), { tool: { name: 'annexa', version: VERSION } });
await seedDemo(store, join(projectRoot, 'examples'));
const dashboard = await startDashboard({ store, config: makeConfig({}), tool: { name: 'annexa', version: VERSION }, host: '127.0.0.1', port: 0, assetDir: join(projectRoot, 'dist', 'dashboard') });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await page.goto(`${dashboard.url}login`);
  await page.screenshot({ path: join(out, '0-login.png') });
  await page.fill('#token', dashboard.token);
  await page.click('button[type=submit]');
  await page.waitForSelector('#latest-scan');
  for (const { name, hash, ready } of PAGES) {
    await page.goto(`${dashboard.url}${hash}`);
    await page.reload();
    await page.waitForSelector(ready);
    const file = join(out, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    process.stdout.write(`${file}\n`);
  }
} finally {
  await browser.close();
  await dashboard.close(1000);
  await store.close();
}
