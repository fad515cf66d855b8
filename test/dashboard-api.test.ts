/**
 * The dashboard's HTTP API over a demo store: authentication (no token, wrong token, the right
 * one, sessions), roles, CSRF on changes, security headers, bounded bodies, the findings filters
 * and what each route answers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { AUDITOR_TOKEN, bearer, demoDashboard, login, OPERATOR_TOKEN, VIEWER_TOKEN, type TestDashboard } from './support/dashboard.js';
import { DEMO_SCANS } from '../src/dashboard/demo.js';

const API_ROUTES = ['/api/session', '/api/posture', '/api/controls', '/api/controls/A.8.2', '/api/findings', '/api/evidence', '/api/nonconformities', '/api/exceptions', '/api/trend'];

const dash: TestDashboard = await demoDashboard();

async function getJson<T>(path: string, headers: Record<string, string> = bearer(OPERATOR_TOKEN)): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${dash.base}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

interface Finding {
  checkId: string;
  severity: string;
  resource: { kind: string; namespace?: string; name: string };
  controls: string[];
  message: string;
  excepted?: unknown;
}

describe('dashboard authentication', () => {
  it('answers 401 to every API route without a token and with a wrong one', async () => {
    for (const path of API_ROUTES) {
      assert.equal((await fetch(`${dash.base}${path}`)).status, 401, `${path} without a token`);
      const wrong = await fetch(`${dash.base}${path}`, { headers: bearer('not-the-token-0123456789') });
      assert.equal(wrong.status, 401, `${path} with a wrong token`);
      assert.match(wrong.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.equal((await fetch(`${dash.base}${path}`, { headers: { Cookie: 'annexa_session=forged' } })).status, 401, `${path} with a forged session`);
      assert.equal((await fetch(`${dash.base}${path}`, { headers: bearer(OPERATOR_TOKEN) })).status, 200, `${path} with the token`);
    }
  });

  it('sends the browser without a session to the login page', async () => {
    const response = await fetch(`${dash.base}/`, { redirect: 'manual' });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/login');
  });

  it('logs in with a token into a Secure, HttpOnly, SameSite=Strict session cookie; a wrong token gets 401', async () => {
    const wrong = await fetch(`${dash.base}/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: 'nope' }) });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);
    const { cookie, setCookie, csrf } = await login(dash.base, OPERATOR_TOKEN);
    for (const attribute of ['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/']) assert.ok(setCookie.split('; ').includes(attribute), `${attribute} in ${setCookie}`);
    assert.ok(csrf.length >= 32);
    const session = await getJson<{ user: string; role: string }>('/api/session', { Cookie: cookie });
    assert.deepEqual([session.body.user, session.body.role], ['operator', 'admin']);
    assert.equal((await fetch(`${dash.base}/`, { headers: { Cookie: cookie }, redirect: 'manual' })).status, 200);
  });

  it('refuses a login posted from another origin', async () => {
    const response = await fetch(`${dash.base}/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' }, body: JSON.stringify({ token: OPERATOR_TOKEN }) });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('set-cookie'), null);
  });

  it('ends a session on logout (with its CSRF token)', async () => {
    const { cookie, csrf } = await login(dash.base, OPERATOR_TOKEN);
    assert.equal((await fetch(`${dash.base}/logout`, { method: 'POST', headers: { Cookie: cookie } })).status, 403);
    assert.equal((await fetch(`${dash.base}/logout`, { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf } })).status, 200);
    assert.equal((await fetch(`${dash.base}/api/session`, { headers: { Cookie: cookie } })).status, 401);
  });
});

describe('dashboard changes: CSRF and roles', () => {
  it('refuses a change made with the session cookie without the CSRF token or with a wrong one', async () => {
    const { cookie, csrf } = await login(dash.base, OPERATOR_TOKEN);
    const before = (await dash.store.verify()).records;
    const body = JSON.stringify({ owner: 'Someone', note: 'csrf probe' });
    for (const headers of [{}, { 'X-CSRF-Token': 'x'.repeat(csrf.length) }, { 'X-CSRF-Token': '' }] as Array<Record<string, string>>) {
      const response = await fetch(`${dash.base}/api/controls/A.5.1/soa`, { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json', ...headers }, body });
      assert.equal(response.status, 403);
      assert.match(((await response.json()) as { error: string }).error, /CSRF/);
    }
    assert.equal((await dash.store.verify()).records, before, 'nothing recorded');
  });

  it('records an admin SoA edit as an isms evidence record naming the admin, shown on the control', async () => {
    const { cookie, csrf } = await login(dash.base, OPERATOR_TOKEN);
    const response = await fetch(`${dash.base}/api/controls/A.5.1/soa`, {
      method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: JSON.stringify({ implementationStatus: 'partially-implemented', owner: 'CISO', note: 'policy v4 in review' }),
    });
    assert.equal(response.status, 200);
    const { record } = (await response.json()) as { record: { seq: number; type: string } };
    const stored = await dash.store.find(String(record.seq));
    assert.equal(stored?.type, 'isms');
    assert.deepEqual(stored?.payload, { kind: 'soa-entry', control: 'A.5.1', implementationStatus: 'partially-implemented', owner: 'CISO', note: 'policy v4 in review', actor: 'operator' });
    const detail = await getJson<{ owner: string; soa: { implementationStatus: string; editedBy: { actor: string; seq: number } } }>('/api/controls/A.5.1');
    assert.equal(detail.body.owner, 'CISO');
    assert.equal(detail.body.soa.implementationStatus, 'partially-implemented');
    assert.deepEqual([detail.body.soa.editedBy.actor, detail.body.soa.editedBy.seq], ['operator', record.seq]);
    assert.equal((await dash.store.verify()).ok, true);
  });

  it('lets a bearer-token admin change a nonconformity; statuses only move forward and closing needs a passing scan', async () => {
    const ncs = (await getJson<{ nonconformities: Array<{ id: string; control: string; status: string }> }>('/api/nonconformities')).body.nonconformities;
    const open = ncs.find((nc) => nc.status === 'open')!;
    const post = (body: unknown) => fetch(`${dash.base}/api/nonconformities/${open.id}`, { method: 'POST', headers: { ...bearer(OPERATOR_TOKEN), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const updated = await post({ status: 'verified', correctiveAction: 'fixed in the chart' });
    assert.equal(updated.status, 200);
    assert.equal((await post({ status: 'corrective-action' })).status, 400, 'backwards');
    const closing = await post({ status: 'closed' });
    assert.equal(closing.status, 400);
    assert.match(((await closing.json()) as { error: string }).error, /cannot be closed/);
    assert.equal((await post({ colour: 'red' })).status, 400, 'unknown field');
    assert.equal((await fetch(`${dash.base}/api/nonconformities/NC-none`, { method: 'POST', headers: { ...bearer(OPERATOR_TOKEN), 'Content-Type': 'application/json' }, body: '{"note":"x"}' })).status, 404);
    const after = (await getJson<{ nonconformities: Array<{ id: string; status: string; correctiveAction?: string }> }>('/api/nonconformities')).body.nonconformities.find((nc) => nc.id === open.id)!;
    assert.deepEqual([after.status, after.correctiveAction], ['verified', 'fixed in the chart']);
  });

  it('lets viewers read but not change or export; auditors export a signed bundle but do not change', async () => {
    const change = (token: string) => fetch(`${dash.base}/api/controls/A.5.2/soa`, { method: 'POST', headers: { ...bearer(token), 'Content-Type': 'application/json' }, body: '{"owner":"x"}' });
    assert.equal((await getJson('/api/posture', bearer(VIEWER_TOKEN))).status, 200);
    assert.equal((await change(VIEWER_TOKEN)).status, 403);
    assert.equal((await change(AUDITOR_TOKEN)).status, 403);
    assert.equal((await fetch(`${dash.base}/api/export`, { headers: bearer(VIEWER_TOKEN) })).status, 403);
    const exported = await fetch(`${dash.base}/api/export`, { headers: bearer(AUDITOR_TOKEN) });
    assert.equal(exported.status, 200);
    assert.equal(exported.headers.get('content-type'), 'application/gzip');
    const tar = gunzipSync(Buffer.from(await exported.arrayBuffer())).toString('latin1');
    assert.match(tar, /manifest\.json/);
  });

  it('records an admin review of an exception, shown with the exception; an unknown exception is 404', async () => {
    const post = (body: unknown) => fetch(`${dash.base}/api/exceptions/review`, { method: 'POST', headers: { ...bearer(OPERATOR_TOKEN), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const resource = { kind: 'CronJob', namespace: 'batch', name: 'nightly-report' };
    const response = await post({ check: 'workload.host-network', resource, decision: 'renew', note: 'agent migration slipped to Q2' });
    assert.equal(response.status, 200);
    const { record } = (await response.json()) as { record: { seq: number } };
    assert.deepEqual((await dash.store.find(String(record.seq)))?.payload, { kind: 'exception-review', check: 'workload.host-network', resource, decision: 'renew', note: 'agent migration slipped to Q2', actor: 'operator' });
    const { exceptions } = (await getJson<{ exceptions: Array<{ check: string; reviews: Array<{ decision: string; actor: string; seq: number }> }> }>('/api/exceptions')).body;
    assert.deepEqual(exceptions.find((e) => e.check === 'workload.host-network')!.reviews.map((r) => [r.decision, r.actor, r.seq]), [['renew', 'operator', record.seq]]);
    assert.equal((await post({ check: 'workload.host-network', resource: { ...resource, name: 'other' }, decision: 'keep', note: 'x' })).status, 404);
    assert.equal((await post({ check: 'workload.host-network', resource, decision: 'extend', note: 'x' })).status, 400);
    assert.equal((await post({ check: 'workload.host-network', resource, decision: 'keep' })).status, 400, 'a review needs its reason');
  });

  it('refuses bodies over 64 KiB with 413 and non-JSON bodies with 415', async () => {
    const big = JSON.stringify({ note: 'x'.repeat(70 * 1024) });
    const response = await fetch(`${dash.base}/api/controls/A.5.3/soa`, { method: 'POST', headers: { ...bearer(OPERATOR_TOKEN), 'Content-Type': 'application/json' }, body: big });
    assert.equal(response.status, 413);
    const form = await fetch(`${dash.base}/api/controls/A.5.3/soa`, { method: 'POST', headers: { ...bearer(OPERATOR_TOKEN), 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'owner=x' });
    assert.equal(form.status, 415);
  });
});

describe('dashboard security headers', () => {
  it('sends a CSP without inline script, nosniff and frame-ancestors none on pages, assets, API answers and errors', async () => {
    for (const [path, headers] of [['/login', {}], ['/app.js', {}], ['/api/posture', bearer(OPERATOR_TOKEN)], ['/api/posture', {}], ['/nowhere', {}]] as const) {
      const response = await fetch(`${dash.base}${path}`, { headers });
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });

  it('serves pages without inline script or inline event handlers', async () => {
    for (const path of ['/login', '/index.html']) {
      const text = await (await fetch(`${dash.base}${path}`, { headers: bearer(OPERATOR_TOKEN) })).text();
      assert.doesNotMatch(text, /<script(?![^>]*\bsrc=)[^>]*>/i, `${path} has an inline script`);
      assert.doesNotMatch(text, /\son[a-z]+=/i, `${path} has an inline handler`);
    }
  });
});

describe('dashboard data', () => {
  it('shows the posture of the latest scan, a trend over every recorded scan and the open nonconformities', async () => {
    const posture = (await getJson<{ scan: { time: string }; themes: Array<{ theme: string; counts: Record<string, number> }>; totals: Record<string, number>; openNonconformities: number }>('/api/posture')).body;
    assert.equal(posture.scan.time, '2026-11-20T12:00:00.000Z');
    assert.deepEqual(posture.themes.map((t) => t.theme), ['organizational', 'people', 'physical', 'technological']);
    assert.equal(Object.values(posture.totals).reduce((a, b) => a + b, 0), 93);
    assert.ok(posture.openNonconformities > 0);
    const trend = (await getJson<{ scans: Array<{ time: string }> }>('/api/trend')).body;
    assert.equal(trend.scans.length, DEMO_SCANS.length);
    assert.deepEqual(trend.scans.map((s) => s.time.slice(0, 10)), ['2026-10-16', '2026-10-30', '2026-11-13', '2026-11-20']);
  });

  it('filters findings by severity, namespace, check and control, and refuses an unknown severity', async () => {
    const all = (await getJson<{ total: number; findings: Finding[] }>('/api/findings?limit=500')).body;
    assert.ok(all.total > 20);
    const critical = (await getJson<{ total: number; findings: Finding[] }>('/api/findings?severity=critical&limit=500')).body;
    assert.ok(critical.total > 0 && critical.total < all.total);
    assert.ok(critical.findings.every((f) => f.severity === 'critical'));
    assert.equal(critical.total, all.findings.filter((f) => f.severity === 'critical').length);
    const batch = (await getJson<{ findings: Finding[] }>('/api/findings?namespace=batch&limit=500')).body.findings;
    assert.ok(batch.length > 0 && batch.every((f) => f.resource.namespace === 'batch'));
    const check = (await getJson<{ findings: Finding[] }>('/api/findings?check=workload.privileged-container')).body.findings;
    assert.ok(check.length > 0 && check.every((f) => f.checkId === 'workload.privileged-container'));
    const control = (await getJson<{ findings: Finding[] }>('/api/findings?control=A.8.19&limit=500')).body.findings;
    assert.ok(control.length > 0 && control.every((f) => f.controls.includes('A.8.19')));
    const combined = (await getJson<{ findings: Finding[] }>('/api/findings?severity=medium&namespace=shop&control=A.8.9&limit=500')).body.findings;
    assert.ok(combined.every((f) => f.severity === 'medium' && f.resource.namespace === 'shop' && f.controls.includes('A.8.9')));
    assert.equal((await getJson('/api/findings?severity=urgent')).status, 400);
    assert.equal((await getJson('/api/findings?limit=100000')).status, 400);
  });

  it('lists findings accepted by an exception with the exception, and the exceptions with their expiry state', async () => {
    const hostNetwork = (await getJson<{ findings: Finding[] }>('/api/findings?check=workload.host-network&namespace=batch')).body.findings;
    assert.ok(hostNetwork.length > 0 && hostNetwork.every((f) => f.excepted !== undefined));
    const { exceptions } = (await getJson<{ exceptions: Array<{ check: string; state: string; daysLeft: number; findings: number }> }>('/api/exceptions')).body;
    const entry = exceptions.find((e) => e.check === 'workload.host-network')!;
    assert.deepEqual([entry.state, entry.daysLeft, entry.findings], ['active', 131, hostNetwork.length]);
  });

  it('gives a control its checks, findings, SoA entry, owner, nonconformities and evidence records; 404 for an unknown control', async () => {
    const detail = (await getJson<{ status: string; owner?: string; checks: unknown[]; findings: Finding[]; soa: { justification: string }; nonconformities: Array<{ control: string }>; evidence: Array<{ type: string }>; history: unknown[] }>('/api/controls/A.8.2')).body;
    assert.equal(detail.status, 'fail');
    assert.ok(detail.checks.length > 0);
    assert.ok(detail.findings.length > 0 && detail.findings.every((f) => f.controls.includes('A.8.2')));
    assert.ok(detail.nonconformities.length > 0 && detail.nonconformities.every((nc) => nc.control === 'A.8.2'));
    assert.ok(detail.evidence.some((e) => e.type === 'scan') && detail.evidence.some((e) => e.type === 'isms'));
    assert.equal(detail.history.length, DEMO_SCANS.length);
    const excluded = (await getJson<{ soa: { applicable: boolean; justification: string } }>('/api/controls/A.7.6')).body;
    assert.equal(excluded.soa.applicable, false);
    assert.match(excluded.soa.justification, /secure areas/);
    assert.equal((await getJson('/api/controls/A.9.1')).status, 404);
  });

  it('reports every record of an intact store as verified', async () => {
    const log = (await getJson<{ ok: boolean; entries: Array<{ verification: string }> }>('/api/evidence')).body;
    assert.equal(log.ok, true);
    assert.ok(log.entries.length > DEMO_SCANS.length);
    assert.ok(log.entries.every((e) => e.verification === 'verified'));
  });
});
