/** Terminal output: findings grouped by resource, a one-line summary, then control posture by theme. */
import pc from 'picocolors';
import type { ControlRefs, Finding, Location, Severity } from '../resources/types.js';
import { formatRef, SEVERITIES, severityRank } from '../resources/types.js';
import type { ScanOutcome } from '../posture/outcome.js';
import type { ReporterFactory } from './reporter.js';
import { GroupedFindings, type Row } from './grouped-findings.js';
import { exceptionText } from '../engine/exceptions.js';

type Paint = (text: string) => string;

function painter(color: boolean) {
  const colors = pc.createColors(color);
  const bySeverity: Record<Severity, Paint> = {
    critical: (t) => colors.bold(colors.red(t)),
    high: colors.red,
    medium: colors.yellow,
    low: colors.cyan,
    info: colors.dim,
  };
  return { ...colors, severity: (s: Severity, text = s.toUpperCase().padEnd(8)) => bySeverity[s](text) };
}

/** `file:line` (and `:column` when asked); empty when the finding has no file. Stdin shows as `-`. */
export function locationText(location: Location | undefined, withColumn = false): string {
  if (!location?.file) return '';
  const line = location.line ? `:${location.line}` : '';
  return `${location.file}${line}${line && withColumn && location.column ? `:${location.column}` : ''}`;
}

const FRAMEWORK_LABELS: Record<string, string> = { iso27001: 'ISO 27001', cis: 'CIS', nsa: 'NSA/CISA', 'nist-800-190': 'NIST SP 800-190', pss: 'PSS' };

/** Display name of a crosswalk key (`iso27001` → `ISO 27001`). */
export function frameworkLabel(key: string): string {
  return FRAMEWORK_LABELS[key] ?? key;
}

/** `ISO 27001 A.8.2, A.8.9; CIS 5.2.2; …` for every framework the check maps to. */
export function controlsText(controls: ControlRefs): string {
  return Object.entries(controls)
    .filter(([, ids]) => Array.isArray(ids) && ids.length > 0)
    .map(([framework, ids]) => `${frameworkLabel(framework)} ${(ids as string[]).join(', ')}`)
    .join('; ');
}

const COLUMN_GAP = '  ';

/** Rows of cells, each column padded to its widest cell (the last column is not padded). */
export function alignColumns(rows: readonly string[][]): string[][] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))));
}

/**
 * Text from the manifests (names, messages quoting them) with control characters shown escaped:
 * a container named "a\n0 findings" or one holding an ANSI escape must not forge lines or
 * colours in a CI log or a terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Table cells of a finding: severity, check id, location, message (manifest text made printable). */
function tableRow(finding: Finding): Row {
  const sources = finding.sources ? ` [${[...new Set(finding.sources.map((s) => s.tool))].join(' + ')}]` : '';
  return [finding.severity, finding.checkId, printable(locationText(finding.location) || '-'), printable(`${finding.message}${sources}`)];
}

/** Widest severity, check id and location seen so far: the columns are aligned across all groups. */
class ColumnWidths {
  readonly widths = [0, 0, 0];
  add(row: Row): void {
    for (let i = 0; i < 3; i++) if (row[i]!.length > this.widths[i]!) this.widths[i] = row[i]!.length;
  }
}

/** In-scope findings grouped by resource, most severe first; columns aligned across all groups. */
function* findingsLines(groups: GroupedFindings, widths: readonly number[], p: ReturnType<typeof painter>): Generator<string> {
  const [severityWidth, checkWidth, locationWidth] = widths as [number, number, number];
  for (const [resource, rows] of groups.groups()) {
    yield p.bold(printable(resource));
    for (const [severity, checkId, location, message] of rows) {
      yield `  ${p.severity(severity, severity.toUpperCase().padEnd(severityWidth))}${COLUMN_GAP}${checkId.padEnd(checkWidth)}${COLUMN_GAP}${p.dim(location!.padEnd(locationWidth))}${COLUMN_GAP}${message}`;
    }
    yield '';
  }
}

/** `namespace: reason` → count, for the out-of-scope lines. */
function outOfScopeKey(finding: Finding): string {
  return `${finding.resource.namespace ?? (finding.resource.kind === 'Namespace' ? finding.resource.name : '-')}: ${finding.outOfScope!.reason}`;
}

