/**
 * `annexa rbac who-can VERB RESOURCE[/SUBRESOURCE] PATH...` and `annexa rbac subject KIND:[NS/]NAME PATH...`:
 * questions about the RBAC objects of manifests, answered as the Kubernetes RBAC authorizer would.
 */
import { Command, Option } from 'commander';
import { parseSize } from '../sources/files.js';
import { loadResources } from '../sources/input.js';
import type { InputError, Resource } from '../resources/types.js';
import { Inventory } from '../inventory/inventory.js';
import {
  defaultApiGroup, isBroadGroup, parseSubjectSpec, RbacModel, RBAC_KINDS, ServiceAccountUsage, subjectAnswer, whoCanAnswer,
  type AccessRequest, type AccessScope, type SubjectAnswer, type WhoCanAnswer, type RuleGrantJson, type ViaJson,
} from '../inventory/rbac/index.js';
import { loadConfig, namespaceExclusionReason, type AnnexaConfig } from '../isms/config.js';
import { builtinCheckIds } from '../checks/index.js';
import { alignColumns, printable } from '../report/table.js';
import { openOutput, noteConfig, reportProblems, terminalSafe, UsageError, EXIT } from './io.js';

const FORMATS = ['table', 'json'] as const;

/** The verbs of the Kubernetes API and of its RBAC special cases, and `*`. */
export const KNOWN_VERBS: readonly string[] = [
  'get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'proxy',
  'escalate', 'bind', 'impersonate', 'approve', 'sign', 'use', 'attest', '*',
];

interface CommonFlags {
  output: (typeof FORMATS)[number];
  outputFile?: string;
  maxFileSize: string;
  config?: string;
}

interface WhoCanFlags extends CommonFlags {
  namespace?: string;
  allNamespaces?: boolean;
  name?: string;
  apiGroup?: string;
  allowCustomVerb?: boolean;
}

interface SubjectFlags extends CommonFlags {
  group: string[];
}

interface Loaded {
  inventory: Inventory;
  model: RbacModel;
  errors: InputError[];
  notes: InputError[];
}

function withCommonOptions(command: Command): Command {
  return command
    .addOption(new Option('-o, --output <format>', 'output format').choices(FORMATS).default('table'))
    .option('--output-file <file>', 'write the answer to a file instead of stdout')
    .option('--max-file-size <size>', 'refuse files larger than this (e.g. 20MiB)', '20MiB')
    .option('-c, --config <file>', 'annexa.yaml whose scope marks grants through bindings of excluded namespaces out of scope (default: ./annexa.yaml)')
    .exitOverride()
    .showHelpAfterError('(run "annexa rbac help" for usage)');
}

export function rbacCommand(): Command {
  return new Command('rbac')
    .description('RBAC analysis of manifests: who can do what, and what a subject can do')
    .addCommand(whoCanCommand())
    .addCommand(subjectCommand());
}

function whoCanCommand(): Command {
  return withCommonOptions(new Command('who-can'))
    .description('List the subjects allowed to perform VERB on RESOURCE (or a non-resource URL such as /metrics)')
    .argument('<verb>', 'API verb: get, list, create, update, delete, escalate, bind, impersonate, approve, …')
    .argument('<resource>', 'resource[/subresource] (pods, pods/exec, deployments.apps) or a non-resource URL (/metrics)')
    .argument('<paths...>', 'files or directories of manifests, or - for standard input')
    .option('-n, --namespace <ns>', 'access within this namespace (ClusterRoleBindings plus its RoleBindings)')
    .option('-A, --all-namespaces', 'access in any namespace: every binding, each grant with its namespace')
    .option('--name <name>', 'a specific object name (rules with resourceNames only match when it is given)')
    .option('--api-group <group>', 'API group of the resource (default: the well-known group of the resource, else core)')
    .option('--allow-custom-verb', 'accept a verb outside the Kubernetes API verbs (for custom authorizers and aggregated APIs)')
    .action(async function (this: Command, verb: string, resource: string, paths: string[]) {
      const code = await runWhoCan(verb, resource, paths, this.opts<WhoCanFlags>());
      this.setOptionValue('exitCode', code);
    });
}

function subjectCommand(): Command {
  return withCommonOptions(new Command('subject'))
    .description('List every rule a subject holds, cluster-wide and per namespace, with the bindings granting it')
    .argument('<subject>', 'User:NAME, Group:NAME or ServiceAccount:NAMESPACE/NAME')
    .argument('<paths...>', 'files or directories of manifests, or - for standard input')
    .option('--group <group>', 'a group the user is in besides the implicit ones (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .action(async function (this: Command, spec: string, paths: string[]) {
      const code = await runSubject(spec, paths, this.opts<SubjectFlags>());
      this.setOptionValue('exitCode', code);
    });
}

