/** `annexa vap generate`: the built-in checks that CEL expresses, as ValidatingAdmissionPolicies (docs/commands/vap.md). */
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { builtinChecks } from '../checks/index.js';
import { expressibleChecks, generateAll } from '../cel/vap/generate.js';
import type { ValidationAction } from '../cel/policy.js';
import { openOutput, UsageError, EXIT } from './io.js';

interface GenerateFlags {
  checks?: string;
  action: ValidationAction;
  output: 'yaml' | 'json';
  outputFile?: string;
}

export function vapCommand(): Command {
  const command = new Command('vap').description('ValidatingAdmissionPolicies generated from the built-in checks (no webhook process needed)');
  command.addCommand(new Command('generate')
    .description('Print one ValidatingAdmissionPolicy and binding per check that CEL expresses')
    .option('--checks <ids>', 'comma-separated check ids (default: every expressible check)')
    .addOption(new Option('--action <action>', 'validationActions of the bindings (Warn also audits)').choices(['Deny', 'Warn', 'Audit']).default('Deny'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--output-file <file>', 'write to a file instead of stdout')
    .action(function (this: Command) {
      this.setOptionValue('exitCode', runGenerate(this.opts<GenerateFlags>()));
    }));
  return command;
}

function runGenerate(flags: GenerateFlags): number {
  const expressible = expressibleChecks(builtinChecks);
  let chosen = expressible;
  if (flags.checks !== undefined) {
    const ids = flags.checks.split(',').map((id) => id.trim()).filter(Boolean);
    const known = new Set(expressible.map((check) => check.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new UsageError(`--checks: ${unknown.join(', ')} ${unknown.length === 1 ? 'has' : 'have'} no CEL form; expressible checks: ${[...known].join(', ')}`);
    chosen = expressible.filter((check) => ids.includes(check.id));
  }
  const objects = generateAll(chosen, flags.action);
  const output = openOutput(flags.outputFile);
  output.write(flags.output === 'json'
    ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`
    : objects.map((object) => `---\n${stringify(object, { lineWidth: 0 })}`).join(''));
  output.close();
  return EXIT.ok;
}
