/**
 * `-o html`: one self-contained page for an audit file (inline CSS and SVG, no script, no network
 * reference), printable to PDF: summary and charts, posture by Annex A theme and control, the
 * Statement of Applicability with its document-control header, findings by control and by
 * resource with remediation, exceptions with expiry, scope, input errors.
 *
 * Streamed: findings are rendered to table rows as they arrive and kept in spools (by control in a
 * KeyedSpool, by resource in GroupedFindings), never as Finding objects; the page is written line
 * by line at the end. Every value that comes from input or configuration goes through escapeHtml.
 */
import type { ScanOutcome } from '../posture/outcome.js';
import type { ControlStatus, ControlStatusValue } from '../posture/posture.js';
import { CONTROL_STATUSES } from '../posture/posture.js';
import type { StatementOfApplicability } from '../posture/soa.js';
import type { Finding, Severity } from '../resources/types.js';
import { formatRef, SEVERITIES } from '../resources/types.js';
import type { ReporterFactory } from './reporter.js';
import { GroupedFindings, type Row } from './grouped-findings.js';
import { KeyedSpool } from './keyed-spool.js';
import { Spool } from './spool.js';
import { controlsText, locationText } from './table.js';
import { documentSection, escapeHtml, soaControlsTable, soaScopeSection } from './soa/html.js';

const THEMES = ['organizational', 'people', 'physical', 'technological'] as const;

/** Colours by class, for screen and print; nothing is loaded from elsewhere (no url(), no @import). */
export const HTML_STYLE = `
:root{--critical:#7f0019;--high:#c62828;--medium:#ef6c00;--low:#f9a825;--info:#607d8b;--pass:#2e7d32;--fail:#c62828;--partial:#f9a825;--not-assessed:#90a4ae;--manual:#5c6bc0;--not-applicable:#cfd8dc}
body{font:13px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;color:#111;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}h3{font-size:1rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left;overflow-wrap:anywhere}
th{background:#f0f0f0}tr:nth-child(even) td{background:#fafafa}code{font:12px ui-monospace,Menlo,Consolas,monospace}
.meta{color:#444}.note{color:#555;font-size:12px}.cards{display:flex;flex-wrap:wrap;gap:.6rem}.card{border:1px solid #ccc;border-radius:6px;padding:.4rem .8rem;min-width:7rem}
.card b{display:block;font-size:1.3rem}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}svg text{font:11px system-ui,sans-serif;fill:#222}
.sev{font-weight:600}.sev-critical{color:var(--critical)}.sev-high{color:var(--high)}.sev-medium{color:var(--medium)}.sev-low{color:#8d6e00}.sev-info{color:var(--info)}
.status{font-weight:600}.status-pass{color:var(--pass)}.status-fail{color:var(--fail)}.status-partial{color:#8a5a00}.status-not-assessed,.status-not-applicable{color:#555}.status-manual{color:var(--manual)}
.bar-critical{fill:var(--critical)}.bar-high{fill:var(--high)}.bar-medium{fill:var(--medium)}.bar-low{fill:var(--low)}.bar-info{fill:var(--info)}.bar-control{fill:#455a64}
.bar-pass{fill:var(--pass)}.bar-fail{fill:var(--fail)}.bar-partial{fill:var(--partial)}.bar-not-assessed{fill:var(--not-assessed)}.bar-manual{fill:var(--manual)}.bar-not-applicable{fill:var(--not-applicable)}
.expired{color:var(--fail);font-weight:600}.conflict{color:#b00020;font-weight:600}.remediation{background:#f6f8fa;border-left:3px solid #90a4ae;padding:.3rem .6rem;margin:.3rem 0}
@media print{body{margin:0;max-width:none;font-size:9pt}h2{break-after:avoid}h3{break-after:avoid}thead{display:table-header-group}tr,.card,svg{break-inside:avoid}}
`;

