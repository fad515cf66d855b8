/** SoA as Markdown: scope and exclusions, status summary, then the 93-row table. */
import { evidenceText, statusCounts, SOA_STATUSES, type StatementOfApplicability } from '../../posture/soa.js';

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
  if (!a) return ['## Assessment', '', `No manifests were scanned: automated controls are \`not-assessed\`. Status: ${summary}.`];
  return ['## Assessment', '', `Scanned ${a.resources} resources in ${a.files} files: ${a.findings} in-scope findings, ${a.outOfScopeFindings} out of scope, ${a.inputErrors} input errors. Status: ${summary}.`];
}

export function soaMarkdown(soa: StatementOfApplicability): string {
  const lines = [`# Statement of Applicability — ISO/IEC 27001:2022 Annex A`, '', `Generated ${soa.generated}.`, '', ...scopeLines(soa), '', ...assessmentLines(soa), '', '## Controls', ''];
  lines.push('| Control | Title | Theme | Applicable | Justification | Status | Automation | Evidence | Owner |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of soa.controls) {
    lines.push(`| ${[r.id, r.title, r.theme, r.applicable ? 'yes' : 'no', r.justification, r.status, r.automation, evidenceText(r), r.owner ?? ''].map(mdCell).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
