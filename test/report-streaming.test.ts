/**
 * Helpers of the streaming reporters: the spool that keeps rendered rows (on disk past its budget)
 * and the grouping of findings by resource. The streaming writers were checked byte for byte
 * against the writers they replaced on the example estate and a 1,500-resource generated corpus
 * before those were removed (branch issue-15, commit 9040aa9); the control posture has changed
 * since (coverage-aware statuses), so that oracle no longer describes the intended output.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Spool } from '../src/report/spool.js';
import { GroupedFindings } from '../src/report/grouped-findings.js';
import type { Finding } from '../src/resources/types.js';

describe('Spool', () => {
  it('gives back every line in order, across chunk boundaries and multi-byte characters', () => {
    const spool = new Spool(0);
    const lines = Array.from({ length: 60_000 }, (_, i) => `${i} ${'é€𝄞'.repeat(i % 13)} ${'x'.repeat(i % 97)}`);
    lines.forEach((line) => spool.append(line));
    assert.deepEqual([...spool.drain()], lines);
  });

  it('stays in memory below its budget, and is empty once drained', () => {
    const spool = new Spool();
    spool.append('a');
    spool.append('');
    spool.append('b');
    assert.deepEqual([...spool.drain()], ['a', '', 'b']);
    assert.deepEqual([...spool.drain()], []);
  });
});

describe('GroupedFindings', () => {
  const finding = (name: string, checkId: string, severity: Finding['severity'], outOfScope?: string): Finding => ({
    checkId, title: checkId, severity, path: 'spec', message: `${checkId} on ${name}`, remediation: '-', controls: { iso27001: [] },
    resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name },
    ...(outOfScope !== undefined ? { outOfScope: { reason: outOfScope } } : {}),
  });

  it('orders groups by first finding and merges late and duplicate findings into their group', () => {
    const counted: string[] = [];
    const groups = new GroupedFindings({ row: (f) => [f.severity, f.checkId, f.resource.name], outOfScope: (f) => void counted.push(f.checkId) });
    groups.resource([finding('a', 'c.low', 'low'), finding('a', 'c.high', 'high')]);
    groups.resource([finding('b', 'c.x', 'medium', 'excluded')]);
    groups.resource([finding('c', 'c.m', 'medium')]);
    groups.resource([finding('a', 'c.a-critical', 'critical')]);
    groups.lateFindings([finding('d', 'x.late', 'high'), finding('a', 'x.late', 'high'), finding('b', 'x.late', 'low')]);
    assert.deepEqual([...groups.groups()].map(([ref, rows]) => [ref, rows.map((r) => r[1])]), [
      ['Pod/ns/a', ['c.a-critical', 'c.high', 'x.late', 'c.low']],
      ['Pod/ns/b', ['x.late']],
      ['Pod/ns/c', ['c.m']],
      ['Pod/ns/d', ['x.late']],
    ]);
    assert.deepEqual(counted, ['c.x']);
    assert.equal(groups.findings, 7);
  });
});