export interface HtmlReportContext {
  /** The Statement of Applicability of this run (the command builds it: it holds the configuration and input digests). */
  soa?(outcome: ScanOutcome): StatementOfApplicability;
  /** The report's time (RFC 3339); default: when the report is written. */
  time?: string;
  /** `evidence export -o html`: the store, its verification and the records of the period. */
  evidence?: EvidenceSummary;
}

export interface EvidenceSummary {
  store: string;
  verified: boolean;
  /** Why the chain does not verify. */
  problem?: string;
  period: string;
  /** The scan record the page's posture and findings come from. */
  scan: { id: string; seq: number; time: string };
  records: Array<{ seq: number; id: string; type: string; time: string; summary: string }>;
}

function* evidenceSection(evidence: EvidenceSummary | undefined): Generator<string> {
  if (!evidence) return;
  yield '<h2 id="evidence">Evidence</h2>';
  yield `<p>Store ${escapeHtml(evidence.store)}: the hash chain ${evidence.verified ? '<span class="status status-pass">verifies</span>' : `<span class="status status-fail">does not verify</span> (${escapeHtml(evidence.problem ?? 'unknown problem')})`}. `
    + `Period: ${escapeHtml(evidence.period)}. This page shows scan record ${evidence.scan.seq} (${escapeHtml(evidence.scan.id)}, ${escapeHtml(evidence.scan.time)}), the latest of the period.</p>`;
  yield* table(['Seq', 'Type', 'Time', 'Record', 'Summary'], evidence.records.map((r) => `<tr>${td(String(r.seq))}${td(r.type)}${td(r.time)}${tdCode(r.id)}${td(r.summary)}</tr>`));
}

function td(text: string, cls?: string): string {
  return cls ? `<td class="${cls}">${escapeHtml(text)}</td>` : `<td>${escapeHtml(text)}</td>`;
}

function tdCode(text: string): string {
  return `<td><code>${escapeHtml(text)}</code></td>`;
}

function sevCell(severity: Severity): string {
  return `<td class="sev sev-${severity}">${severity}</td>`;
}

function statusCell(status: ControlStatusValue): string {
  return `<td class="status status-${status}">${status}</td>`;
}

function table(header: readonly string[], rows: Iterable<string>): Generator<string> {
  return (function* () {
    yield `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>`;
    for (const row of rows) yield row;
    yield '</tbody></table>';
  })();
}

export interface Bar {
  label: string;
  value: number;
  /** CSS class of the bar (from a fixed set: severities, statuses, `control`). */
  cls: string;
}

/** A horizontal bar chart as inline SVG; labels are escaped, sizes computed from the numbers only. */
export function barChart(title: string, bars: readonly Bar[], width = 460): string {
  const rowHeight = 20;
  const labelWidth = 150;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plot = width - labelWidth - 60;
  const height = bars.length * rowHeight + 24;
  const rows = bars.map((bar, i) => {
    const y = 20 + i * rowHeight;
    const w = bar.value === 0 ? 0 : Math.max(1, Math.round((bar.value / max) * plot));
    return `<text x="${labelWidth - 6}" y="${y + 13}" text-anchor="end">${escapeHtml(bar.label)}</text>`
      + `<rect class="bar-${bar.cls}" x="${labelWidth}" y="${y + 2}" width="${w}" height="${rowHeight - 6}"/>`
      + `<text x="${labelWidth + w + 4}" y="${y + 13}">${bar.value}</text>`;
  }).join('');
  return `<svg role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`
    + `<text x="0" y="13" font-weight="600">${escapeHtml(title)}</text>${rows}</svg>`;
}

