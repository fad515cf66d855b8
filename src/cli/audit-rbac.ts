/** `annexa audit rbac --subject KIND:[NS/]NAME FILE...`: the minimal RBAC from what the subject did, and unused grants. */
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { readAuditFile, type ReadError } from '../audit/reader.js';
import { eventTime, timeMillis } from '../audit/event.js';
import { minimalRbac, unusedGrants, UsageCollector, type UnusedGrant } from '../audit/rbac-from-usage.js';
import { parseSubjectSpec, subjectLabel } from '../inventory/rbac/index.js';
import { EXIT, openOutput, reportProblems, UsageError } from './io.js';
import { instant } from './evidence.js';
import { loadRbac } from './rbac.js';

interface RbacFlags {
  subject: string;
  bindings: string[];
  output: 'yaml' | 'json';
  outputFile?: string;
  since?: string;
  until?: string;
}

const MAX_MANIFEST_BYTES = 20 * 1024 * 1024;

export function auditRbacCommand(): Command {
  return new Command('rbac')
    .description('least privilege from usage: the minimal Role/ClusterRole allowing what a subject did, and (with --bindings) the grants it never used')
    .argument('<files...>', 'audit log files (plain or gzip)')
    .requiredOption('--subject <KIND:[NS/]NAME>', 'User:NAME, Group:NAME or ServiceAccount:NAMESPACE/NAME')
    .option('--bindings <path>', 'RBAC manifests (files or directories, repeatable): report granted rules the subject never used', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .addOption(new Option('-o, --output <format>', 'yaml: the manifests (unused grants as comments); json: everything').choices(['yaml', 'json']).default('yaml'))
    .option('--output-file <file>', 'write to a file instead of stdout')
    .option('--since <time>', 'only requests at or after this date or RFC 3339 time')
    .option('--until <time>', 'only requests before this date or RFC 3339 time')
    .action(async function (this: Command, files: string[]) {
      this.setOptionValue('exitCode', await runAuditRbac(files, this.opts<RbacFlags>()));
    });
}

async function runAuditRbac(files: string[], flags: RbacFlags): Promise<number> {
  const subject = parseSubjectSpec(flags.subject);
  if (typeof subject === 'string') throw new UsageError(`--subject: ${subject}`);
  const since = flags.since ? timeMillis(instant(flags.since, '--since')) : Number.NEGATIVE_INFINITY;
  const until = flags.until ? timeMillis(instant(flags.until, '--until')) : Number.POSITIVE_INFINITY;
  const errors: ReadError[] = [];
  const collector = new UsageCollector(subject);
  for (const file of files) {
    for await (const { event } of readAuditFile(file, { onError: (e) => errors.push(e) })) {
      if (flags.since || flags.until) {
        const t = timeMillis(eventTime(event));
        if (!(t >= since && t < until)) continue;
      }
      collector.add(event);
    }
  }
  const uses = collector.all();
  const manifests = minimalRbac(subject, uses);
  let unused: UnusedGrant[] | undefined;
  let bindingErrors = 0;
  if (flags.bindings.length > 0) {
    const loaded = await loadRbac(flags.bindings, MAX_MANIFEST_BYTES);
    reportProblems(loaded.errors, loaded.notes);
    bindingErrors = loaded.errors.length;
    unused = unusedGrants(loaded.model, subject, uses);
  }
  const output = openOutput(flags.outputFile);
  output.write(flags.output === 'json'
    ? `${JSON.stringify({ subject: subjectLabel(subject), requests: collector.requests, permissionsUsed: uses.length, roles: manifests, ...(unused ? { unusedGrants: unused } : {}), errors }, null, 2)}\n`
    : yamlReport(subjectLabel(subject), collector.requests, manifests, unused));
  output.close();
  reportProblems(errors);
  if (collector.requests === 0) process.stderr.write(`annexa: no request by ${subjectLabel(subject)} in the log${flags.since || flags.until ? ' and period' : ''}\n`);
  return errors.length > 0 || bindingErrors > 0 ? EXIT.error : EXIT.ok;
}

function yamlReport(subject: string, requests: number, manifests: object[], unused: UnusedGrant[] | undefined): string {
  const lines = [`# Minimal RBAC for ${subject} from ${requests} audited request(s) (annexa audit rbac; reads granted as get, list, watch).`];
  if (unused) {
    lines.push(unused.length === 0 ? '# Every granted rule was used in the period.' : `# Granted but never used in the period (${unused.length}):`);
    for (const u of unused) {
      lines.push(`#   ${u.namespace ? `namespace ${u.namespace}` : 'cluster-wide'}: ${u.text} (${u.role} via ${u.binding})${u.unusedPairs ? `: unused ${u.unusedPairs.join(', ')}` : ''}`);
    }
  }
  const body = manifests.map((m) => stringify(m)).join('---\n');
  return `${lines.join('\n')}\n${body.length > 0 ? body : '# (nothing to grant)\n'}`;
}
