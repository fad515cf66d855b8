/**
 * The shape of an audit detection, the way checks are written (engine/check.ts): metadata, a pure
 * function of one event, and its own examples (run by test/audit-detection-examples.test.ts).
 * A `burst` detection counts events per key (identity, source IP) and fires once per window.
 */
import type { ControlRefs, JsonObject, Severity } from '../resources/types.js';
import type { AuditEvent } from './event.js';
import type { CheckSet } from '../engine/evaluate.js';
import type { CheckContext } from '../engine/check.js';

export interface DetectionContext {
  /** The workload checks reused on request objects. */
  workloadChecks: CheckSet;
  checkContext: CheckContext;
}

/** The detection applies to the event and fires. */
export interface Hit {
  message: string;
  severity?: Severity;
  details?: JsonObject;
}

/** The detection applies to the event but the audit level left out what it needs to decide. */
export interface Undetermined {
  undetermined: string;
}

export type Outcome = Hit | Undetermined | undefined;

export interface DetectionMeta {
  /** Stable, kebab-case, `audit.` prefix. */
  id: string;
  title: string;
  severity: Severity;
  rationale: string;
  remediation: string;
  controls: ControlRefs;
  /** Corresponding third-party rules (Falco k8saudit rule names, Panther rule ids). */
  equivalents?: string[];
}

export interface EventDetection extends DetectionMeta {
  kind: 'event';
  detect(event: AuditEvent, ctx: DetectionContext): Outcome;
  examples: {
    /** Events that fire; `undetermined` examples are listed separately. */
    fire: AuditEvent[];
    quiet: AuditEvent[];
    undetermined?: AuditEvent[];
  };
}

export interface BurstSettings {
  threshold: number;
  windowSeconds: number;
}

export interface BurstDetection extends DetectionMeta {
  kind: 'burst';
  /** The keys (`user:alice`, `ip:10.0.0.1`) this event counts towards; none when it does not count. */
  keys(event: AuditEvent): string[];
  describe(key: string, count: number, settings: BurstSettings): string;
  examples: {
    /** Event sequences with the number of detections they must raise under the default settings. */
    sequences: Array<{ name: string; events: AuditEvent[]; detections: number }>;
  };
}

export type Detection = EventDetection | BurstDetection;

export function isHit(outcome: Outcome): outcome is Hit {
  return outcome !== undefined && 'message' in outcome;
}

export function defineDetection<T extends Detection>(detection: T): T {
  if (!/^audit\.[a-z0-9]+(-[a-z0-9]+)*$/.test(detection.id)) throw new Error(`detection id "${detection.id}" is not audit.kebab-case`);
  if (detection.controls.iso27001.length === 0) throw new Error(`detection ${detection.id} maps to no ISO/IEC 27001 control`);
  return detection;
}
