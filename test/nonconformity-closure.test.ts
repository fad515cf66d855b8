/**
 * When a recorded scan may close a nonconformity: a control that passes, or a partly automatable
 * control (never `pass`) whose failing checks were all evaluated again without failing it. A check
 * that was disabled or did not run must not close it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkTransition, NcTransitionError, type Nonconformity } from '../src/isms/nonconformities.js';
import type { RecordEnvelope } from '../src/evidence/types.js';

const nc: Nonconformity = {
  id: 'NC-1', control: 'A.8.9', scope: 'shop', status: 'verified', checks: ['workload.privileged-container'],
  openedBy: 'r1', openedSeq: 1, openedAt: '2026-12-01T00:00:00Z', source: 'scan', history: [],
};

function scanShowing(control: Record<string, unknown>): RecordEnvelope {
  return {
    id: 'r2', seq: 2, type: 'scan', time: '2026-12-02T00:00:00Z', scope: { name: 'shop' }, tool: { name: 'annexa', version: 't' },
    configDigest: null, inputDigest: null, payload: { posture: [{ id: 'A.8.9', ...control }] }, payloadHash: '', prevHash: '',
  } as unknown as RecordEnvelope;
}

describe('closing a nonconformity', () => {
  it('is allowed when the control passes', () => {
    assert.doesNotThrow(() => checkTransition(nc, 'closed', scanShowing({ status: 'pass' })));
  });

  it('is allowed when a partial control evaluated every check that failed it', () => {
    const scan = scanShowing({ status: 'partial', coverage: { evaluated: ['workload.privileged-container', 'workload.host-pid'], notEvaluated: [] } });
    assert.doesNotThrow(() => checkTransition(nc, 'closed', scan));
  });

  it('is refused when a check that failed it was not evaluated (disabled, no input)', () => {
    const scan = scanShowing({ status: 'partial', coverage: { evaluated: ['workload.host-pid'], notEvaluated: [{ check: 'workload.privileged-container', reason: 'disabled' }] } });
    assert.throws(() => checkTransition(nc, 'closed', scan), (error: unknown) => error instanceof NcTransitionError && /without a new evaluation of workload\.privileged-container/.test(error.message));
  });

  it('is refused when the control still fails or was not assessed', () => {
    for (const status of ['fail', 'not-assessed', 'manual']) {
      assert.throws(() => checkTransition(nc, 'closed', scanShowing({ status, coverage: { evaluated: ['workload.privileged-container'] } })), NcTransitionError);
    }
  });

  it('is refused for a partial control when the nonconformity names no failing check (opened by hand)', () => {
    const scan = scanShowing({ status: 'partial', coverage: { evaluated: ['workload.privileged-container'] } });
    assert.throws(() => checkTransition({ ...nc, checks: [] }, 'closed', scan), NcTransitionError);
  });
});
