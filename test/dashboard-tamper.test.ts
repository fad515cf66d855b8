/**
 * The evidence log of the dashboard over a store changed behind its back: a record edited in place
 * shows as broken, the records after it as after-break, and auditors get no export of it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { AUDITOR_TOKEN, bearer, demoDashboard, OPERATOR_TOKEN } from './support/dashboard.js';

/** Rewrites a record's body as someone with write access to the database file could (append-only triggers dropped). */
function tamper(location: string, seq: number): void {
  const db = new Database(location);
  try {
    const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string; sql: string }>;
    for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
    db.prepare("UPDATE records SET body = replace(body, 'opened', 'closed') WHERE seq = ?").run(seq);
    for (const t of triggers) db.exec(t.sql);
  } finally {
    db.close();
  }
}

describe('dashboard evidence log over a tampered store', () => {
  it('marks the changed record broken and the later ones after-break; export is refused', async () => {
    const dash = await demoDashboard(new Date('2026-11-20T12:00:00Z'), { verifyMaxAgeMs: 0 });
    const read = async () => (await (await fetch(`${dash.base}/api/evidence?limit=500`, { headers: bearer(OPERATOR_TOKEN) })).json()) as { ok: boolean; problem: { seq: number } | null; entries: Array<{ seq: number; verification: string }> };
    const intact = await read();
    assert.equal(intact.ok, true);
    tamper(dash.location, 5);
    const log = await read();
    assert.equal(log.ok, false);
    assert.equal(log.problem?.seq, 5);
    for (const entry of log.entries) assert.equal(entry.verification, entry.seq < 5 ? 'verified' : entry.seq === 5 ? 'broken' : 'after-break', `record ${entry.seq}`);
    const exported = await fetch(`${dash.base}/api/export`, { headers: bearer(AUDITOR_TOKEN) });
    assert.equal(exported.status, 409);
    assert.match(((await exported.json()) as { error: string }).error, /does not verify \(record 5\)/);
  });
});