/** One bar per status, stacked, for the controls of a theme. */
function stackedBar(counts: Record<ControlStatusValue, number>, width = 360): string {
  const total = CONTROL_STATUSES.reduce((n, s) => n + counts[s], 0);
  if (total === 0) return '';
  let x = 0;
  const parts = CONTROL_STATUSES.filter((s) => counts[s] > 0).map((status) => {
    const w = (counts[status] / total) * width;
    const rect = `<rect class="bar-${status}" x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="14"><title>${status}: ${counts[status]}</title></rect>`;
    x += w;
    return rect;
  });
  return `<svg role="img" aria-label="control status" width="${width}" height="14" viewBox="0 0 ${width} 14">${parts.join('')}</svg>`;
}

function statusCounts(controls: readonly ControlStatus[]): Record<ControlStatusValue, number> {
  const counts = Object.fromEntries(CONTROL_STATUSES.map((s) => [s, 0])) as Record<ControlStatusValue, number>;
  for (const control of controls) counts[control.status] += 1;
  return counts;
}

function* summarySection(outcome: ScanOutcome, excepted: number): Generator<string> {
  const { summary } = outcome;
  const cards: Array<[string, number]> = [
    ['Resources', summary.resources], ['Files', summary.files], ['Findings', summary.findings],
    ['Out of scope', summary.outOfScopeFindings], ['Excepted', excepted], ['Input errors', outcome.errors.length],
  ];
  yield '<h2 id="summary">Summary</h2><div class="cards">';
  for (const [label, value] of cards) yield `<div class="card"><b>${value}</b>${escapeHtml(label)}</div>`;
  yield '</div><div class="charts">';
  yield barChart('Findings by severity', SEVERITIES.map((s) => ({ label: s, value: summary.bySeverity[s], cls: s })));
  const byControl = outcome.controls.filter((c) => c.findings > 0).sort((a, b) => b.findings - a.findings).slice(0, 15);
  if (byControl.length > 0) yield barChart('Findings by control (top 15)', byControl.map((c) => ({ label: c.id, value: c.findings, cls: 'control' })));
  yield '</div>';
}

function* postureSection(controls: readonly ControlStatus[]): Generator<string> {
  yield '<h2 id="posture">ISO/IEC 27001:2022 Annex A posture</h2>';
  if (controls.length === 0) {
    yield '<p>No posture: the input yielded no resource.</p>';
    return;
  }
  const themeRows = THEMES.map((theme) => {
    const counts = statusCounts(controls.filter((c) => c.theme === theme));
    const total = CONTROL_STATUSES.reduce((n, s) => n + counts[s], 0);
    return `<tr>${td(theme)}${td(String(total))}${CONTROL_STATUSES.map((s) => td(String(counts[s]))).join('')}<td>${stackedBar(counts)}</td></tr>`;
  });
  yield* table(['Theme', 'Controls', ...CONTROL_STATUSES, 'Status'], themeRows);
  yield '<h3>Controls</h3>';
  yield* table(['Control', 'Title', 'Theme', 'Status', 'Findings', 'Checks evaluated', 'Owner'], controls.map((c) =>
    `<tr>${td(c.id)}${td(c.title)}${td(c.theme)}${statusCell(c.status)}${td(String(c.findings))}${td(`${c.checksEvaluated.length} of ${c.checks.length}`)}${td(c.owner ?? '')}</tr>`
    + (c.conflict ? `<tr><td colspan="7" class="conflict">${escapeHtml(`${c.id}: ${c.conflict}`)}</td></tr>` : '')));
}

function* soaSection(soa: StatementOfApplicability | undefined): Generator<string> {
  yield '<h2 id="soa">Statement of Applicability</h2>';
  if (!soa) {
    yield '<p>Not included: this command has no Statement of Applicability (see <code>annexa soa</code>).</p>';
    return;
  }
  yield documentSection(soa);
  yield soaScopeSection(soa);
  yield '<h3>Controls</h3>';
  yield soaControlsTable(soa);
}

interface ControlFindings {
  spool: KeyedSpool;
  /** Per control, the checks with findings there (their remediation is shown once per control). */
  checks: Map<string, Set<string>>;
}

