/** The audit reader and pipeline: formats, stage dedupe and its bound, bad lines, periods, and a mixed log. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeFiles, analyzeRecords } from '../src/audit/analyze.js';
import { StageDeduplicator } from '../src/audit/dedupe.js';
import type { AuditEvent } from '../src/audit/event.js';
import { auditEvent, HUMAN, KUBELET } from '../src/audit/detections/examples.js';
import { mixedLog, routineTraffic } from './support/audit-logs.js';
import { tempTree } from './support/scan-output.js';

describe('audit log: a mixed log', () => {
  it('gives exactly the exec, once, from its final stage, and the truncated line as an error', async () => {
    const { text, truncatedLine, execLine } = mixedLog();
    const dir = tempTree({ 'audit.log': text });
    const file = join(dir, 'audit.log');
    const result = await analyzeFiles([file]);
    assert.deepEqual(result.detections.map((d) => [d.ruleId, d.user, d.resource, d.namespace, d.name, d.line]), [['audit.pod-exec', HUMAN.username, 'pods/exec', 'shop', 'web-1', execLine]]);
    assert.equal(result.detections[0]!.time, '2026-03-02T10:05:00.000000Z');
    assert.deepEqual(result.detections[0]!.controls.iso27001, ['A.8.2', 'A.8.16', 'A.8.15']);
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0]!.file, file);
    assert.equal(result.errors[0]!.line, truncatedLine);
    assert.match(result.errors[0]!.message, /not valid JSON/);
    assert.equal(result.dedupe.merged, 1);
    assert.equal(result.records, routineTraffic().length - 1 + 2);
    assert.equal(result.events, routineTraffic().length - 1 + 1);
    assert.deepEqual(result.undetermined.byRule, {});
  });

  it('routine control-plane traffic alone raises nothing', () => {
    const result = analyzeRecords(routineTraffic().map((event, i) => ({ event, file: 'routine', line: i + 1 })));
    assert.deepEqual(result.detections.map((d) => d.message), []);
  });

  it('reads the same log gzip-compressed (detected by content, not by name), and reports a cut-off gzip', async () => {
    const { text } = mixedLog();
    const zipped = gzipSync(Buffer.from(text));
    const dir = tempTree({ 'audit.log.1': zipped, 'cut.gz': zipped.subarray(0, Math.floor(zipped.length * 0.6)) });
    const result = await analyzeFiles([join(dir, 'audit.log.1')]);
    assert.deepEqual(result.detections.map((d) => d.ruleId), ['audit.pod-exec']);
    const cut = await analyzeFiles([join(dir, 'cut.gz')]);
    assert.ok(cut.events > 0, 'the events before the cut are read');
    assert.ok(cut.errors.some((e) => /gzip: unexpected end of file/.test(e.message)), JSON.stringify(cut.errors));
  });
});

describe('audit log: formats', () => {
  const exec = auditEvent({ verb: 'create', requestURI: '/api/v1/namespaces/a/pods/p/exec?command=id', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'a', name: 'p' }, responseStatus: { code: 101 } });

  it('reads an EventList on one line, a pretty-printed EventList, and a v1beta1 event with only timestamp', async () => {
    const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [exec, auditEvent({ user: KUBELET })] };
    const { stageTimestamp: _s, requestReceivedTimestamp: _r, ...rest } = exec;
    const beta = { ...rest, apiVersion: 'audit.k8s.io/v1beta1', auditID: 'beta-1', timestamp: '2018-10-26T13:38:34Z' };
    const dir = tempTree({ 'list.json': JSON.stringify(list), 'pretty.json': JSON.stringify(list, null, 2), 'beta.log': JSON.stringify(beta) });
    for (const name of ['list.json', 'pretty.json']) {
      const result = await analyzeFiles([join(dir, name)]);
      assert.deepEqual(result.errors, []);
      assert.equal(result.events, 2, name);
      assert.deepEqual(result.detections.map((d) => d.ruleId), ['audit.pod-exec'], name);
    }
    const beta1 = await analyzeFiles([join(dir, 'beta.log')]);
    assert.equal(beta1.detections[0]!.time, '2018-10-26T13:38:34Z');
  });

  it('reports every kind of bad line with its line number and reads on', async () => {
    const text = ['[1, 2]', '"text"', '{"kind":"Pod","apiVersion":"v1"}', '{"apiVersion":"audit.k8s.io/v2","verb":"get"}', '{"verb": 5}', '{"user":"alice","verb":"get"}', '{}', '', JSON.stringify(exec), '{"kind":"EventList","items":[{"verb":"get"},{"nope":1}]}'].join('\n');
    const dir = tempTree({ 'bad.log': text });
    const result = await analyzeFiles([join(dir, 'bad.log')]);
    assert.deepEqual(result.errors.map((e) => e.line), [1, 1, 2, 3, 4, 5, 6, 7, 10]);
    assert.equal(result.events, 2);
    assert.deepEqual(result.detections.map((d) => d.ruleId), ['audit.pod-exec']);
    const missing = await analyzeFiles([join(dir, 'nope.log')]);
    assert.deepEqual(missing.errors.map((e) => e.message), ['no such file']);
  });

  it('skips a line longer than the limit and reads the next', async () => {
    const { readAuditFile } = await import('../src/audit/reader.js');
    const long = JSON.stringify(auditEvent({ userAgent: 'x'.repeat(5000) }));
    const dir = tempTree({ 'long.log': `${long}\n${JSON.stringify(exec)}\n` });
    const errors: Array<{ line?: number; message: string }> = [];
    const read = [];
    for await (const record of readAuditFile(join(dir, 'long.log'), { maxLineBytes: 1024, onError: (e) => errors.push(e) })) read.push(record);
    assert.deepEqual(errors.map((e) => e.line), [1]);
    assert.deepEqual(read.map((r) => r.line), [2]);
  });

  it('--since/--until keep the events of the period', async () => {
    const at = (time: string) => auditEvent({ ...exec, auditID: time, stageTimestamp: time });
    const records = ['2026-03-01T23:59:59Z', '2026-03-02T00:00:00Z', '2026-03-02T12:00:00Z', '2026-03-03T00:00:00Z'].map((t, i) => ({ event: at(t), file: 'f', line: i + 1 }));
    const result = analyzeRecords(records, { since: new Date('2026-03-02T00:00:00Z'), until: new Date('2026-03-03T00:00:00Z') });
    assert.equal(result.events, 2);
    assert.equal(result.outsidePeriod, 2);
    assert.deepEqual(result.detections.map((d) => d.time), ['2026-03-02T00:00:00Z', '2026-03-02T12:00:00Z']);
  });
});

describe('audit log: stage dedupe', () => {
  const stage = (id: string, stageName: string, code?: number) => ({ event: auditEvent({ auditID: id, stage: stageName, ...(code ? { responseStatus: { code } } : { responseStatus: undefined }) }), file: 'f', line: 0 });

  it('keeps the final stage, merges the others, and never holds more than its window', () => {
    const dedupe = new StageDeduplicator<ReturnType<typeof stage>>(3);
    const out: Array<ReturnType<typeof stage>> = [];
    let largest = 0;
    for (let i = 0; i < 10; i++) {
      dedupe.push(stage(`r${i}`, 'RequestReceived'), out);
      largest = Math.max(largest, dedupe.size);
    }
    assert.equal(largest, 3);
    // Seven were pushed out of the window before their final stage: emitted as they were.
    assert.equal(dedupe.stats.evictedEarly, 7);
    assert.equal(out.length, 7);
    dedupe.push(stage('r9', 'ResponseComplete', 200), out);
    assert.equal(out.length, 8);
    assert.equal(out[7]!.event.stage, 'ResponseComplete');
    dedupe.push(stage('r9', 'ResponseComplete', 200), out);
    assert.equal(out.length, 8, 'a repeated final stage is merged');
    dedupe.flush(out);
    assert.deepEqual(out.slice(8).map((r) => r.event.auditID), ['r7', 'r8']);
  });

  it('an exec seen only at ResponseStarted (session still open at the end of the log) is still reported', () => {
    const open = auditEvent({ auditID: 'open-1', stage: 'ResponseStarted', verb: 'create', requestURI: '/api/v1/namespaces/a/pods/p/exec?command=sh', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'a', name: 'p' }, responseStatus: { code: 101 } });
    const result = analyzeRecords([{ event: { ...open, stage: 'RequestReceived', responseStatus: undefined }, file: 'f', line: 1 }, { event: open, file: 'f', line: 2 }]);
    assert.deepEqual(result.detections.map((d) => [d.ruleId, d.line]), [['audit.pod-exec', 2]]);
  });
});
