/**
 * What `annexa watch` exposes on /metrics (prom-client, names prefixed `annexa_`), refreshed at
 * each flush from the live evaluation: findings by check and severity, control status by control
 * and theme, objects watched per kind, evaluation latency per change, watch restarts, and the
 * time of the last full evaluation.
 */
import { Gauge } from 'prom-client';
import { createMetrics, prefixed, type ServerMetrics } from '../server/metrics.js';
import { CONTROL_STATUSES } from '../posture/posture.js';
import { SEVERITIES } from '../resources/types.js';
import type { FlushEvent, Watcher, WatchRestartReason } from './watcher.js';

/** Latency buckets in seconds for a change: from 1 ms to 30 s (a cross-resource check over a large estate). */
const CHANGE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface WatchMetrics {
  metrics: ServerMetrics;
  /** Updates the gauges after a flush. */
  flushed(event: FlushEvent, watcher: Watcher): void;
  restarted(kind: string, reason: WatchRestartReason): void;
}

export function createWatchMetrics(): WatchMetrics {
  const metrics = createMetrics({ defaultLabels: { component: 'watch' } });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name: prefixed(name), help, labelNames, registers: [metrics.registry] });
  const findings = gauge('findings', 'In-scope findings not accepted by an exception, by check and severity', ['check', 'severity'] as const);
  const controls = gauge('control_status', '1 for the status each Annex A control has now, by control, theme and status', ['control', 'theme', 'status'] as const);
  const watched = gauge('resources_watched', 'Objects held, by kind', ['kind'] as const);
  const lastFull = gauge('last_full_evaluation_timestamp_seconds', 'When every check last ran over the whole estate (Unix time)', [] as const);
  const evaluation = metrics.histogram('evaluation_latency_seconds', 'From a change arriving to its findings and posture being current', [] as const, CHANGE_BUCKETS);
  const flushDuration = metrics.histogram('flush_duration_seconds', 'Duration of one re-evaluation of the changes gathered (cross-resource checks and posture)', ['full'] as const, CHANGE_BUCKETS);
  const restarts = metrics.counter('watch_restarts_total', 'Watches started again, by kind and reason (timeout: the server ended it; expired: 410, relisted; error: after back-off)', ['kind', 'reason'] as const);
  const changes = metrics.counter('changes_total', 'Object changes evaluated', [] as const);

  return {
    metrics,
    restarted(kind, reason) {
      restarts.inc({ kind, reason });
    },
    flushed(event, watcher) {
      for (const ms of event.latencies) evaluation.observe(ms / 1000);
      flushDuration.observe({ full: String(event.full) }, event.durationMs / 1000);
      changes.inc(event.changeCount);
      if (event.full) lastFull.set(Date.now() / 1000);
      findings.reset();
      for (const [check, bySeverity] of watcher.live.findingCounts()) {
        for (const severity of SEVERITIES) {
          const count = bySeverity[severity] ?? 0;
          if (count > 0) findings.set({ check, severity }, count);
        }
      }
      for (const control of event.posture) {
        for (const status of CONTROL_STATUSES) controls.set({ control: control.id, theme: control.theme, status }, control.status === status ? 1 : 0);
      }
      watched.reset();
      for (const [kind, count] of watcher.live.countsByKind()) watched.set({ kind }, count);
    },
  };
}
