/**
 * The dashboard in headless Chromium (playwright-core, Debian's chromium): log in through the
 * login page, open a control, filter findings, see an exception, record an admin change, and check
 * that values carrying `<script>` and `onerror` markup are shown as text and never run. No request
 * leaves the dashboard's origin. Without Chromium this test fails and says how to install it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { bearer, demoDashboard, OPERATOR_TOKEN, type TestDashboard } from './support/dashboard.js';
import { launchChromium } from './support/browser.js';

const dash: TestDashboard = await demoDashboard();
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const foreignRequests: string[] = [];
const pageErrors: string[] = [];

before(async () => {
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(dash.base)) foreignRequests.push(request.url());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
  });
});

after(async () => {
  await browser?.close();
});

async function apiTotal(query: string): Promise<number> {
  const response = await fetch(`${dash.base}/api/findings?${query}`, { headers: bearer(OPERATOR_TOKEN) });
  return ((await response.json()) as { total: number }).total;
}

/** Waits until the explorer says it shows `n` findings (the test's tsconfig has no DOM types: the check is a page expression). */
async function countShown(n: number): Promise<void> {
  // A locator waits through Playwright's selector engine; a string predicate would need eval, which the dashboard's CSP forbids.
  await page.locator('#findings-count', { hasText: new RegExp(`^${n} finding`) }).waitFor();
}

describe('dashboard in a browser', () => {
  it('refuses a wrong token on the login page, then logs in and shows the overview', async () => {
    await page.goto(`${dash.base}/`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.fill('#token', 'wrong-token-0123456789');
    await page.click('button[type=submit]');
    await page.waitForSelector('#login-error:not(:empty)');
    assert.match((await page.textContent('#login-error')) ?? '', /wrong token/);
    await page.fill('#token', OPERATOR_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('#latest-scan');
    assert.match((await page.textContent('#latest-scan')) ?? '', /Latest recorded scan: record \d+, 2026-11-20T12:00:00.000Z, scope Shop platform/);
    assert.equal(await page.locator('svg[aria-label="Posture by theme"] rect').count() > 0, true);
    assert.equal(await page.locator('svg[aria-label="Trend of failing and passing controls"] circle').count(), 8, 'two series over four scans');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'annexa_session')!;
    assert.deepEqual([session.httpOnly, session.secure, session.sameSite], [true, true, 'Strict']);
  });

  it('opens a control from the controls list: SoA entry, checks, findings, nonconformities', async () => {
    await page.click('nav >> text=Controls');
    await page.click('a[href="#/controls/A.8.2"]');
    await page.waitForSelector('#control-detail h2');
    assert.equal(await page.textContent('#control-detail h2'), 'A.8.2 Privileged access rights');
    const text = (await page.textContent('#control-detail')) ?? '';
    assert.match(text, /Statement of Applicability/);
    assert.match(text, /workload\.privileged-container/);
    assert.match(text, /NC-[0-9a-f]{8}: corrective-action/);
  });

  it('records an admin change from the control page (the page sends its CSRF token)', async () => {
    await page.selectOption('#soa-form select', 'planned');
    await page.fill('#soa-form input >> nth=1', 'change from the browser');
    await page.click('#soa-form button[type=submit]');
    await page.waitForSelector('#soa-form .form-message:not(:empty)');
    assert.match((await page.textContent('#soa-form .form-message')) ?? '', /Recorded as evidence record \d+/);
    const detail = (await (await fetch(`${dash.base}/api/controls/A.8.2`, { headers: bearer(OPERATOR_TOKEN) })).json()) as { soa: { implementationStatus: string; editedBy: { actor: string } } };
    assert.deepEqual([detail.soa.implementationStatus, detail.soa.editedBy.actor], ['planned', 'operator']);
  });

  it('filters findings by severity and namespace; the count matches the API', async () => {
    await page.click('nav >> text=Findings');
    await page.waitForSelector('#findings-count');
    await page.selectOption('select[name=severity]', 'critical');
    const expected = await apiTotal('severity=critical');
    await countShown(expected);
    const severities = await page.locator('table.findings tbody td:first-child').allTextContents();
    assert.equal(severities.length, expected);
    assert.ok(severities.every((s) => s === 'critical'));
    await page.selectOption('select[name=severity]', '');
    await page.selectOption('select[name=namespace]', 'batch');
    const batch = await apiTotal('namespace=batch');
    await countShown(batch);
    const resources = await page.locator('table.findings tbody td.resource').allTextContents();
    assert.ok(resources.length > 0 && resources.every((r) => r.includes(' batch/')));
  });

  it('shows an exception on the excepted finding and in the exceptions list, where an admin records a review', async () => {
    await page.selectOption('select[name=check]', 'workload.host-network');
    await page.waitForSelector('.exception-note');
    assert.match((await page.textContent('.exception-note')) ?? '', /Excepted until 2027-03-31 \(approved by Head of Information Security\)/);
    await page.click('nav >> text=Exceptions');
    await page.waitForSelector('#exceptions');
    const row = (await page.textContent('#exceptions tbody tr:first-child')) ?? '';
    assert.match(row, /workload\.host-network/);
    assert.match(row, /active \(131 days left\)/);
    await page.selectOption('#exceptions tbody tr:first-child .review-form select', 'keep');
    await page.fill('#exceptions tbody tr:first-child .review-form input', 'reviewed in the browser');
    await page.click('#exceptions tbody tr:first-child .review-form button');
    await page.waitForSelector('#exceptions tbody tr:first-child li');
    assert.match((await page.textContent('#exceptions tbody tr:first-child li')) ?? '', /keep by operator: reviewed in the browser/);
  });

  it('shows annotation and image values carrying <script> and onerror markup as text; nothing runs', async () => {
    await page.goto(`${dash.base}/#/findings?text=promo-banner&limit=100`);
    await page.waitForSelector('table.findings');
    const messages = (await page.locator('table.findings td.message').allTextContents()).join('\n');
    assert.ok(messages.includes(`<img src=x onerror=alert('apparmor')>`), messages);
    assert.ok(messages.includes(`<script>alert('seccomp')</script>`), messages);
    assert.equal(await page.locator('table.findings img').count(), 0, 'no img element was created from a value');
    assert.equal(await page.locator('main script').count(), 0, 'no script element was created from a value');
    assert.equal(await page.evaluate('document.scripts.length'), 1, 'only app.js');
    assert.deepEqual(dialogs, [], 'no alert ran');
  });

  it('made no request outside the dashboard and hit no CSP violation or page error', () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(pageErrors, []);
  });
});
