/**
 * SoA as CSV (RFC 4180, CRLF line ends, every record the same number of fields): first the
 * document-control header as `document,<field>,<value>` records, then exactly one column header
 * row (starting `control`), then one row per control. Conflicts are a column of their own.
 */
import { evidenceText, headerFields, responsibilityText, reviewText, type StatementOfApplicability } from '../../posture/soa.js';

export const SOA_CSV_HEADER = [
  'control', 'title', 'theme', 'applicable', 'justification', 'implementation_status', 'automation', 'evidence', 'owner',
  'automated_status', 'justification_source', 'responsibility', 'review', 'conflicts',
] as const;

/**
 * Quotes a field when it holds a comma, quote, CR or LF (quotes doubled). A field that a spreadsheet
 * would read as a formula (leading = + - @ or tab) is prefixed with an apostrophe first.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function record(fields: readonly string[]): string {
  const padded = [...fields, ...Array<string>(Math.max(0, SOA_CSV_HEADER.length - fields.length)).fill('')];
  return padded.map(csvField).join(',');
}

export function soaCsv(soa: StatementOfApplicability): string {
  const lines = headerFields(soa).map(([label, value]) => record(['document', label, value]));
  lines.push(record(['document', 'Conflicts', soa.conflicts.join(' | ') || 'none']));
  lines.push(SOA_CSV_HEADER.join(','));
  for (const row of soa.controls) {
    lines.push(record([
      row.id, row.title, row.theme, row.applicable ? 'yes' : 'no', row.justification,
      row.implementationStatus, row.automation, evidenceText(row), row.owner ?? '',
      row.status, row.justificationSource, responsibilityText(row), reviewText(row), row.conflicts.join(' | '),
    ]));
  }
  return `${lines.join('\r\n')}\r\n`;
}
