/**
 * What scans in a period say about controls: the latest posture, pass/fail counts per control and
 * per theme over time (`annexa evidence trend`, and the posture summary of export bundles).
 */
import type { RecordEnvelope } from './types.js';

export interface ScanPoint {
  seq: number;
  record: string;
  time: string;
  scope: string;
}

interface PostureEntry {
  id: string;
  title?: string;
  theme?: string;
  status: string;
}

export interface ControlTrend {
  id: string;
  title: string;
  theme: string;
  /** Status in each scan, in the order of `scans`. */
  statuses: string[];
  pass: number;
  fail: number;
  latest: string;
}

export interface ThemeTrend {
  theme: string;
  /** Per scan: how many of the theme's controls had each status. */
  points: Array<Record<string, number>>;
}

export interface Trend {
  scans: ScanPoint[];
  controls: ControlTrend[];
  themes: ThemeTrend[];
}

function postureOf(record: RecordEnvelope): PostureEntry[] {
  const posture = (record.payload as { posture?: unknown }).posture;
  return Array.isArray(posture) ? posture.filter((c): c is PostureEntry => Boolean(c) && typeof c === 'object' && typeof (c as PostureEntry).id === 'string') : [];
}

function scopeLabel(scope: unknown): string {
  return scope && typeof scope === 'object' && typeof (scope as { name?: unknown }).name === 'string' ? (scope as { name: string }).name : JSON.stringify(scope);
}

/** Trend over scan records (in seq order). Memory: one status per control per scan. */
export function buildTrend(scans: Iterable<RecordEnvelope>): Trend {
  const builder = new TrendBuilder();
  for (const scan of scans) builder.add(scan);
  return builder.result();
}

/**
 * The trend built one scan at a time, so that a caller streaming records (bundle export) need not
 * hold the scans: it keeps one status per control per scan, not the records.
 */
export class TrendBuilder {
  private readonly points: ScanPoint[] = [];
  private readonly controls = new Map<string, ControlTrend>();
  private readonly themes = new Map<string, ThemeTrend>();

  add(scan: RecordEnvelope): void {
    const index = this.points.length;
    this.points.push({ seq: scan.seq, record: scan.id, time: scan.time, scope: scopeLabel(scan.scope) });
    for (const entry of postureOf(scan)) {
      let trend = this.controls.get(entry.id);
      if (!trend) this.controls.set(entry.id, (trend = { id: entry.id, title: entry.title ?? '', theme: entry.theme ?? '', statuses: [], pass: 0, fail: 0, latest: entry.status }));
      while (trend.statuses.length < index) trend.statuses.push('absent');
      trend.statuses.push(entry.status);
      trend.latest = entry.status;
      if (entry.status === 'pass') trend.pass += 1;
      if (entry.status === 'fail') trend.fail += 1;
      const theme = entry.theme ?? 'unknown';
      let themeTrend = this.themes.get(theme);
      if (!themeTrend) this.themes.set(theme, (themeTrend = { theme, points: [] }));
      while (themeTrend.points.length <= index) themeTrend.points.push({});
      const point = themeTrend.points[index]!;
      point[entry.status] = (point[entry.status] ?? 0) + 1;
    }
  }

  result(): Trend {
    const count = this.points.length;
    const controls = [...this.controls.values()].map((trend) => ({ ...trend, statuses: padded(trend.statuses, count, () => 'absent') }));
    const themes = [...this.themes.values()].map((theme) => ({ ...theme, points: padded(theme.points, count, () => ({})) }));
    return { scans: [...this.points], controls, themes };
  }
}

function padded<T>(list: readonly T[], length: number, fill: () => T): T[] {
  const copy = [...list];
  while (copy.length < length) copy.push(fill());
  return copy;
}
