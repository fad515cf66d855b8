/** The drift report as table (terminal) and markdown text; JSON is the report object itself. */
import type { JsonValue } from '../resources/types.js';
import type { DriftRef, DriftReport } from './drift.js';

function name(ref: DriftRef): string {
  return ref.namespace !== undefined ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

function shown(value: JsonValue): string {
  if (value === null) return '(absent)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function counts(report: DriftReport): string {
  return `${report.missing.length} missing, ${report.unmanaged.length} unmanaged, ${report.modified.length} modified, ${report.unverified.length} unverified`;
}

export function driftTable(report: DriftReport): string {
  const lines: string[] = [];
  for (const ref of report.missing) lines.push(`MISSING     ${name(ref)}`);
  for (const ref of report.unmanaged) lines.push(`UNMANAGED   ${name(ref)}`);
  for (const { resource, changes } of report.modified) {
    lines.push(`MODIFIED    ${name(resource)}`);
    for (const change of changes) lines.push(`              ${change.path}: ${shown(change.desired)} -> ${shown(change.live)}`);
  }
  for (const ref of report.unverified) lines.push(`UNVERIFIED  ${name(ref)} (${ref.reason})`);
  lines.push('', `Drift: ${counts(report)}`);
  return `${lines.join('\n')}\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function driftMarkdown(report: DriftReport): string {
  const lines = ['# Drift from the baseline', '', counts(report), ''];
  if (report.missing.length + report.unmanaged.length + report.unverified.length > 0) {
    lines.push('| state | resource | reason |', '|---|---|---|');
    for (const ref of report.missing) lines.push(`| missing | ${cell(name(ref))} | declared, not in the cluster |`);
    for (const ref of report.unmanaged) lines.push(`| unmanaged | ${cell(name(ref))} | in the cluster, not declared |`);
    for (const ref of report.unverified) lines.push(`| unverified | ${cell(name(ref))} | ${cell(ref.reason)} |`);
    lines.push('');
  }
  if (report.modified.length > 0) {
    lines.push('| modified resource | path | desired | live |', '|---|---|---|---|');
    for (const { resource, changes } of report.modified) {
      for (const change of changes) lines.push(`| ${cell(name(resource))} | \`${cell(change.path)}\` | ${cell(shown(change.desired))} | ${cell(shown(change.live))} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
