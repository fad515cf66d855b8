/** SoA as CSV (RFC 4180): exactly one header row, then one row per Annex A control, CRLF line ends. */
import { evidenceText, type StatementOfApplicability } from '../../posture/soa.js';

export const SOA_CSV_HEADER = ['control', 'title', 'theme', 'applicable', 'justification', 'implementation_status', 'automation', 'evidence', 'owner'] as const;

/**
 * Quotes a field when it holds a comma, quote, CR or LF (quotes doubled). A field that a spreadsheet
 * would read as a formula (leading = + - @ or tab) is prefixed with an apostrophe first.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function soaCsv(soa: StatementOfApplicability): string {
  const lines = [SOA_CSV_HEADER.join(',')];
  for (const row of soa.controls) {
    lines.push([
      row.id, row.title, row.theme, row.applicable ? 'yes' : 'no', row.justification,
      row.status, row.automation, evidenceText(row), row.owner ?? '',
    ].map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