function maxBytes(flags: CommonFlags): number {
  const bytes = parseSize(flags.maxFileSize);
  if (bytes === undefined || bytes <= 0) throw new UsageError(`--max-file-size: cannot read "${flags.maxFileSize}" as a size`);
  return bytes;
}

/** Reads the manifests through the one input path of every command and builds the model. */
export async function loadRbac(paths: readonly string[], max: number): Promise<Loaded> {
  const resources: Resource[] = [];
  const loaded = await loadResources({ paths, maxFileBytes: max }, {}, (resource) => resources.push(resource));
  const inventory = Inventory.of(resources);
  return { inventory, model: RbacModel.fromResources(inventory.ofKind(...RBAC_KINDS)), errors: loaded.errors, notes: loaded.notes };
}

function splitGroup(resource: string, flags: WhoCanFlags): { resource: string; group: string } {
  const dot = resource.indexOf('.');
  if (dot < 0) return { resource, group: flags.apiGroup ?? defaultApiGroup(resource) };
  const group = resource.slice(dot + 1);
  if (flags.apiGroup !== undefined && flags.apiGroup !== group) {
    throw new UsageError(`resource "${resource}" names group "${group}" but --api-group is "${flags.apiGroup}"`);
  }
  return { resource: resource.slice(0, dot), group };
}

/** Parses VERB and RESOURCE[/SUBRESOURCE] (or a /non-resource/url) into an authorizer request. */
export function parseRequest(verb: string, target: string, flags: WhoCanFlags): AccessRequest {
  if (!/^[a-z*][a-zA-Z*-]*$/.test(verb)) throw new UsageError(`"${verb}" is not an API verb`);
  // A typo (`gte`) would answer "nobody" and look like a pass.
  if (!KNOWN_VERBS.includes(verb) && !flags.allowCustomVerb) {
    throw new UsageError(`"${verb}" is not a Kubernetes API verb; known verbs: ${KNOWN_VERBS.join(', ')} (--allow-custom-verb accepts others)`);
  }
  if (target.startsWith('/')) {
    if (flags.namespace !== undefined || flags.allNamespaces || flags.name !== undefined || flags.apiGroup !== undefined) {
      throw new UsageError('a non-resource URL is cluster-wide: -n, -A, --name and --api-group do not apply');
    }
    return { type: 'nonResource', verb, path: target };
  }
  const parts = target.split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new UsageError(`"${target}" is not RESOURCE or RESOURCE/SUBRESOURCE`);
  const { resource, group } = splitGroup(parts[0]!, flags);
  const request: AccessRequest = { type: 'resource', verb, apiGroup: group, resource };
  if (parts[1] !== undefined) request.subresource = parts[1];
  if (flags.name !== undefined) request.name = flags.name;
  return request;
}

function scopeOf(flags: WhoCanFlags): AccessScope {
  if (flags.namespace !== undefined && flags.allNamespaces) throw new UsageError('-n and -A are exclusive');
  if (flags.allNamespaces) return { type: 'all' };
  return flags.namespace !== undefined ? { type: 'namespace', namespace: flags.namespace } : { type: 'cluster' };
}

function requirePaths(paths: readonly string[]): void {
  if (paths.length === 0) throw new UsageError('give at least one path (or - for stdin)');
}

export async function runWhoCan(verb: string, target: string, paths: string[], flags: WhoCanFlags): Promise<number> {
  const request = parseRequest(verb, target, flags);
  const scope = scopeOf(flags);
  requirePaths(paths);
  const loaded = await loadRbac(paths, maxBytes(flags));
  const answer = markOutOfScope(whoCanAnswer(loaded.model, request, scope), scopeConfig(flags));
  const text = flags.output === 'json' ? `${JSON.stringify({ ...answer, errors: loaded.errors }, null, 2)}\n` : whoCanTable(answer);
  return finish(text, loaded, flags);
}

export async function runSubject(spec: string, paths: string[], flags: SubjectFlags): Promise<number> {
  const subject = parseSubjectSpec(spec);
  if (typeof subject === 'string') throw new UsageError(subject);
  if (flags.group.length > 0 && subject.kind !== 'User') throw new UsageError('--group applies to a User subject only');
  requirePaths(paths);
  const loaded = await loadRbac(paths, maxBytes(flags));
  const answer = subjectAnswer(loaded.model, subject, flags.group, ServiceAccountUsage.of(loaded.inventory));
  const outOfScope = excludedNamespaces(Object.keys(answer.namespaces), scopeConfig(flags));
  const scoped = Object.keys(outOfScope).length > 0 ? { ...answer, outOfScope } : answer;
  const text = flags.output === 'json' ? `${JSON.stringify({ ...scoped, errors: loaded.errors }, null, 2)}\n` : subjectTable(scoped);
  return finish(text, loaded, flags);
}

function finish(text: string, loaded: Loaded, flags: CommonFlags): number {
  reportProblems(loaded.errors, loaded.notes);
  const output = openOutput(flags.outputFile);
  output.write(text);
  output.close();
  return loaded.errors.length > 0 ? EXIT.error : EXIT.ok;
}

