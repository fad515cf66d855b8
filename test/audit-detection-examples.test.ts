/** Runs every audit detection's own examples, as check-examples.test.ts does for checks. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditDetections } from '../src/audit/detections/index.js';
import { analyzeRecords } from '../src/audit/analyze.js';
import type { AuditEvent } from '../src/audit/event.js';
import type { Detection } from '../src/audit/detection.js';
import { isoControl } from '../src/frameworks/iso27001.js';

function run(detection: Detection, events: AuditEvent[]) {
  return analyzeRecords(events.map((event, i) => ({ event, file: 'example', line: i + 1 })), { detections: [detection] });
}

describe('audit detection examples', () => {
  it('detection ids are unique and audit.kebab-case', () => {
    const ids = auditDetections.map((d) => d.id);
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
    for (const id of ids) assert.match(id, /^audit\.[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('every detection maps to Annex A controls that exist', () => {
    for (const detection of auditDetections) {
      assert.ok(detection.controls.iso27001.length > 0, detection.id);
      for (const control of detection.controls.iso27001) assert.ok(isoControl(control), `${detection.id}: ${control}`);
    }
  });

  for (const detection of auditDetections) {
    describe(detection.id, () => {
      if (detection.kind === 'burst') {
        it('has sequences that fire and sequences that do not', () => {
          assert.ok(detection.examples.sequences.some((s) => s.detections > 0));
          assert.ok(detection.examples.sequences.some((s) => s.detections === 0));
        });
        for (const sequence of detection.examples.sequences) {
          it(`${sequence.name}: ${sequence.detections} detection(s)`, () => {
            const result = run(detection, sequence.events);
            assert.equal(result.detections.length, sequence.detections, JSON.stringify(result.detections.map((d) => d.message)));
          });
        }
        return;
      }
      it('has events that fire and events that do not', () => {
        assert.ok(detection.examples.fire.length > 0);
        assert.ok(detection.examples.quiet.length > 0);
      });
      detection.examples.fire.forEach((event, i) => {
        it(`fires on example #${i + 1}`, () => {
          const result = run(detection, [event]);
          assert.equal(result.detections.length, 1, JSON.stringify(result.undetermined));
          const [found] = result.detections;
          assert.equal(found!.ruleId, detection.id);
          assert.ok(found!.message.length > 0);
          assert.deepEqual(found!.controls, detection.controls);
        });
      });
      detection.examples.quiet.forEach((event, i) => {
        it(`stays quiet on example #${i + 1}`, () => {
          const result = run(detection, [event]);
          assert.deepEqual(result.detections.map((d) => d.message), []);
          assert.deepEqual(result.undetermined.byRule, {});
        });
      });
      (detection.examples.undetermined ?? []).forEach((event, i) => {
        it(`says the audit level is too low on example #${i + 1}`, () => {
          const result = run(detection, [event]);
          assert.deepEqual(result.detections, []);
          assert.equal(result.undetermined.byRule[detection.id], 1);
          assert.match(result.undetermined.samples[0]!.reason, /requestObject/);
        });
      });
    });
  }
});
