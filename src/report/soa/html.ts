/** SoA as a self-contained, printable HTML page: inline styles only, every value escaped. */
import { evidenceText, headerFields, responsibilityText, reviewText, statusCounts, SOA_STATUSES, STATUS_NOTE, type StatementOfApplicability } from '../../posture/soa.js';

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#111}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#eee}tr:nth-child(even) td{background:#fafafa}
.status-fail{color:#b00020;font-weight:600}.status-pass{color:#1b5e20;font-weight:600}
.status-partial{color:#8a5a00;font-weight:600}.status-not-applicable,.status-not-assessed{color:#555}.conflict{color:#b00020;font-weight:600}
@media print{body{margin:0;font-size:9pt}thead{display:table-header-group}tr{break-inside:avoid}}
`;

export function soaScopeSection(soa: StatementOfApplicability): string {
  const { scope } = soa;
  const exclusions = scope.exclude.length === 0 ? '<p>No namespaces are excluded.</p>'
    : `<table><thead><tr><th>Excluded namespace</th><th>Justification</th><th>Resources</th><th>Findings not counted</th></tr></thead><tbody>${scope.exclude.map((e) =>
      `<tr><td>${escapeHtml(e.name)}</td><td>${escapeHtml(e.justification)}</td><td>${e.resources ?? '–'}</td><td>${e.findings ?? '–'}</td></tr>`).join('')}</tbody></table>`;
  const clusters = scope.clusters.length > 0 ? `<li>Clusters: ${escapeHtml(scope.clusters.join(', '))}</li>` : '';
  return `<h2>Scope</h2><ul><li>ISMS scope: ${escapeHtml(scope.name)}</li>${clusters}<li>Namespaces included: ${escapeHtml(scope.include.join(', '))}</li></ul>${exclusions}`;
}

function assessmentSection(soa: StatementOfApplicability): string {
  const counts = statusCounts(soa);
  const summary = SOA_STATUSES.map((s) => `${counts[s]} ${s}`).join(', ');
  const a = soa.assessment;
  const text = a
    ? `Scanned ${a.resources} resources in ${a.files} files: ${a.findings} in-scope findings, ${a.outOfScopeFindings} out of scope, ${a.inputErrors} input errors.`
    : 'No manifests were scanned: controls with checks are not-assessed.';
  return `<h2>Assessment</h2><p>${escapeHtml(text)} Automated status: ${escapeHtml(summary)}.</p>${a ? `<p>${escapeHtml(STATUS_NOTE)}</p>` : ''}`;
}

export function documentSection(soa: StatementOfApplicability): string {
  const rows = headerFields(soa).map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('');
  return `<h2>Document control</h2><table class="document"><tbody>${rows}</tbody></table>`;
}

function conflictSection(soa: StatementOfApplicability): string {
  if (soa.conflicts.length === 0) return '<h2>Conflicts</h2><p>None: no excluded control has failing findings and no record is contradicted by the scan.</p>';
  return `<h2>Conflicts</h2><ul>${soa.conflicts.map((c) => `<li class="conflict">${escapeHtml(c)}</li>`).join('')}</ul>`;
}

function controlRows(soa: StatementOfApplicability): string {
  return soa.controls.map((r) => {
    const cells = [r.id, r.title, r.theme, r.applicable ? 'yes' : 'no', r.justification, r.implementationStatus].map((v) => `<td>${escapeHtml(v)}</td>`).join('');
    const rest = [r.automation, evidenceText(r), r.owner ?? '', responsibilityText(r), reviewText(r)].map((v) => `<td>${escapeHtml(v)}</td>`).join('');
    const conflicts = `<td class="conflict">${escapeHtml(r.conflicts.join('; '))}</td>`;
    return `<tr>${cells}<td class="status-${escapeHtml(r.status)}">${escapeHtml(r.status)}</td>${rest}${conflicts}</tr>`;
  }).join('\n');
}

/** The SoA's controls as one table (also in the scan's HTML report). */
export function soaControlsTable(soa: StatementOfApplicability): string {
  return `<table><thead><tr><th>Control</th><th>Title</th><th>Theme</th><th>Applicable</th><th>Justification</th><th>Implementation status</th><th>Automated status</th><th>Automation</th><th>Evidence</th><th>Owner</th><th>Responsibility</th><th>Review</th><th>Conflicts</th></tr></thead>
<tbody>
${controlRows(soa)}
</tbody></table>`;
}

export function soaHtml(soa: StatementOfApplicability): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(soa.document.title)} — ${escapeHtml(soa.scope.name)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(soa.document.title)} — ISO/IEC 27001:2022 Annex A</h1>
<p>${escapeHtml(soa.scope.name)} · generated ${escapeHtml(soa.generated)}</p>
${documentSection(soa)}
${soaScopeSection(soa)}
${assessmentSection(soa)}
${conflictSection(soa)}
<h2>Controls</h2>
${soaControlsTable(soa)}
</body></html>
`;
}
