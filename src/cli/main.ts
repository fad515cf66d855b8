/** The `annexa` command line: one module per command; this file wires them and maps errors to exit codes. */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { scanCommand } from './scan.js';
import { controlsCommand } from './controls.js';
import { checksCommand } from './checks.js';
import { soaCommand } from './soa.js';
import { pssCommand } from './pss.js';
import { netpolCommand } from './netpol.js';
import { rbacCommand } from './rbac.js';
import { clusterCommand } from './cluster.js';
import { driftCommand } from './drift.js';
import { watchCommand } from './watch.js';
import { evidenceCommand } from './evidence.js';
import { ismsCommand } from './isms.js';
import { webhookCommand } from './webhook.js';
import { vapCommand } from './vap.js';
import { policyCommand } from './policy.js';
import { auditCommand } from './audit.js';
import { serveCommand, demoCommand } from './serve.js';
import { importCommand } from './import.js';
import { UsageError, WriteError, EXIT, problemLine, terminalSafe } from './io.js';
import { OutputError } from '../report/reporter.js';
import { ConfigError } from '../isms/config.js';
import { EvidenceError } from '../evidence/types.js';

// bin/annexa.js hands the bundle an importer for client-node (see sources/cluster/client-node.ts).
export { useClientNodeLoader } from '../sources/cluster/client-node.js';

const COMMANDS: Array<() => Command> = [scanCommand, controlsCommand, checksCommand, soaCommand, pssCommand, netpolCommand, rbacCommand, evidenceCommand, ismsCommand, clusterCommand, driftCommand, webhookCommand, vapCommand, policyCommand, auditCommand, serveCommand, demoCommand, importCommand, watchCommand];

export function buildProgram(): Command {
  const program = new Command('annexa')
    .description('ISO/IEC 27001:2022 controls as enforceable, auditable checks for Kubernetes')
    // `-v` stays free for verbosity, as in kubectl; `annexa version` and `--version` print the version.
    .version(VERSION, '--version')
    .enablePositionalOptions()
    .showHelpAfterError('(run "annexa help COMMAND" for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  for (const make of [...COMMANDS, versionCommand]) {
    const command = make();
    command.exitOverride().showHelpAfterError(`(run "annexa help ${command.name()}" for usage)`);
    program.addCommand(command);
  }
  caseInsensitiveChoices(program);
  return program;
}

function versionCommand(): Command {
  return new Command('version').description('Print the version of annexa').action(() => {
    process.stdout.write(`${VERSION}\n`);
  });
}

/** `-o JSON`, `--fail-on HIGH`: choices are matched whatever their case, as the user typed them is not a mistake. */
function caseInsensitiveChoices(command: Command): void {
  for (const option of command.options) {
    const choices = option.argChoices;
    const parse = option.parseArg;
    if (!choices || !parse) continue;
    option.parseArg = <T>(value: string, previous: T): T => parse(choices.find((choice) => choice.toLowerCase() === value.toLowerCase()) ?? value, previous);
  }
  for (const sub of command.commands) caseInsensitiveChoices(sub);
}

/** `-o=json` is read as `-o json` (commander would take "=json" as the value). Nothing after `--` is touched. */
export function normalizeArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let operands = false;
  for (const arg of argv) {
    const match = operands ? null : /^(-[A-Za-z])=(.*)$/s.exec(arg);
    if (match) out.push(match[1]!, match[2]!);
    else out.push(arg);
    if (arg === '--') operands = true;
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(normalizeArgv(argv));
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      // `annexa` or `annexa pss` without a command prints help to stderr as a usage error (exitCode 1
      // from commander); `annexa help` asked for it (exitCode 0).
      if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.error;
      return EXIT.error;
    }
    if (error instanceof ConfigError) {
      for (const issue of error.issues) {
        process.stderr.write(problemLine({ file: error.file, ...(issue.line ? { line: issue.line } : {}), message: `${issue.field ? `${issue.field}: ` : ''}${issue.message}` }));
      }
      return EXIT.error;
    }
    if (error instanceof UsageError || error instanceof WriteError || error instanceof OutputError || error instanceof EvidenceError) {
      process.stderr.write(`annexa: ${terminalSafe(error.message)}\n`);
      return EXIT.error;
    }
    process.stderr.write(`annexa: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return EXIT.error;
  }
  return exitCodeOf(program) ?? EXIT.ok;
}

/** The exit code the command (or subcommand) that ran has recorded. */
function exitCodeOf(command: Command): number | undefined {
  for (const sub of command.commands) {
    const code = (sub.getOptionValue('exitCode') as number | undefined) ?? exitCodeOf(sub);
    if (code !== undefined) return code;
  }
  return undefined;
}
