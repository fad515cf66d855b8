// The writer as it was before the streaming rewrite (main at 6deae1d), kept unchanged as the oracle of
// test/report-streaming.test.ts: the streaming writers must give the same bytes.
/**
 * Markdown for pull-request comments and job summaries: a summary, the findings grouped by resource,
 * control posture per Annex A theme (with the failing controls), then input errors.
 */
import type { ScanOutcome } from '../../../src/engine/scan.js';
import type { ControlStatus } from '../../../src/posture/posture.js';
import type { Finding } from '../../../src/resources/types.js';
import { formatRef, SEVERITIES, severityRank } from '../../../src/resources/types.js';
import type { ReporterFactory } from '../../../src/report/reporter.js';
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
    ['Non-Kubernetes documents skipped', String(summary.skippedDocuments)],
    ['Input errors', String(outcome.errors.length)],
  ];
  return ['## Summary', '', ...table(['', 'Count'], rows), ''];
}

function findingsSection(groups: ReadonlyMap<string, Finding[]>): string[] {
  const out = ['## Findings', ''];
  const inScope = [...groups].map(([ref, list]) => [ref, list.filter((f) => !f.outOfScope)] as const).filter(([, list]) => list.length > 0);
  if (inScope.length === 0) return [...out, 'No findings.', ''];
  for (const [ref, list] of inScope) {
    const sorted = [...list].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.checkId.localeCompare(b.checkId));
    const rows = sorted.map((f) => [
      f.severity, mdCode(f.checkId), locationText(f.location) ? mdCode(locationText(f.location)) : '-', mdCell(f.message), mdCode(f.path), mdCell(f.controls.iso27001.join(', ')),
    ]);
    out.push(`### ${mdCell(ref)}`, '', ...table(['Severity', 'Check', 'Location', 'Message', 'Path', 'ISO 27001'], rows), '');
  }
  return out;
}

function postureSection(controls: readonly ControlStatus[]): string[] {
  const count = (list: readonly ControlStatus[], status: string) => String(list.filter((c) => c.status === status).length);
  const rows = THEMES.map((theme) => {
    const list = controls.filter((c) => c.theme === theme);
    return [theme, String(list.length), count(list, 'pass'), count(list, 'fail'), count(list, 'manual'), count(list, 'not-applicable')];
  });
  const out = ['## ISO/IEC 27001:2022 Annex A posture', '', ...table(['Theme', 'Controls', 'Pass', 'Fail', 'Manual', 'Not applicable'], rows), ''];
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

function outOfScopeSection(groups: ReadonlyMap<string, Finding[]>): string[] {
  const outOfScope = [...groups.values()].flat().filter((f) => f.outOfScope);
  if (outOfScope.length === 0) return [];
  const byReason = new Map<string, number>();
  for (const f of outOfScope) byReason.set(f.outOfScope!.reason, (byReason.get(f.outOfScope!.reason) ?? 0) + 1);
  return [
    `## Out of scope (${plural(outOfScope.length, 'finding')}, not counted against controls)`, '',
    ...table(['Reason', 'Findings'], [...byReason].map(([reason, n]) => [mdCell(reason), String(n)])), '',
  ];
}

export const markdownReporter: ReporterFactory = ({ write, toolVersion }) => {
  const groups = new Map<string, Finding[]>();
  const add = (finding: Finding) => {
    const key = formatRef(finding.resource);
    const list = groups.get(key);
    if (list) list.push(finding);
    else groups.set(key, [finding]);
  };
  return {
    resource: (scanned) => scanned.findings.forEach(add),
    inventoryFindings: (findings) => findings.forEach(add),
    finish(outcome) {
      const lines = [
        `# Annexa scan report`, '',
        `annexa ${mdCell(toolVersion)}: ${plural(outcome.summary.findings, 'finding')} in ${plural(outcome.summary.resources, 'resource')}.`, '',
        ...summarySection(outcome),
        ...findingsSection(groups),
        ...outOfScopeSection(groups),
        ...postureSection(outcome.controls),
        ...errorsSection(outcome),
      ];
      write(`${lines.join('\n').trimEnd()}\n`);
    },
  };
};
