/** The dashboard's authenticator on its own: tokens and digests, roles, session expiry, the bound on failed logins. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator, csrfMatches, mayEdit, mayExport, sessionIdOf, tokenDigest } from '../src/dashboard/auth.js';

const OPERATOR = 'operator-token-0123456789abcdef';
const VIEWER = 'viewer-token-0123456789abcdef';

function clock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('dashboard authenticator', () => {
  it('knows the operator (admin) and the configured users by their token digests, and nobody else', () => {
    const auth = new Authenticator(OPERATOR, [{ name: 'vera', role: 'viewer', tokenSha256: tokenDigest(VIEWER).toString('hex') }]);
    assert.deepEqual(auth.principalOfToken(OPERATOR), { user: 'operator', role: 'admin' });
    assert.deepEqual(auth.principalOfHeader(`Bearer ${VIEWER}`), { user: 'vera', role: 'viewer' });
    assert.equal(auth.principalOfToken(tokenDigest(VIEWER).toString('hex')), undefined, 'the digest is not the token');
    assert.equal(auth.principalOfHeader(`Basic ${OPERATOR}`), undefined);
    assert.equal(auth.principalOfHeader('Bearer'), undefined);
    assert.equal(auth.principalOfToken(''), undefined);
  });

  it('gives roles their rights: viewers read, auditors also export, admins also edit', () => {
    assert.deepEqual([mayExport('viewer'), mayEdit('viewer')], [false, false]);
    assert.deepEqual([mayExport('auditor'), mayEdit('auditor')], [true, false]);
    assert.deepEqual([mayExport('admin'), mayEdit('admin')], [true, true]);
  });

  it('expires sessions after eight hours and closes them on logout', () => {
    const time = clock();
    const auth = new Authenticator(OPERATOR, [], time.now);
    const session = auth.openSession({ user: 'operator', role: 'admin' });
    assert.equal(auth.session(session.id)?.user, 'operator');
    assert.equal(auth.session(sessionIdOf(`a=b; annexa_session=${session.id}; c=d`))?.id, session.id);
    time.advance(8 * 3600 * 1000 - 1);
    assert.ok(auth.session(session.id));
    time.advance(1);
    assert.equal(auth.session(session.id), undefined);
    const other = auth.openSession({ user: 'operator', role: 'admin' });
    auth.closeSession(other.id);
    assert.equal(auth.session(other.id), undefined);
    assert.equal(auth.session(undefined), undefined);
  });

  it('matches CSRF tokens exactly', () => {
    const session = new Authenticator(OPERATOR).openSession({ user: 'operator', role: 'admin' });
    assert.equal(csrfMatches(session, session.csrf), true);
    assert.equal(csrfMatches(session, `${session.csrf}x`), false);
    assert.equal(csrfMatches(session, session.csrf.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))), false);
    assert.equal(csrfMatches(session, undefined), false);
  });

  it('stops a client after ten failed logins in a minute, and lets it try again a minute later', () => {
    const time = clock();
    const auth = new Authenticator(OPERATOR, [], time.now);
    for (let i = 0; i < 10; i++) {
      assert.equal(auth.mayTryLogin('10.0.0.1'), true);
      auth.recordFailure('10.0.0.1');
    }
    assert.equal(auth.mayTryLogin('10.0.0.1'), false);
    assert.equal(auth.mayTryLogin('10.0.0.2'), true, 'other clients are not affected');
    time.advance(60_001);
    assert.equal(auth.mayTryLogin('10.0.0.1'), true);
  });
});
