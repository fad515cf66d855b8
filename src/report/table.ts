/** Terminal output: findings grouped by resource, a one-line summary, then control posture by theme. */
import pc from 'picocolors';
import type { Finding, Severity } from '../resources/types.js';
import { formatRef, SEVERITIES, severityRank } from '../resources/types.js';
import type { ScanOutcome } from '../engine/scan.js';
import type { ReporterFactory } from './reporter.js';

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
  return { ...colors, severity: (s: Severity) => bySeverity[s](s.toUpperCase().padEnd(8)) };
}

function locationText(finding: Finding): string {
  const loc = finding.location;
  if (!loc?.file) return '';
  return `${loc.file}${loc.line ? `:${loc.line}` : ''}${loc.column ? `:${loc.column}` : ''}`;
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
      const out: string[] = [];
      for (const [resource, findings] of groups) {
        const inScope = findings.filter((f) => !f.outOfScope);
        if (inScope.length === 0) continue;
        inScope.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.checkId.localeCompare(b.checkId));
        const where = locationText(inScope[0]!).replace(/:\d+$/, '');
        out.push(`${p.bold(resource)}${where ? p.dim(`  ${where.split(':').slice(0, 1)[0]}`) : ''}`);
        for (const f of inScope) {
          const line = f.location?.line ? p.dim(`:${f.location.line}`) : '';
          out.push(`  ${p.severity(f.severity)} ${f.checkId.padEnd(40)} ${f.message}${line}`);
        }
        out.push('');
      }
      const outOfScope = [...groups.values()].flat().filter((f) => f.outOfScope);
      if (outOfScope.length > 0) {
        out.push(p.bold(`Out of scope (${outOfScope.length} finding${outOfScope.length === 1 ? '' : 's'} not counted against controls):`));
        const byReason = new Map<string, number>();
        for (const f of outOfScope) {
          const key = `${f.resource.namespace ?? '-'}: ${f.outOfScope!.reason}`;
          byReason.set(key, (byReason.get(key) ?? 0) + 1);
        }
        for (const [reason, count] of byReason) out.push(`  ${reason} (${count})`);
        out.push('');
      }
      if (outcome.errors.length > 0) {
        out.push(p.bold(p.red('Input errors:')));
        for (const e of outcome.errors) out.push(`  ${e.file}${e.line ? `:${e.line}` : ''}${e.column ? `:${e.column}` : ''}: ${e.message}`);
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
    return `  ${theme.padEnd(15)} ${String(controls.length).padStart(3)} controls: ${p.green(`${count('pass')} pass`)}, ${p.red(`${count('fail')} fail`)}, ${count('manual')} manual, ${count('not-applicable')} not applicable`;
  });
  return `ISO/IEC 27001:2022 Annex A posture:\n${rows.join('\n')}`;
}
