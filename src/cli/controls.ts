/** `annexa controls`: the ISO/IEC 27001:2022 catalog or a crosswalk framework, with the checks mapped to each item. */
import { Command, Option } from 'commander';
import { builtinChecks } from '../checks/index.js';
import { CROSSWALKS, FRAMEWORK_KEYS, isFrameworkKey } from '../frameworks/index.js';
import { CONTROLS_FORMATS, renderCrosswalk, renderIsoControls, type ControlsFormat } from '../frameworks/render.js';
import { ATTRIBUTE_TYPES, parseAttributeFilter, type AttributeFilter } from '../frameworks/iso27001.js';
import { openOutput, UsageError, EXIT } from './io.js';

interface ControlsFlags {
  framework: string;
  output: ControlsFormat;
  outputFile?: string;
  /** `TYPE=VALUE` filters on ISO/IEC 27002:2022 attributes (all must match). */
  attribute?: string[];
}

export function controlsCommand(): Command {
  return new Command('controls')
    .description('List ISO/IEC 27001:2022 Annex A controls (or a crosswalk framework) and the checks that evidence them')
    .addOption(new Option('-f, --framework <name>', 'framework to list').choices([...FRAMEWORK_KEYS]).default('iso27001'))
    .addOption(new Option('-o, --output <format>', 'output format').choices([...CONTROLS_FORMATS]).default('table'))
    .option('--output-file <file>', 'write to a file instead of stdout')
    .option('-a, --attribute <type=value>', `only controls with this ISO/IEC 27002:2022 attribute value (repeatable, all must match); types: ${Object.keys(ATTRIBUTE_TYPES).join(', ')}`,
      (value: string, previous: string[]) => [...previous, value], [] as string[])
    .action(function (this: Command) {
      this.setOptionValue('exitCode', runControlsCommand(this.opts<ControlsFlags>()));
    });
}

export function runControlsCommand(flags: ControlsFlags): number {
  if (!isFrameworkKey(flags.framework)) throw new UsageError(`--framework must be one of ${FRAMEWORK_KEYS.join(', ')}`);
  const filters: AttributeFilter[] = [];
  for (const text of flags.attribute ?? []) {
    const filter = parseAttributeFilter(text);
    if (typeof filter === 'string') throw new UsageError(filter);
    filters.push(filter);
  }
  if (filters.length > 0 && flags.framework !== 'iso27001') throw new UsageError('--attribute filters ISO/IEC 27001 controls; it cannot be used with --framework ' + flags.framework);
  const text = flags.framework === 'iso27001'
    ? renderIsoControls(builtinChecks, flags.output, filters)
    : renderCrosswalk(CROSSWALKS[flags.framework], builtinChecks, flags.output);
  const output = openOutput(flags.outputFile);
  output.write(text);
  output.close();
  return EXIT.ok;
}
