/** `annexa policy test DIR`: unit tests for custom ValidatingAdmissionPolicies (docs/policies.md). */
import { Command, Option } from 'commander';
import { loadPolicyDirectory } from '../cel/policy-source.js';
import { junitReport, runPolicyTests, tableReport } from '../cel/policy-test.js';
import { openOutput, reportProblems, UsageError, EXIT } from './io.js';

interface TestFlags {
  output: 'junit' | 'table';
  outputFile?: string;
}

export function policyCommand(): Command {
  const command = new Command('policy').description('Custom ValidatingAdmissionPolicies: test them');
  command.addCommand(new Command('test')
    .description('Run the PolicyTest cases next to the policies in DIR; JUnit XML (default) or a table')
    .argument('<dir>', 'directory of policies, bindings, params and PolicyTest files')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['junit', 'table']).default('junit'))
    .option('--output-file <file>', 'write the report to a file instead of stdout')
    .action(function (this: Command, dir: string) {
      this.setOptionValue('exitCode', runTest(dir, this.opts<TestFlags>()));
    }));
  return command;
}

function runTest(dir: string, flags: TestFlags): number {
  const loaded = loadPolicyDirectory(dir);
  if (loaded.tests.length === 0 && loaded.errors.length === 0) throw new UsageError(`${dir}: no PolicyTest document found (see docs/policies.md)`);
  const run = runPolicyTests(loaded);
  const errors = [...loaded.errors, ...run.errors];
  reportProblems(errors);
  const output = openOutput(flags.outputFile);
  output.write(flags.output === 'junit' ? junitReport({ ...run, errors }) : tableReport({ ...run, errors }));
  output.close();
  if (errors.length > 0) return EXIT.error;
  return run.cases.some((c) => !c.ok) ? EXIT.findings : EXIT.ok;
}
