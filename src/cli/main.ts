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
import { UsageError, EXIT } from './io.js';
import { ConfigError } from '../isms/config.js';

// bin/annexa.js hands the bundle an importer for client-node (see sources/cluster/client-node.ts).
export { useClientNodeLoader } from '../sources/cluster/client-node.js';

const COMMANDS: Array<() => Command> = [scanCommand, controlsCommand, checksCommand, soaCommand, pssCommand, netpolCommand, rbacCommand, clusterCommand, driftCommand];

export function buildProgram(): Command {
  const program = new Command('annexa')
    .description('ISO/IEC 27001:2022 controls as enforceable, auditable checks for Kubernetes')
    .version(VERSION, '-v, --version')
    .enablePositionalOptions()
    .showHelpAfterError('(run "annexa help COMMAND" for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  for (const make of COMMANDS) {
    const command = make();
    command.exitOverride().showHelpAfterError(`(run "annexa help ${command.name()}" for usage)`);
    program.addCommand(command);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      // `annexa` or `annexa pss` without a command prints help to stderr as a usage error (exitCode 1
      // from commander); `annexa help` asked for it (exitCode 0).
      if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.error;
      return EXIT.error;
    }
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`annexa: ${error.message}\n`);
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