export function summaryLine(outcome: ScanOutcome): string {
  const { summary } = outcome;
  const counts = SEVERITIES.filter((s) => summary.bySeverity[s] > 0).map((s) => `${summary.bySeverity[s]} ${s}`);
  const parts = [
    `${summary.resources} resource${summary.resources === 1 ? '' : 's'} in ${summary.files} file${summary.files === 1 ? '' : 's'}`,
    `${summary.findings} finding${summary.findings === 1 ? '' : 's'}${counts.length ? ` (${counts.join(', ')})` : ''}`,
  ];
  if (summary.outOfScopeFindings > 0) parts.push(`${summary.outOfScopeFindings} out of scope`);
  if ((summary.exceptedFindings ?? 0) > 0) parts.push(`${summary.exceptedFindings} excepted`);
  if (summary.skippedDocuments > 0) parts.push(`${summary.skippedDocuments} non-Kubernetes document${summary.skippedDocuments === 1 ? '' : 's'} skipped`);
  if (outcome.errors.length > 0) parts.push(`${outcome.errors.length} input error${outcome.errors.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/**
 * Rows are kept rendered in a spool (report/grouped-findings.ts) while the scan runs and written at
 * the end, when the column widths are known; out-of-scope findings are only counted.
 */
export const tableReporter: ReporterFactory = ({ write, color }) => {
  const p = painter(color);
  const columns = new ColumnWidths();
  const outOfScope = new Map<string, number>();
  let outOfScopeTotal = 0;
  /** Lines of the findings accepted by exceptions (few: one per exception and finding). */
  const excepted: string[] = [];
  const groups = new GroupedFindings({
    excepted(finding) {
      excepted.push(`  ${finding.checkId}  ${printable(formatRef(finding.resource))}: ${printable(exceptionText(finding.excepted!))}`);
    },
    row(finding) {
      const row = tableRow(finding);
      columns.add(row);
      return row;
    },
    outOfScope(finding) {
      const key = outOfScopeKey(finding);
      outOfScope.set(key, (outOfScope.get(key) ?? 0) + 1);
      outOfScopeTotal += 1;
    },
  });
  const line = (text: string) => write(`${text}\n`);
  return {
    resource(scanned) {
      groups.resource(scanned.findings);
    },
    inventoryFindings(findings) {
      groups.lateFindings(findings);
    },
    finish(outcome) {
      for (const text of findingsLines(groups, columns.widths, p)) line(text);
      if (outOfScopeTotal > 0) {
        line(p.bold(`Out of scope (${outOfScopeTotal} finding${outOfScopeTotal === 1 ? '' : 's'} not counted against controls):`));
        for (const [reason, count] of outOfScope) line(`  ${printable(reason)} (${count})`);
        line('');
      }
      if (excepted.length > 0) {
        line(p.bold(`Excepted (${excepted.length} finding${excepted.length === 1 ? '' : 's'} accepted in annexa.yaml, not failing):`));
        excepted.forEach(line);
        line('');
      }
      for (const notice of outcome.exceptionNotices ?? []) line(p.yellow(`warning: ${printable(notice.message)}`));
      if (outcome.errors.length > 0) {
        line(p.bold(p.red('Input errors:')));
        for (const e of outcome.errors) line(`  ${printable(e.file)}${e.line ? `:${e.line}` : ''}${e.column ? `:${e.column}` : ''}: ${printable(e.message)}`);
        line('');
      }
      line(summaryLine(outcome));
      // No posture for input that yielded nothing: there is nothing it could rest on.
      if (outcome.controls.length > 0) line(themeSummary(outcome, p));
    },
  };
};

function themeSummary(outcome: ScanOutcome, p: ReturnType<typeof painter>): string {
  const themes = ['organizational', 'people', 'physical', 'technological'] as const;
  const rows = themes.map((theme) => {
    const controls = outcome.controls.filter((c) => c.theme === theme);
    const count = (status: string) => controls.filter((c) => c.status === status).length;
    const withChecks = controls.filter((c) => c.automation !== 'manual').length;
    return `  ${theme.padEnd(15)} ${String(controls.length).padStart(3)} controls: ${p.green(`${count('pass')} pass`)}, ${p.red(`${count('fail')} fail`)}, ${count('partial')} partial, ${count('not-assessed')} not assessed, ${count('manual')} manual, ${count('not-applicable')} not applicable (${withChecks} with checks)`;
  });
  const failing = outcome.controls.filter((c) => c.status === 'fail').map((c) => `${c.id} (${c.findings})`);
  const tail = failing.length > 0 ? [`  failing: ${failing.join(', ')}`] : [];
  return [`ISO/IEC 27001:2022 Annex A posture:`, ...rows, ...tail, '  manual controls need a record: see "annexa soa"'].join('\n');
}
