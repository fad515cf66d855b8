/** `annexa audit analyze -o table`: detections one per line, then the summary. */
import { terminalSafe } from '../cli/io.js';
import type { AuditAnalysis } from './analyze.js';

export function renderAnalysisTable(analysis: AuditAnalysis): string {
  const lines: string[] = [];
  if (analysis.detections.length === 0) lines.push('no detections');
  else {
    lines.push('TIME                         SEVERITY  RULE                           USER                      MESSAGE');
    for (const d of analysis.detections) {
      lines.push(`${(d.time || '-').padEnd(28)} ${d.severity.padEnd(9)} ${d.ruleId.padEnd(30)} ${terminalSafe(d.user || '-').padEnd(25)} ${terminalSafe(d.message)}${d.count ? ` (${d.count} events)` : ''}`);
    }
  }
  lines.push('');
  const period = analysis.period.first ? ` from ${analysis.period.first} to ${analysis.period.last}` : '';
  lines.push(`${analysis.events} requests (${analysis.records} event records)${period}; ${analysis.detections.length} detections; ${analysis.errors.length + analysis.errorsOmitted} unreadable lines`);
  const rules = Object.entries(analysis.summary.byRule).sort((a, b) => b[1] - a[1]);
  if (rules.length > 0) lines.push(`by rule: ${rules.map(([rule, n]) => `${rule} ${n}`).join(', ')}`);
  const undetermined = Object.entries(analysis.undetermined.byRule);
  if (undetermined.length > 0) {
    lines.push(`undetermined (audit level too low to tell; log these resources at level Request): ${undetermined.map(([rule, n]) => `${rule} ${n}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