function* byControlSection(groups: ControlFindings, outcome: ScanOutcome): Generator<string> {
  yield '<h2 id="by-control">Findings by control</h2>';
  const remediation = new Map(outcome.checks.map((c) => [c.id, c.remediation]));
  const known = new Set(groups.spool.keys());
  if (known.size === 0) yield '<p>No findings.</p>';
  const ordered = [...outcome.controls.map((c) => c.id).filter((id) => known.has(id)), ...[...known].filter((id) => !outcome.controls.some((c) => c.id === id))];
  const titles = new Map(outcome.controls.map((c) => [c.id, c]));
  for (const id of ordered) {
    const control = titles.get(id);
    yield `<h3>${escapeHtml(id)} ${escapeHtml(control?.title ?? '')} <span class="note">(${groups.spool.count(id)} findings${control ? `, ${control.status}` : ''})</span></h3>`;
    yield* table(['Severity', 'Check', 'Resource', 'Message', 'Path'], groups.spool.drain(id));
    for (const checkId of groups.checks.get(id) ?? []) {
      yield `<div class="remediation"><code>${escapeHtml(checkId)}</code>: ${escapeHtml(remediation.get(checkId) ?? '')}</div>`;
    }
  }
}

/** Cells of a finding in the by-resource table (GroupedFindings rows: severity, check id, then these). */
function resourceRow(finding: Finding): Row {
  return [finding.severity, finding.checkId, tdCode(locationText(finding.location, true) || '-'), td(finding.message), tdCode(finding.path), td(controlsText(finding.controls))];
}

/** Each resource's findings, then the remediation of each of its checks once (not on every row: the page stays small). */
function* byResourceSection(groups: GroupedFindings, outcome: ScanOutcome): Generator<string> {
  yield '<h2 id="by-resource">Findings by resource</h2>';
  const remediation = new Map(outcome.checks.map((c) => [c.id, c.remediation]));
  let any = false;
  for (const [ref, rows] of groups.groups()) {
    any = true;
    yield `<h3>${escapeHtml(ref)}</h3>`;
    yield* table(['Severity', 'Check', 'Location', 'Message', 'Path', 'Controls'], rows.map(([severity, checkId, ...cells]) => `<tr>${sevCell(severity)}${tdCode(checkId)}${cells.join('')}</tr>`));
    for (const checkId of new Set(rows.map((row) => row[1]))) {
      const text = remediation.get(checkId);
      if (text) yield `<div class="remediation"><code>${escapeHtml(checkId)}</code>: ${escapeHtml(text)}</div>`;
    }
  }
  if (!any) yield '<p>No findings.</p>';
}

function* exceptionsSection(rows: Spool, count: number, outcome: ScanOutcome, today: string): Generator<string> {
  yield '<h2 id="exceptions">Exceptions (accepted risk)</h2>';
  const notices = outcome.exceptionNotices ?? [];
  if (count === 0 && notices.length === 0) {
    yield '<p>No finding is accepted by an exception.</p>';
    return;
  }
  if (count > 0) {
    yield `<p>${count} finding${count === 1 ? '' : 's'} accepted in annexa.yaml (reported, not failing) as of ${escapeHtml(today)}.</p>`;
    yield* table(['Check', 'Resource', 'Justification', 'Approved by', 'Expires', 'Ticket'], rows.drain());
  }
  for (const notice of notices) yield `<p class="${notice.status === 'expired' ? 'expired' : 'note'}">${escapeHtml(notice.message)}</p>`;
}

function* scopeSection(outOfScope: ReadonlyMap<string, number>): Generator<string> {
  yield '<h2 id="scope">Out of scope</h2>';
  if (outOfScope.size === 0) {
    yield '<p>No finding is outside the ISMS scope.</p>';
    return;
  }
  yield* table(['Reason', 'Findings (not counted against controls)'], [...outOfScope].map(([reason, n]) => `<tr>${td(reason)}${td(String(n))}</tr>`));
}

