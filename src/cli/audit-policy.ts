/** `annexa audit policy FILE` validates an audit Policy; `--generate` writes the recommended one. */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { PolicyInputError, recommendedPolicyYaml, validatePolicy, type PolicyReport } from '../audit/policy.js';
import { SEVERITIES, severityRank } from '../resources/types.js';
import { EXIT, openOutput, problemLine, terminalSafe, UsageError } from './io.js';
import { failThreshold } from './scan.js';

const MAX_POLICY_BYTES = 1024 * 1024;

interface PolicyFlags {
  output: 'json' | 'table';
  outputFile?: string;
  generate?: boolean;
  failOn: string;
}

export function auditPolicyCommand(): Command {
  return new Command('policy')
    .description('check an audit Policy against what the controls need (credentials never above Metadata, access and control changes logged), or --generate one')
    .argument('[file]', 'the audit Policy (YAML or JSON), as given to the API server with --audit-policy-file')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'table']).default('table'))
    .option('--output-file <file>', 'write to a file instead of stdout')
    .option('--generate', 'write the recommended audit Policy (YAML) instead of checking one')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (or "never")').default('medium'))
    .action(function (this: Command, file: string | undefined) {
      this.setOptionValue('exitCode', runPolicy(file, this.opts<PolicyFlags>()));
    });
}

function runPolicy(file: string | undefined, flags: PolicyFlags): number {
  if (flags.generate) {
    if (file !== undefined) throw new UsageError('audit policy --generate takes no FILE (use --output-file to choose where it goes)');
    write(flags.outputFile, recommendedPolicyYaml());
    return EXIT.ok;
  }
  if (file === undefined) throw new UsageError('audit policy: give the Policy FILE to check, or --generate');
  const failOn = failThreshold(flags.failOn);
  let text: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_POLICY_BYTES) throw new PolicyInputError(file, undefined, `larger than ${MAX_POLICY_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof PolicyInputError) return inputError(error);
    const code = (error as NodeJS.ErrnoException).code;
    return inputError(new PolicyInputError(file, undefined, code === 'ENOENT' ? 'no such file' : (error as Error).message));
  }
  let report: PolicyReport;
  try {
    report = validatePolicy(text, file);
  } catch (error) {
    if (error instanceof PolicyInputError) return inputError(error);
    throw error;
  }
  write(flags.outputFile, flags.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : policyTable(report));
  if (failOn === 'never') return EXIT.ok;
  const threshold = severityRank(failOn);
  return report.findings.some((f) => severityRank(f.severity) >= threshold) ? EXIT.findings : EXIT.ok;
}

function inputError(error: PolicyInputError): number {
  process.stderr.write(problemLine({ file: error.file, ...(error.line ? { line: error.line } : {}), message: error.message }));
  return EXIT.error;
}

function write(outputFile: string | undefined, text: string): void {
  const output = openOutput(outputFile);
  output.write(text);
  output.close();
}

function policyTable(report: PolicyReport): string {
  const lines = [`${report.file}: ${report.rules} rules, ${report.findings.length} findings`, ''];
  for (const f of [...report.findings].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity))) {
    lines.push(`${f.severity.padEnd(8)} ${f.id.padEnd(24)} ${f.line ? `line ${f.line}: ` : ''}${terminalSafe(f.message)} [${f.controls.iso27001.join(', ')}]`);
  }
  lines.push('', 'REQUEST                                       LEVEL            RULE');
  for (const l of report.levels) lines.push(`${l.request.padEnd(45)} ${l.level.padEnd(16)} ${l.rule ?? '-'}`);
  return `${lines.join('\n')}\n`;
}
