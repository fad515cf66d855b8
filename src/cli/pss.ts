/**
 * `annexa pss check PATH... --level L --version V`: every Pod and pod template judged exactly as the
 * upstream PodSecurity admission controller would judge it in a namespace enforcing L at V.
 */
import { Command, Option } from 'commander';
import { parseSize } from '../sources/files.js';
import { loadResources } from '../sources/input.js';
import { POD_TEMPLATE_KINDS, podTemplateOf } from '../resources/workloads.js';
import { formatRef, refOf, type InputError, type Location, type Resource, type ResourceRef } from '../resources/types.js';
import { evaluateTemplate, formatViolation, parsePolicyVersion, isPssLevel, type PssPolicy } from '../pss/index.js';
import { openOutput, reportProblems, UsageError, EXIT, type Output, noteConfig } from './io.js';
import { alignColumns, locationText, printable } from '../report/table.js';
import { loadConfig, namespaceExclusionReason, type AnnexaConfig } from '../isms/config.js';
import { builtinCheckIds } from '../checks/index.js';

export const PSS_OUTPUT_FORMATS = ['table', 'json'] as const;
type PssOutputFormat = (typeof PSS_OUTPUT_FORMATS)[number];

interface PssCheckFlags {
  level: string;
  version: string;
  output: PssOutputFormat;
  outputFile?: string;
  maxFileSize: string;
  config?: string;
}

export interface PssResultViolation {
  check: string;
  reason: string;
  detail: string;
  /** Paths of the offending fields from the resource root. */
  paths: string[];
}

export interface PssResult {
  resource: ResourceRef;
  location: Location;
  level: string;
  version: string;
  effectiveVersion: string;
  allowed: boolean;
  violations: PssResultViolation[];
  /** Set when the workload's namespace is outside the ISMS scope (annexa.yaml): it does not fail the run. */
  outOfScope?: { reason: string };
}

export interface PssReport {
  results: PssResult[];
  /** `rejected` counts every rejected workload; `rejectedInScope` those that fail the run. */
  summary: { workloads: number; allowed: number; rejected: number; rejectedInScope: number; outOfScope: number };
  errors: InputError[];
}

export function pssCommand(): Command {
  const pss = new Command('pss').description('Pod Security Standards: judge workloads as the PodSecurity admission controller would');
  const check = new Command('check')
    .description('Evaluate every Pod and pod template (Deployment, CronJob, …) against a Pod Security level and version')
    .argument('<paths...>', 'files or directories (.yaml, .yml, .json), or - for standard input')
    .addOption(new Option('-l, --level <level>', 'Pod Security level').choices(['baseline', 'restricted', 'privileged']).default('restricted'))
    .option('--version <version>', 'policy version: latest or v1.N', 'latest')
    .addOption(new Option('-o, --output <format>', 'output format').choices(PSS_OUTPUT_FORMATS).default('table'))
    .option('--output-file <file>', 'write the report to a file instead of stdout')
    .option('--max-file-size <size>', 'refuse files larger than this (e.g. 20MiB)', '20MiB')
    .option('-c, --config <file>', 'annexa.yaml whose scope marks workloads of excluded namespaces out of scope (default: ./annexa.yaml)')
    .exitOverride()
    .showHelpAfterError('(run "annexa pss check --help" for usage)')
    .action(async function (this: Command, paths: string[]) {
      const code = await runPssCheck(paths, this.opts<PssCheckFlags>());
      this.setOptionValue('exitCode', code);
    });
  return pss.addCommand(check);
}

function policyFromFlags(flags: PssCheckFlags): PssPolicy {
  if (!isPssLevel(flags.level)) throw new UsageError(`--level must be baseline, restricted or privileged, not "${flags.level}"`);
  const version = parsePolicyVersion(flags.version);
  if (!version) throw new UsageError(`--version must be "latest" or "v1.N" (e.g. v1.30), not "${flags.version}"`);
  return { level: flags.level, version };
}

export async function runPssCheck(paths: string[], flags: PssCheckFlags, stdin?: NodeJS.ReadableStream): Promise<number> {
  const policy = policyFromFlags(flags);
  const maxBytes = parseSize(flags.maxFileSize);
  if (maxBytes === undefined || maxBytes <= 0) throw new UsageError(`--max-file-size: cannot read "${flags.maxFileSize}" as a size`);
  const { config, file: configFile } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  noteConfig(flags.config, configFile);
  const notes: InputError[] = [];
  const report = await evaluateInputs(paths, policy, maxBytes, stdin, config, notes);
  reportProblems(report.errors, notes);
  const output = openOutput(flags.outputFile);
  try {
    if (flags.output === 'json') output.write(`${JSON.stringify(report, null, 2)}\n`);
    else writeTable(report, output);
  } finally {
    output.close();
  }
  if (report.errors.length > 0) return EXIT.error;
  return report.summary.rejectedInScope > 0 ? EXIT.findings : EXIT.ok;
}