function* errorsSection(outcome: ScanOutcome): Generator<string> {
  if (outcome.errors.length === 0) return;
  yield '<h2 id="errors">Input errors</h2>';
  yield* table(['Where', 'Error'], outcome.errors.map((e) => `<tr>${tdCode(locationText(e, true) || e.file)}${td(e.message)}</tr>`));
}

function exceptionRow(finding: Finding, today: string): string {
  const e = finding.excepted!;
  return `<tr>${tdCode(finding.checkId)}${td(formatRef(finding.resource))}${td(e.justification)}${td(e.approvedBy)}${td(e.expires, e.expires < today ? 'expired' : undefined)}${td(e.ticket ?? '-')}</tr>`;
}

function controlRow(finding: Finding): string {
  return `<tr>${sevCell(finding.severity)}${tdCode(finding.checkId)}${td(formatRef(finding.resource))}${td(finding.message)}${tdCode(finding.path)}</tr>`;
}

export const htmlReporter: ReporterFactory = ({ write, toolVersion, html }) => {
  const time = html?.time ?? new Date().toISOString();
  const today = time.slice(0, 10);
  const outOfScope = new Map<string, number>();
  const exceptions = new Spool();
  let excepted = 0;
  const byControl: ControlFindings = { spool: new KeyedSpool(), checks: new Map() };
  const byResource = new GroupedFindings({
    row: resourceRow,
    outOfScope(finding) {
      const reason = finding.outOfScope!.reason;
      outOfScope.set(reason, (outOfScope.get(reason) ?? 0) + 1);
    },
    excepted(finding) {
      excepted += 1;
      exceptions.append(exceptionRow(finding, today));
    },
  });
  const fileByControl = (findings: readonly Finding[]) => {
    for (const finding of findings) {
      if (finding.outOfScope || finding.excepted) continue;
      const row = controlRow(finding);
      for (const control of finding.controls.iso27001) {
        byControl.spool.append(control, row);
        let checks = byControl.checks.get(control);
        if (!checks) byControl.checks.set(control, (checks = new Set()));
        checks.add(finding.checkId);
      }
    }
  };
  return {
    resource(scanned) {
      byResource.resource(scanned.findings);
      fileByControl(scanned.findings);
    },
    inventoryFindings(findings) {
      byResource.lateFindings(findings);
      fileByControl(findings);
    },
    finish(outcome) {
      const soa = html?.soa?.(outcome);
      const title = soa ? `Annexa compliance report — ${soa.scope.name}` : 'Annexa compliance report';
      const sections = [
        evidenceSection(html?.evidence), summarySection(outcome, excepted), postureSection(outcome.controls), soaSection(soa), byControlSection(byControl, outcome),
        byResourceSection(byResource, outcome), exceptionsSection(exceptions, excepted, outcome, today), scopeSection(outOfScope), errorsSection(outcome),
      ];
      try {
        write(`<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">\n`);
        write(`<meta name="generator" content="annexa ${escapeHtml(toolVersion)}"><title>${escapeHtml(title)}</title><style>${HTML_STYLE}</style></head>\n<body>\n`);
        write(`<h1>${escapeHtml(title)}</h1>\n<p class="meta">ISO/IEC 27001:2022 Annex A · annexa ${escapeHtml(toolVersion)} · generated ${escapeHtml(time)}`
          + `${soa?.provenance.inputDigest ? ` · input ${escapeHtml(soa.provenance.inputDigest)}` : ''}${soa ? ` · config ${escapeHtml(soa.provenance.configDigest)}` : ''}</p>\n`);
        for (const section of sections) for (const line of section) write(`${line}\n`);
        write('</body></html>\n');
      } finally {
        byControl.spool.close();
        byResource.close();
        exceptions.close();
      }
    },
  };
};
