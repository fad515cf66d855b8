/** `annexa checks`: every built-in check with its severity, domain and framework mappings. */
import { Command, Option } from 'commander';
import { builtinChecks } from '../checks/index.js';
import type { Check } from '../engine/check.js';
import { textTable } from '../frameworks/render.js';
import { openOutput, EXIT } from './io.js';

const CHECKS_FORMATS = ['json', 'table', 'markdown'] as const;
type ChecksFormat = (typeof CHECKS_FORMATS)[number];

interface ChecksFlags {
  output: ChecksFormat;
  outputFile?: string;
}

export function checksCommand(): Command {
  return new Command('checks')
    .description('List the built-in checks with severity, domain and the controls they evidence')
    .addOption(new Option('-o, --output <format>', 'output format').choices([...CHECKS_FORMATS]).default('table'))
    .option('--output-file <file>', 'write to a file instead of stdout')
    .action(function (this: Command) {
      this.setOptionValue('exitCode', runChecksCommand(builtinChecks, this.opts<ChecksFlags>()));
    });
}

export function checksJson(checks: readonly Check[]): string {
  const list = checks.map((c) => ({
    id: c.id, title: c.title, severity: c.severity, domain: c.domain, scope: c.scope, controls: c.controls,
    ...(c.equivalents ? { equivalents: c.equivalents } : {}),
  }));
  return `${JSON.stringify({ checks: list }, null, 2)}\n`;
}

export function checksTable(checks: readonly Check[]): string {
  const rows = checks.map((c) => [c.id, c.severity, c.domain, c.controls.iso27001.join(', '), c.title]);
  return `${textTable(['CHECK', 'SEVERITY', 'DOMAIN', 'ISO27001', 'TITLE'], rows)}\n\n${checks.length} built-in check${checks.length === 1 ? '' : 's'}\n`;
}

/** A cell of a markdown table: pipes and line breaks would end it. */
function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function checksMarkdown(checks: readonly Check[]): string {
  const rows = checks.map((c) => `| \`${c.id}\` | ${c.severity} | ${c.domain} | ${markdownCell(c.controls.iso27001.join(', '))} | ${markdownCell(c.title)} |`);
  return ['| Check | Severity | Domain | ISO/IEC 27001 | Title |', '| --- | --- | --- | --- | --- |', ...rows, '', `${checks.length} built-in check${checks.length === 1 ? '' : 's'}`, ''].join('\n');
}

export function runChecksCommand(checks: readonly Check[], flags: ChecksFlags): number {
  const output = openOutput(flags.outputFile);
  output.write(flags.output === 'json' ? checksJson(checks) : flags.output === 'markdown' ? checksMarkdown(checks) : checksTable(checks));
  output.close();
  return EXIT.ok;
}