function scopeConfig(flags: CommonFlags): AnnexaConfig {
  const { config, file } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  noteConfig(flags.config, file);
  return config;
}

/** Grants through a binding in a namespace outside the ISMS scope carry the exclusion's reason. */
function markOutOfScope(answer: WhoCanAnswer, config: AnnexaConfig): WhoCanAnswer {
  for (const subject of answer.subjects) {
    for (const via of subject.via as Array<ViaJson & { outOfScope?: string }>) {
      const reason = via.namespace === undefined ? undefined : namespaceExclusionReason(config, via.namespace);
      if (reason !== undefined) via.outOfScope = reason;
    }
  }
  return answer;
}

/** The namespaces (of those given) outside the ISMS scope, with the exclusion's reason. */
function excludedNamespaces(namespaces: readonly string[], config: AnnexaConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const namespace of namespaces) {
    const reason = namespaceExclusionReason(config, namespace);
    if (reason !== undefined) out[namespace] = reason;
  }
  return out;
}

function scopeText(answer: WhoCanAnswer): string {
  if (answer.namespace === null) return 'cluster-wide';
  return answer.namespace === '*' ? 'in any namespace' : `in namespace ${answer.namespace}`;
}

function table(header: string[], rows: string[][]): string[] {
  return alignColumns([header, ...rows.map((row) => row.map(printable))]).map((row) => row.join('  ').trimEnd());
}

function subjectCell(s: { kind: string; name: string; namespace?: string }): string {
  return s.namespace === undefined ? `${s.kind} ${s.name}` : `${s.kind} ${s.namespace}/${s.name}`;
}

export function whoCanTable(answer: WhoCanAnswer): string {
  const what = `${answer.verb} ${answer.resource}${answer.apiGroup ? ` (${answer.apiGroup})` : ''}${answer.name ? ` named ${answer.name}` : ''}`;
  const lines = [`Who can ${what} ${scopeText(answer)}: ${answer.subjects.length} subject(s)`];
  const rows = answer.subjects.flatMap((s) => s.via.map((v: ViaJson & { outOfScope?: string }) => [subjectCell(s), `${v.namespace ?? '*'}${v.outOfScope !== undefined ? ' (out of scope)' : ''}`, v.binding, v.role]));
  if (rows.length > 0) lines.push('', ...table(['SUBJECT', 'NAMESPACE', 'BINDING', 'ROLE'], rows));
  const broad = answer.subjects.filter((s) => s.kind === 'Group' && isBroadGroup(s.name)).map((s) => s.name);
  if (broad.length > 0) lines.push('', `Implicit groups are listed as subjects: ${broad.join(', ')} (every authenticated identity, every service account, or every anonymous client).`);
  if (answer.unresolvedBindings.length > 0) lines.push('', `${answer.unresolvedBindings.length} binding(s) reference roles not in the input; they may grant more.`);
  return `${lines.map(terminalSafe).join('\n')}\n`;
}

function ruleCells(rule: RuleGrantJson): [string, string] {
  if (rule.nonResourceURLs) return [rule.verbs.join(','), rule.nonResourceURLs.join(',')];
  const groups = (rule.apiGroups ?? []).map((g) => (g === '' ? 'core' : g)).join(',');
  const names = rule.resourceNames ? ` [${rule.resourceNames.join(',')}]` : '';
  return [rule.verbs.join(','), `${(rule.resources ?? []).join(',')} (${groups})${names}`];
}

export function subjectTable(answer: SubjectAnswer & { outOfScope?: Record<string, string> }): string {
  const lines = [`${subjectCell(answer.subject)}${answer.groups.length > 0 ? ` (groups: ${answer.groups.join(', ')})` : ''}`];
  const rows: string[][] = [];
  const add = (scope: string, rules: RuleGrantJson[]) => {
    for (const rule of rules) rows.push([scope, ...ruleCells(rule), rule.via.map((v) => `${v.binding} → ${v.role}`).join('; ')]);
  };
  add('*', answer.cluster);
  for (const [ns, rules] of Object.entries(answer.namespaces)) add(answer.outOfScope?.[ns] !== undefined ? `${ns} (out of scope)` : ns, rules);
  lines.push(rows.length > 0 ? '' : 'No rules granted.');
  if (rows.length > 0) lines.push(...table(['NAMESPACE', 'VERBS', 'RESOURCES', 'VIA'], rows));
  for (const w of answer.workloads ?? []) lines.push(`runs as it: ${w.workload}${w.exposedBy.length > 0 ? ` (exposed by ${w.exposedBy.join(', ')})` : ''}`);
  if (answer.unresolvedBindings.length > 0) lines.push('', `unresolved (role not in the input): ${answer.unresolvedBindings.join(', ')}`);
  return `${lines.map(terminalSafe).join('\n')}\n`;
}
