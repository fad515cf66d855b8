/** SoA as Markdown: scope and exclusions, status summary, then the 93-row table. */
import { evidenceText, headerFields, responsibilityText, reviewText, statusCounts, SOA_STATUSES, STATUS_NOTE, type StatementOfApplicability } from '../../posture/soa.js';

/** Escapes a value for a Markdown table cell (pipes, backslashes, line breaks, HTML). */
export function mdCell(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function scopeLines(soa: StatementOfApplicability): string[] {
  const { scope } = soa;
  const lines = [`## Scope`, '', `- ISMS scope: ${mdCell(scope.name)}`];
  if (scope.clusters.length > 0) lines.push(`- Clusters: ${scope.clusters.map(mdCell).join(', ')}`);
  lines.push(`- Namespaces included: ${scope.include.map((n) => `\`${n}\``).join(', ')}`);
  if (scope.exclude.length === 0) {
    lines.push('- Namespaces excluded: none');
  } else {
    lines.push('- Namespaces excluded (findings there are not counted against controls):');
    for (const e of scope.exclude) {
      const seen = e.resources !== undefined ? ` (${plural(e.resources, 'resource')}, ${plural(e.findings ?? 0, 'finding')} not counted)` : '';
      lines.push(`  - \`${e.name}\`: ${mdCell(e.justification)}${seen}`);
    }
  }
  return lines;
}

function assessmentLines(soa: StatementOfApplicability): string[] {
  const a = soa.assessment;
  const counts = statusCounts(soa);
  const summary = SOA_STATUSES.map((s) => `${counts[s]} ${s}`).join(', ');
  if (!a) return ['## Assessment', '', `No manifests were scanned: controls with checks are \`not-assessed\`. Automated status: ${summary}.`];
  return ['## Assessment', '', `Scanned ${a.resources} resources in ${a.files} files: ${a.findings} in-scope findings, ${a.outOfScopeFindings} out of scope, ${a.inputErrors} input errors. Automated status: ${summary}.`, '', STATUS_NOTE];
}

function documentLines(soa: StatementOfApplicability): string[] {
  return ['## Document control', '', '| Field | Value |', '|---|---|', ...headerFields(soa).map(([label, value]) => `| ${mdCell(label)} | ${mdCell(value)} |`)];
}

function conflictLines(soa: StatementOfApplicability): string[] {
  if (soa.conflicts.length === 0) return ['## Conflicts', '', 'None: no excluded control has failing findings and no record is contradicted by the scan.'];
  return ['## Conflicts', '', ...soa.conflicts.map((c) => `- ${mdCell(c)}`)];
}

export function soaMarkdown(soa: StatementOfApplicability): string {
  const lines = [`# ${mdCell(soa.document.title)} — ISO/IEC 27001:2022 Annex A`, '', `Generated ${soa.generated}.`, '',
    ...documentLines(soa), '', ...scopeLines(soa), '', ...assessmentLines(soa), '', ...conflictLines(soa), '', '## Controls', ''];
  lines.push('| Control | Title | Theme | Applicable | Justification | Implementation status | Automated status | Automation | Evidence | Owner | Responsibility | Review | Conflicts |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of soa.controls) {
    lines.push(`| ${[r.id, r.title, r.theme, r.applicable ? 'yes' : 'no', r.justification, r.implementationStatus, r.status, r.automation, evidenceText(r), r.owner ?? '', responsibilityText(r), reviewText(r), r.conflicts.join('; ')].map(mdCell).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
