// The writer as it was before the streaming rewrite (main at 6deae1d), kept unchanged as the oracle of
// test/report-streaming.test.ts: the streaming writers must give the same bytes.
/** Terminal output: findings grouped by resource, a one-line summary, then control posture by theme. */
import pc from 'picocolors';
import type { ControlRefs, Finding, Location, Severity } from '../../../src/resources/types.js';
import { formatRef, SEVERITIES, severityRank } from '../../../src/resources/types.js';
import type { ScanOutcome } from '../../../src/engine/scan.js';
import type { ReporterFactory } from '../../../src/report/reporter.js';

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

/** In-scope findings grouped by resource, most severe first; columns aligned across all groups. */
function findingsSection(groups: ReadonlyMap<string, Finding[]>, p: ReturnType<typeof painter>): string[] {
  const sorted = [...groups].map(([resource, findings]) => [resource, findings.filter((f) => !f.outOfScope)] as const)
    .filter(([, findings]) => findings.length > 0)
    .map(([resource, findings]) => [resource, [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.checkId.localeCompare(b.checkId))] as const);
  const all = sorted.flatMap(([, findings]) => findings);
  const cells = alignColumns(all.map((f) => [f.severity.toUpperCase(), f.checkId, printable(locationText(f.location) || '-'), printable(f.message)]));
  const rows = cells.map((row, i) => {
    const [severity, checkId, location, message] = row as [string, string, string, string];
    return `  ${p.severity(all[i]!.severity, severity)}${COLUMN_GAP}${checkId}${COLUMN_GAP}${p.dim(location)}${COLUMN_GAP}${message}`;
  });
  const out: string[] = [];
  let next = 0;
  for (const [resource, findings] of sorted) {
    out.push(p.bold(printable(resource)), ...rows.slice(next, next + findings.length), '');
    next += findings.length;
  }
  return out;
}

export function summaryLine(outcome: ScanOutcome): string {
  const { summary } = outcome;
  const counts = SEVERITIES.filter((s) => summary.bySeverity[s] > 0).map((s) => `${summary.bySeverity[s]} ${s}`);
  const parts = [
    `${summary.resources} resource${summary.resources === 1 ? '' : 's'} in ${summary.files} file${summary.files === 1 ? '' : 's'}`,
    `${summary.findings} finding${summary.findings === 1 ? '' : 's'}${counts.length ? ` (${counts.join(', ')})` : ''}`,
  ];
  if (summary.outOfScopeFindings > 0) parts.push(`${summary.outOfScopeFindings} out of scope`);
  if (summary.skippedDocuments > 0) parts.push(`${summary.skippedDocuments} non-Kubernetes document${summary.skippedDocuments === 1 ? '' : 's'} skipped`);
  if (outcome.errors.length > 0) parts.push(`${outcome.errors.length} input error${outcome.errors.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export const tableReporter: ReporterFactory = ({ write, color }) => {
  const p = painter(color);
  const groups = new Map<string, Finding[]>();
  const add = (finding: Finding) => {
    const key = formatRef(finding.resource);
    const list = groups.get(key);
    if (list) list.push(finding);
    else groups.set(key, [finding]);
  };
  return {
    resource(scanned) {
      scanned.findings.forEach(add);
    },
    inventoryFindings(findings) {
      findings.forEach(add);
    },
    finish(outcome) {
      const out = findingsSection(groups, p);
      const outOfScope = [...groups.values()].flat().filter((f) => f.outOfScope);
      if (outOfScope.length > 0) {
        out.push(p.bold(`Out of scope (${outOfScope.length} finding${outOfScope.length === 1 ? '' : 's'} not counted against controls):`));
        const byReason = new Map<string, number>();
        for (const f of outOfScope) {
          const key = `${f.resource.namespace ?? (f.resource.kind === 'Namespace' ? f.resource.name : '-')}: ${f.outOfScope!.reason}`;
          byReason.set(key, (byReason.get(key) ?? 0) + 1);
        }
        for (const [reason, count] of byReason) out.push(`  ${printable(reason)} (${count})`);
        out.push('');
      }
      if (outcome.errors.length > 0) {
        out.push(p.bold(p.red('Input errors:')));
        for (const e of outcome.errors) out.push(`  ${printable(e.file)}${e.line ? `:${e.line}` : ''}${e.column ? `:${e.column}` : ''}: ${printable(e.message)}`);
        out.push('');
      }
      out.push(summaryLine(outcome));
      out.push(themeSummary(outcome, p));
      write(`${out.join('\n')}\n`);
    },
  };
};

function themeSummary(outcome: ScanOutcome, p: ReturnType<typeof painter>): string {
  const themes = ['organizational', 'people', 'physical', 'technological'] as const;
  const rows = themes.map((theme) => {
    const controls = outcome.controls.filter((c) => c.theme === theme);
    const count = (status: string) => controls.filter((c) => c.status === status).length;
    const withChecks = controls.filter((c) => c.automation !== 'manual').length;
    return `  ${theme.padEnd(15)} ${String(controls.length).padStart(3)} controls: ${p.green(`${count('pass')} pass`)}, ${p.red(`${count('fail')} fail`)}, ${count('manual')} manual, ${count('not-applicable')} not applicable (${withChecks} with checks)`;
  });
  const failing = outcome.controls.filter((c) => c.status === 'fail').map((c) => `${c.id} (${c.findings})`);
  const tail = failing.length > 0 ? [`  failing: ${failing.join(', ')}`] : [];
  return [`ISO/IEC 27001:2022 Annex A posture:`, ...rows, ...tail, '  manual controls need a record: see "annexa soa"'].join('\n');
}