/** Reads, parses and evaluates every input; input problems become errors, the rest is still evaluated. */
export async function evaluateInputs(
  paths: readonly string[],
  policy: PssPolicy,
  maxBytes: number,
  stdin?: NodeJS.ReadableStream,
  config?: AnnexaConfig,
  notes: InputError[] = [],
): Promise<PssReport> {
  const results: PssResult[] = [];
  const evaluationErrors: InputError[] = [];
  const loaded = await loadResources({ paths, maxFileBytes: maxBytes }, stdin ? { stdin } : {}, (resource) => {
    const result = evaluateResource(resource, policy);
    if (result === undefined) return;
    if ('message' in result) {
      evaluationErrors.push(result);
      return;
    }
    const excluded = config && namespaceExclusionReason(config, resource.namespace);
    if (excluded !== undefined) result.outOfScope = { reason: excluded };
    results.push(result);
  });
  const errors = [...loaded.errors, ...evaluationErrors];
  notes.push(...loaded.notes);
  const allowed = results.filter((r) => r.allowed).length;
  const rejectedInScope = results.filter((r) => !r.allowed && !r.outOfScope).length;
  const outOfScope = results.filter((r) => r.outOfScope).length;
  return { results, summary: { workloads: results.length, allowed, rejected: results.length - allowed, rejectedInScope, outOfScope }, errors };
}

function locationOf(resource: Resource): Location {
  const { file, line, column } = resource.provenance;
  return { ...(file !== undefined ? { file } : {}), ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) };
}

/** The result for a Pod or workload; undefined for other kinds and template-less workloads; an input error when evaluation fails. */
function evaluateResource(resource: Resource, policy: PssPolicy): PssResult | InputError | undefined {
  if (!POD_TEMPLATE_KINDS.includes(resource.kind)) return undefined;
  const template = podTemplateOf(resource);
  // A workload without a pod template is an input error of the input stage (sources/validate.ts).
  if (!template) return undefined;
  let evaluation: ReturnType<typeof evaluateTemplate>;
  try {
    evaluation = evaluateTemplate(template, policy);
  } catch (error) {
    // One malformed workload must not stop the others; the thrown text is not copied (it can quote a value).
    const location = locationOf(resource);
    const kind = error instanceof Error ? error.name : typeof error;
    return {
      file: location.file ?? '-', ...(location.line !== undefined ? { line: location.line } : {}),
      message: `${formatRef(refOf(resource))} could not be evaluated (${kind}); its verdict is unknown`,
    };
  }
  return {
    resource: refOf(resource),
    location: locationOf(resource),
    level: evaluation.level,
    version: evaluation.version,
    effectiveVersion: evaluation.effectiveVersion,
    allowed: evaluation.allowed,
    violations: evaluation.violations.map(({ check, reason, detail, fields }) => ({ check, reason, detail, paths: fields })),
  };
}

function writeTable(report: PssReport, output: Output): void {
  const rows = report.results.map((result) => [
    `${result.allowed ? 'ALLOWED' : 'REJECTED'}${result.outOfScope ? ' (out of scope)' : ''}`,
    formatRef(result.resource),
    locationText(result.location) || '-',
    `${result.level}:${result.version}`,
    result.violations.map((v) => `${v.check}: ${formatViolation(v)}`).join('; ') || '-',
  ]);
  const lines = alignColumns([['VERDICT', 'RESOURCE', 'LOCATION', 'POLICY', 'VIOLATIONS'], ...rows.map((row) => row.map(printable))]).map((row) => row.join('  ').trimEnd());
  for (const line of lines) output.write(`${line}\n`);
  const { workloads, allowed, rejected, outOfScope } = report.summary;
  const scope = outOfScope > 0 ? ` (${outOfScope} out of scope, which do not fail the run)` : '';
  output.write(`\n${workloads} workload${workloads === 1 ? '' : 's'}: ${allowed} allowed, ${rejected} rejected${scope}\n`);
  const reasons = new Map<string, string>();
  for (const result of report.results) if (result.outOfScope) reasons.set(result.resource.namespace ?? '-', result.outOfScope.reason);
  for (const [namespace, reason] of reasons) output.write(`out of scope: ${printable(namespace)}: ${printable(reason)}\n`);
  const errors = report.errors.length;
  if (errors > 0) output.write(`${errors} input error${errors === 1 ? '' : 's'} (on stderr): the verdicts cover only what could be read\n`);
}
