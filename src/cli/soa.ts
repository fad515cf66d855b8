/** `annexa soa [PATH...]`: the Statement of Applicability, with status from a scan when paths are given. */
import { Command, Option } from 'commander';
import { builtinCheckIds, builtinChecks } from '../checks/index.js';
import { runScan } from '../engine/scan.js';
import type { InputError } from '../resources/types.js';
import { redactInputErrors } from '../resources/redact.js';
import { parseSize, readStdin, type InputUnit } from '../sources/files.js';
import { prepareInputs } from '../sources/input.js';
import { loadConfig } from '../isms/config.js';
import { buildSoa, ScopeCollector, type StatementOfApplicability } from '../posture/soa.js';
import { importedOutcome, readImports } from './import.js';
import { ImportSession } from '../interop/session.js';
import { assessScan } from '../posture/outcome.js';
import { configDigest, inputDigest } from '../posture/digest.js';
import { SOA_FORMATS, SOA_RENDERERS } from '../report/soa/index.js';
import { VERSION } from '../version.js';
import { openOutput, problemLine, UsageError, EXIT } from './io.js';

interface SoaFlags {
  output: string;
  outputFile?: string;
  config?: string;
  maxFileSize: string;
  /** Other tools' reports taken in with the scan (docs/interop.md). */
  with?: string[];
}

export function soaCommand(): Command {
  return new Command('soa')
    .description('Statement of Applicability for ISO/IEC 27001:2022 Annex A; with PATH... the status comes from a scan')
    .argument('[paths...]', 'manifests to scan for implementation status (files, directories, - for stdin)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(SOA_FORMATS).default('markdown'))
    .option('--output-file <file>', 'write to a file instead of stdout')
    .option('-c, --config <file>', 'annexa.yaml with scope, applicability, control records and document control (default: ./annexa.yaml)')
    .option('--max-file-size <size>', 'refuse files larger than this (e.g. 20MiB)', '20MiB')
    .option('--with <files...>', 'other tools\' reports (Trivy, Grype, SBOMs, policy reports) taken in with the scan: the evidence references name the tools (give the paths before --with)')
    .action(async function (this: Command, paths: string[]) {
      this.setOptionValue('exitCode', await runSoaCommand(paths, this.opts<SoaFlags>()));
    });
}

/** Standard input is read once, here, so that the digest and the scan see the same text. */
async function withStdinRead(units: readonly InputUnit[], maxBytes: number, errors: InputError[]): Promise<InputUnit[]> {
  const out: InputUnit[] = [];
  for (const unit of units) {
    if (unit.source !== 'stdin' || unit.text !== undefined) {
      out.push(unit);
      continue;
    }
    const read = await readStdin(maxBytes);
    if ('error' in read) errors.push({ ...read.error, file: unit.file });
    else out.push({ ...unit, text: read.text });
  }
  return out;
}

/** Builds the SoA; `errors` counts input errors of the scan (0 without paths), `inputErrors` lists them. */
export async function statementFor(paths: readonly string[], flags: Pick<SoaFlags, 'config' | 'maxFileSize' | 'with'>, now?: Date): Promise<{ soa: StatementOfApplicability; errors: number; inputErrors: InputError[] }> {
  const { config, file } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  const provenance = { toolVersion: VERSION, configDigest: configDigest(file, config), ...(file ? { configFile: flags.config ?? 'annexa.yaml' } : {}) };
  const when = now ? { now } : {};
  if (paths.length === 0) return { soa: buildSoa({ config, checks: builtinChecks, provenance, ...when }), errors: 0, inputErrors: [] };
  const maxFileBytes = parseSize(flags.maxFileSize);
  if (maxFileBytes === undefined || maxFileBytes <= 0) throw new UsageError(`--max-file-size: cannot read "${flags.maxFileSize}" as a size`);
  // The one input path of every command (sources/input.ts): empty directories, charts, notes.
  const expanded = prepareInputs({ paths, maxFileBytes });
  const errors = [...expanded.errors];
  const units = await withStdinRead(expanded.units, maxFileBytes, errors);
  const collector = new ScopeCollector(config);
  const imports = flags.with && flags.with.length > 0 ? await readImports(flags.with, 'auto') : undefined;
  if (imports) errors.push(...imports.errors);
  const session = imports ? new ImportSession(imports.imported, imports.errors, { config, checks: builtinChecks, ...when }) : undefined;
  const result = await runScan(units, { config, checks: builtinChecks, maxFileBytes, ...when }, session ? session.wrap(collector) : collector, errors);
  redactInputErrors(result.errors);
  const imported = session?.finish(collector, result.summary, result.evaluation);
  const outcome = session && imported ? importedOutcome(result, session, imported, config) : assessScan(result, config, builtinChecks);
  return {
    soa: buildSoa({ config, checks: builtinChecks, outcome, excluded: collector.excluded(), provenance: { ...provenance, inputDigest: inputDigest(units) }, ...when }),
    errors: outcome.errors.length,
    inputErrors: outcome.errors,
  };
}

export async function runSoaCommand(paths: string[], flags: SoaFlags): Promise<number> {
  const render = SOA_RENDERERS[flags.output];
  if (!render) throw new UsageError(`-o must be one of ${SOA_FORMATS.join(', ')}`);
  const { soa, errors, inputErrors } = await statementFor(paths, flags);
  const output = openOutput(flags.outputFile);
  output.write(render(soa));
  output.close();
  if (errors > 0) {
    // Name each error, as the other commands do: a count alone leaves the user guessing which file.
    for (const e of inputErrors) {
      process.stderr.write(problemLine(e));
    }
    process.stderr.write(`annexa: ${errors} input error${errors === 1 ? '' : 's'} while scanning; the statement covers what could be read\n`);
    return EXIT.error;
  }
  return EXIT.ok;
}
