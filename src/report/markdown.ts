/**
 * Markdown for pull-request comments and job summaries: a summary, the findings grouped by resource,
 * control posture per Annex A theme (with the failing controls), then input errors.
 */
import type { ScanOutcome } from '../posture/outcome.js';
import type { ControlStatus } from '../posture/posture.js';
import type { Finding } from '../resources/types.js';
import { formatRef, SEVERITIES } from '../resources/types.js';
import type { ReporterFactory } from './reporter.js';
import { GroupedFindings, type Row } from './grouped-findings.js';
import { locationText } from './table.js';

const THEMES = ['organizational', 'people', 'physical', 'technological'] as const;

/** Text safe inside a table cell: no line breaks, pipes escaped, HTML and Markdown markup neutralised. */
export function mdCell(text: string): string {
  return oneLine(text)
    .replace(/[\\`*_[\]|~]/g, (ch) => `\\${ch}`)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A code span for a table cell (ids, paths, locations): literal text, pipes escaped. */
export function mdCode(text: string): string {
  return `\`${oneLine(text).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n|\r/g, ' ');
}

function table(header: readonly string[], rows: readonly string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summarySection(outcome: ScanOutcome): string[] {
  const { summary } = outcome;
  const rows = [
    ['Files scanned', String(summary.files)],
    ['Resources', String(summary.resources)],
    ['Findings', String(summary.findings)],
    ...SEVERITIES.map((s) => [`&nbsp;&nbsp;${s}`, String(summary.bySeverity[s])]),
    ['Out-of-scope findings', String(summary.outOfScopeFindings)],
    // Shown once an exception accepts something: reports without exceptions stay as they were.
    ...((summary.exceptedFindings ?? 0) > 0 ? [['Excepted findings (accepted risk)', String(summary.exceptedFindings)]] : []),
    ['Non-Kubernetes documents skipped', String(summary.skippedDocuments)],
    ['Input errors', String(outcome.errors.length)],
  ];
  return ['## Summary', '', ...table(['', 'Count'], rows), ''];
}

/** Markdown cells of a finding: severity, check, location, message, path, ISO 27001 controls. */
function markdownRow(finding: Finding): Row {
  const where = locationText(finding.location);
  return [finding.severity, finding.checkId, where ? mdCode(where) : '-', mdCell(finding.message), mdCode(finding.path), mdCell(finding.controls.iso27001.join(', '))];
}

function* findingsSection(groups: GroupedFindings): Generator<string> {
  yield '## Findings';
  yield '';
  let any = false;
  for (const [ref, rows] of groups.groups()) {
    any = true;
    yield `### ${mdCell(ref)}`;
    yield '';
    yield* table(['Severity', 'Check', 'Location', 'Message', 'Path', 'ISO 27001'], rows.map(([severity, checkId, ...cells]) => [severity, mdCode(checkId), ...cells]));
    yield '';
  }
  if (!any) {
    yield 'No findings.';
    yield '';
  }
}

function postureSection(controls: readonly ControlStatus[]): string[] {
  const count = (list: readonly ControlStatus[], status: string) => String(list.filter((c) => c.status === status).length);
  const rows = THEMES.map((theme) => {
    const list = controls.filter((c) => c.theme === theme);
    return [theme, String(list.length), count(list, 'pass'), count(list, 'fail'), count(list, 'partial'), count(list, 'not-assessed'), count(list, 'manual'), count(list, 'not-applicable')];
  });
  const out = ['## ISO/IEC 27001:2022 Annex A posture', '', ...table(['Theme', 'Controls', 'Pass', 'Fail', 'Partial', 'Not assessed', 'Manual', 'Not applicable'], rows), ''];
  const failing = controls.filter((c) => c.status === 'fail');
  if (failing.length > 0) {
    out.push('### Failing controls', '', ...table(['Control', 'Title', 'Findings', 'Checks'], failing.map((c) => [
      c.id, mdCell(c.title), String(c.findings), c.checksFailed.map(mdCode).join(', '),
    ])), '');
  }
  return out;
}

function errorsSection(outcome: ScanOutcome): string[] {
  if (outcome.errors.length === 0) return [];
  const rows = outcome.errors.map((e) => [mdCode(locationText(e, true) || e.file), mdCell(e.message)]);
  return ['## Input errors', '', ...table(['Where', 'Error'], rows), ''];
}

/** Findings accepted by exceptions (rows: check, resource, justification, approver, expiry, ticket) and the exception warnings. */
function exceptedSection(rows: readonly string[][], outcome: ScanOutcome): string[] {
  const notices = outcome.exceptionNotices ?? [];
  if (rows.length === 0 && notices.length === 0) return [];
  return [
    `## Excepted (${plural(rows.length, 'finding')} accepted in annexa.yaml, not failing)`, '',
    ...(rows.length > 0 ? [...table(['Check', 'Resource', 'Justification', 'Approved by', 'Expires', 'Ticket'], rows), ''] : []),
    ...notices.map((notice) => `- Warning: ${mdCell(notice.message)}`), ...(notices.length > 0 ? [''] : []),
  ];
}

function outOfScopeSection(byReason: ReadonlyMap<string, number>): string[] {
  let total = 0;
  for (const count of byReason.values()) total += count;
  if (total === 0) return [];
  return [
    `## Out of scope (${plural(total, 'finding')}, not counted against controls)`, '',
    ...table(['Reason', 'Findings'], [...byReason].map(([reason, n]) => [mdCell(reason), String(n)])), '',
  ];
}

/**
 * Writes lines joined by line breaks, with the trailing blank lines dropped (the report ends with
 * one line break): blank lines are held until a line with text follows.
 */
function lineWriter(write: (chunk: string) => void) {
  let started = false;
  let blanks = 0;
  return (text: string) => {
    if (text === '') {
      blanks += 1;
      return;
    }
    write(`${started ? '\n' : ''}${'\n'.repeat(blanks)}${text}`);
    started = true;
    blanks = 0;
  };
}

/**
 * The summary comes first, so the finding rows are kept rendered in a spool (report/grouped-findings.ts)
 * until the end; out-of-scope findings are only counted.
 */
export const markdownReporter: ReporterFactory = ({ write, toolVersion }) => {
  const outOfScope = new Map<string, number>();
  const excepted: string[][] = [];
  const groups = new GroupedFindings({
    row: markdownRow,
    outOfScope(finding) {
      outOfScope.set(finding.outOfScope!.reason, (outOfScope.get(finding.outOfScope!.reason) ?? 0) + 1);
    },
    excepted(finding) {
      const e = finding.excepted!;
      excepted.push([mdCode(finding.checkId), mdCell(formatRef(finding.resource)), mdCell(e.justification), mdCell(e.approvedBy), e.expires, mdCell(e.ticket ?? '-')]);
    },
  });
  return {
    resource: (scanned) => groups.resource(scanned.findings),
    inventoryFindings: (findings) => groups.lateFindings(findings),
    finish(outcome) {
      const line = lineWriter(write);
      const head = [
        `# Annexa scan report`, '',
        `annexa ${mdCell(toolVersion)}: ${plural(outcome.summary.findings, 'finding')} in ${plural(outcome.summary.resources, 'resource')}.`, '',
        ...summarySection(outcome),
      ];
      head.forEach(line);
      for (const text of findingsSection(groups)) line(text);
      [...outOfScopeSection(outOfScope), ...exceptedSection(excepted, outcome), ...postureSection(outcome.controls), ...errorsSection(outcome)].forEach(line);
      write('\n');
    },
  };
};
