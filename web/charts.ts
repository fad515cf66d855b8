/** SVG charts drawn as elements (no markup strings): posture by theme and the trend of failing/passing controls. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { Trend } from './api.js';

export const STATUS_ORDER = ['fail', 'partial', 'pass', 'not-assessed', 'manual', 'not-applicable'] as const;

/** One horizontal stacked bar per theme, a segment per status. */
export function ThemeBars({ themes }: { themes: Array<{ theme: string; counts: Record<string, number> }> }): VNode {
  const width = 520;
  const rowHeight = 28;
  const labelWidth = 120;
  const max = Math.max(1, ...themes.map((t) => Object.values(t.counts).reduce((a, b) => a + b, 0)));
  return html`<svg class="chart" role="img" aria-label="Posture by theme" viewBox=${`0 0 ${width} ${themes.length * rowHeight + 4}`} width=${width} height=${themes.length * rowHeight + 4}>
    ${themes.map((theme, row) => {
      let x = labelWidth;
      return html`<g key=${theme.theme}>
        <text x="0" y=${row * rowHeight + 18} class="chart-label">${theme.theme}</text>
        ${STATUS_ORDER.map((status) => {
          const count = theme.counts[status] ?? 0;
          const w = (count / max) * (width - labelWidth - 10);
          const segment = html`<rect key=${status} x=${x} y=${row * rowHeight + 4} width=${w} height="18" class=${`seg seg-${status}`}><title>${`${theme.theme}: ${count} ${status}`}</title></rect>`;
          x += w;
          return segment;
        })}
      </g>`;
    })}
  </svg>`;
}

/** Lines of failing and passing (pass + partial) controls per recorded scan. */
export function TrendChart({ trend }: { trend: Trend }): VNode {
  const width = 520;
  const height = 180;
  const pad = 30;
  const total = (status: string[]) => trend.scans.map((_, i) => trend.themes.reduce((sum, theme) => sum + status.reduce((s, st) => s + (theme.points[i]?.[st] ?? 0), 0), 0));
  const series = [
    { name: 'fail', values: total(['fail']) },
    { name: 'pass', values: total(['pass', 'partial']) },
  ];
  if (trend.scans.length === 0) return html`<p class="muted">No recorded scans yet.</p>`;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number) => pad + (trend.scans.length === 1 ? 0 : (i / (trend.scans.length - 1)) * (width - 2 * pad));
  const y = (v: number) => height - pad - (v / max) * (height - 2 * pad);
  return html`<svg class="chart" role="img" aria-label="Trend of failing and passing controls" viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height}>
    <line x1=${pad} y1=${height - pad} x2=${width - pad} y2=${height - pad} class="axis" />
    <text x=${pad - 6} y=${y(max) + 4} class="chart-label" text-anchor="end">${max}</text>
    <text x=${pad - 6} y=${y(0) + 4} class="chart-label" text-anchor="end">0</text>
    ${series.map((s) => html`<g key=${s.name}>
      <polyline class=${`line line-${s.name}`} points=${s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')} />
      ${s.values.map((v, i) => html`<circle key=${i} cx=${x(i)} cy=${y(v)} r="3" class=${`dot line-${s.name}`}><title>${`${trend.scans[i]!.time.slice(0, 10)}: ${v} ${s.name === 'pass' ? 'pass or partial' : 'fail'}`}</title></circle>`)}
    </g>`)}
    ${trend.scans.map((scan, i) => html`<text key=${scan.seq} x=${x(i)} y=${height - 10} class="chart-label" text-anchor="middle">${scan.time.slice(5, 10)}</text>`)}
    <text x=${pad} y="14" class="chart-label legend-fail">fail</text>
    <text x=${pad + 40} y="14" class="chart-label legend-pass">pass or partial</text>
  </svg>`;
}
