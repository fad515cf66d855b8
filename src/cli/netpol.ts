/**
 * `annexa netpol coverage PATH...` and `annexa netpol reach --from NS/WORKLOAD --to NS/WORKLOAD PATH...`:
 * NetworkPolicy coverage of the estate and pod-to-pod reachability, from manifests.
 */
import { Command, Option } from 'commander';
import { Inventory } from '../inventory/inventory.js';
import { parseSize } from '../sources/files.js';
import { loadResources } from '../sources/input.js';
import type { InputError } from '../resources/types.js';
import {
  coverageReport, findWorkload, NetpolAnalysis, reach, ReachError,
  type AllowEntry, type CoverageReport, type NetpolPod, type PortQuery, type ReachResult, type SideVerdict, type WorkloadQuery,
} from '../inventory/netpol/index.js';
import { openOutput, reportProblems, terminalSafe, UsageError, EXIT, type Output, noteConfig } from './io.js';
import { loadConfig, namespaceExclusionReason } from '../isms/config.js';
import { builtinCheckIds } from '../checks/index.js';

const FORMATS = ['table', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface CommonFlags {
  output: Format;
  outputFile?: string;
  maxFileSize: string;
}

interface CoverageFlags extends CommonFlags {
  failOnUncovered?: boolean;
  config?: string;
}

interface ReachFlags extends CommonFlags {
  from: string;
  to: string;
  port?: string;
  expect?: 'allowed' | 'denied';
}

export function netpolCommand(): Command {
  const netpol = new Command('netpol').description('NetworkPolicy coverage and reachability, evaluated as Kubernetes does');
  netpol.addCommand(withCommonOptions(new Command('coverage'))
    .description('Show, per namespace and workload, whether NetworkPolicies isolate it and what they allow')
    .option('--fail-on-uncovered', 'exit 1 when a workload inside the ISMS scope is selected by no NetworkPolicy')
    .option('-c, --config <file>', 'annexa.yaml whose scope marks excluded namespaces out of scope (default: ./annexa.yaml)')
    .action(async function (this: Command, paths: string[]) {
      setExitCode(this, await runCoverage(paths, this.opts<CoverageFlags>()));
    }));
  netpol.addCommand(withCommonOptions(new Command('reach'))
    .description('Can one workload open a connection to another? Egress of the source and ingress of the destination must both allow it')
    .requiredOption('--from <ns/workload>', 'source: NAMESPACE/NAME or NAMESPACE/KIND/NAME')
    .requiredOption('--to <ns/workload>', 'destination: NAMESPACE/NAME or NAMESPACE/KIND/NAME')
    .option('--port <port[/proto]>', 'destination port (number or container port name), protocol TCP (default), UDP or SCTP')
    .addOption(new Option('--expect <verdict>', 'exit 1 unless the verdict is this').choices(['allowed', 'denied']))
    .action(async function (this: Command, paths: string[]) {
      setExitCode(this, await runReach(paths, this.opts<ReachFlags>()));
    }));
  for (const sub of netpol.commands) sub.exitOverride().showHelpAfterError(`(run "annexa netpol ${sub.name()} --help" for usage)`);
  return netpol;
}

function withCommonOptions(command: Command): Command {
  return command
    .argument('<paths...>', 'files or directories (.yaml, .yml, .json), or - for standard input')
    .addOption(new Option('-o, --output <format>', 'output format').choices(FORMATS).default('table'))
    .option('--output-file <file>', 'write the result to a file instead of stdout')
    .option('--max-file-size <size>', 'refuse files larger than this (e.g. 20MiB)', '20MiB');
}

function setExitCode(command: Command, code: number): void {
  command.setOptionValue('exitCode', code);
}

export interface LoadedInputs {
  inventory: Inventory;
  errors: InputError[];
}

/** Reads every input through the one input path of every command into an inventory; input errors are collected. */
export async function loadInputs(paths: readonly string[], maxBytes: number): Promise<LoadedInputs> {
  const inventory = new Inventory();
  const loaded = await loadResources({ paths, maxFileBytes: maxBytes }, {}, (resource) => inventory.add(resource));
  reportProblems(loaded.errors, loaded.notes);
  return { inventory, errors: loaded.errors };
}

function maxBytesOf(flags: CommonFlags): number {
  const max = parseSize(flags.maxFileSize);
  if (max === undefined || max <= 0) throw new UsageError(`--max-file-size: cannot read "${flags.maxFileSize}" as a size`);
  return max;
}

function emit(flags: CommonFlags, text: string): void {
  const output: Output = openOutput(flags.outputFile);
  output.write(text);
  output.close();
}

// ── coverage ────────────────────────────────────────────────────────────────────────────────────

export async function runCoverage(paths: string[], flags: CoverageFlags): Promise<number> {
  const maxBytes = maxBytesOf(flags);
  const { inventory, errors } = await loadInputs(paths, maxBytes);
  const { config, file: configFile } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  noteConfig(flags.config, configFile);
  const report = coverageReport(NetpolAnalysis.of(inventory), (namespace) => namespaceExclusionReason(config, namespace));
  emit(flags, flags.output === 'json' ? `${JSON.stringify({ ...report, errors }, null, 2)}\n` : coverageTable(report, errors));
  if (errors.length > 0) return EXIT.error;
  return flags.failOnUncovered && report.summary.uncoveredInScope > 0 ? EXIT.findings : EXIT.ok;
}

function portsText(entry: AllowEntry): string {
  if (entry.ports.length === 0) return 'all ports';
  return entry.ports.map((p) => {
    const port = p.port === undefined ? 'all' : `${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ''}`;
    const resolved = p.resolved === undefined ? '' : p.resolved.length > 0 ? `=${p.resolved.join('|')}` : ' (undeclared)';
    return `${port}${resolved}/${p.protocol}`;
  }).join(', ');
}

function allowLines(label: string, entries: readonly AllowEntry[]): string[] {
  if (entries.length === 0) return [`      ${label} nothing`];
  return entries.map((entry) => {
    const by = entry.policies.length > 0 ? `  [${entry.policies.join(', ')}]` : '';
    return `      ${label} ${entry.peer.text}, ${portsText(entry)}${by}`;
  });
}

/** Names and messages from the input, escaped for the terminal, one output line each. */
function safeLines(lines: readonly string[]): string {
  return `${lines.map(terminalSafe).join('\n')}\n`;
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'NO';
}

export function coverageTable(report: CoverageReport, errors: readonly InputError[] = []): string {
  const lines: string[] = [];
  for (const ns of report.namespaces) {
    const scope = ns.outOfScope !== undefined ? `; out of scope: ${ns.outOfScope}` : '';
    lines.push(`${ns.name}  (${ns.policies.length} polic${ns.policies.length === 1 ? 'y' : 'ies'}; default-deny ingress: ${yesNo(ns.defaultDenyIngress)}, egress: ${yesNo(ns.defaultDenyEgress)}${scope})`);
    for (const invalid of ns.invalidPolicies) {
      lines.push(...invalid.problems.map((problem) => `  ! policy ${invalid.name}: ${problem.path}: ${problem.message}`));
    }
    for (const w of ns.workloads) {
      const state = (isolated: boolean, policies: string[]) => (isolated ? `isolated by ${policies.join(', ')}` : 'open');
      lines.push(`  ${w.kind}/${w.name}${w.hostNetwork ? ' (hostNetwork)' : ''}`);
      lines.push(`    ingress: ${state(w.ingressIsolated, w.ingressPolicies)}`);
      lines.push(...allowLines('from', w.allowedFrom));
      lines.push(`    egress:  ${state(w.egressIsolated, w.egressPolicies)}`);
      lines.push(...allowLines('to  ', w.allowedTo));
    }
    lines.push('');
  }
  const s = report.summary;
  lines.push(`${s.workloads} workload${s.workloads === 1 ? '' : 's'} in ${s.namespaces} namespace${s.namespaces === 1 ? '' : 's'}, ${s.policies} NetworkPolic${s.policies === 1 ? 'y' : 'ies'}: ` +
    `${s.covered} covered, ${s.uncovered} uncovered (${s.ingressIsolated} ingress-isolated, ${s.egressIsolated} egress-isolated, ${s.hostNetwork} hostNetwork)`);
  lines.push(`namespaces with workloads but no default-deny: ingress ${s.namespacesWithoutDefaultDenyIngress}, egress ${s.namespacesWithoutDefaultDenyEgress}`);
  if (s.outOfScopeNamespaces > 0) lines.push(`${s.outOfScopeNamespaces} namespace${s.outOfScopeNamespaces === 1 ? '' : 's'} out of scope: ${s.uncoveredInScope} uncovered workload${s.uncoveredInScope === 1 ? '' : 's'} in scope`);
  if (errors.length > 0) lines.push(`${errors.length} input error${errors.length === 1 ? '' : 's'} (on stderr): the answer covers only what could be read`);
  return safeLines(lines);
}

// ── reach ───────────────────────────────────────────────────────────────────────────────────────

/** `shop/cart` or `shop/Deployment/cart`. */
export function parseWorkloadArg(option: string, value: string): WorkloadQuery {
  const parts = value.split('/');
  if (parts.some((part) => part === '') || parts.length < 2 || parts.length > 3) {
    throw new UsageError(`${option} must be NAMESPACE/NAME or NAMESPACE/KIND/NAME, not "${value}"`);
  }
  return parts.length === 2 ? { namespace: parts[0]!, name: parts[1]! } : { namespace: parts[0]!, kind: parts[1]!, name: parts[2]! };
}

/** `8080`, `8080/udp`, `http` or `dns/UDP`. */
export function parsePortArg(value: string): PortQuery {
  const match = /^([A-Za-z0-9-]+)(?:\/(tcp|udp|sctp))?$/i.exec(value);
  if (!match) throw new UsageError(`--port must be PORT or PORT/PROTOCOL (TCP, UDP, SCTP), not "${value}"`);
  const protocol = (match[2] ?? 'TCP').toUpperCase();
  const text = match[1]!;
  if (!/^\d+$/.test(text)) {
    if (!/[a-z]/i.test(text) || text.length > 15) throw new UsageError(`--port: "${text}" is neither a port number nor a container port name`);
    return { port: text, protocol };
  }
  const port = Number(text);
  if (port < 1 || port > 65535) throw new UsageError(`--port: ${port} is outside 1-65535`);
  return { port, protocol };
}

function workloadJson(pod: NetpolPod): { namespace: string; kind: string; name: string } {
  return { namespace: pod.namespace, kind: pod.kind, name: pod.name };
}

/** The policies that decide a side: those allowing it, or (when denied) those isolating the workload. */
function decidedBy(side: SideVerdict): string[] {
  if (!side.isolated) return [];
  return side.allowed ? side.allowingPolicies : side.isolatingPolicies;
}

function sideJson(side: SideVerdict, subject: NetpolPod) {
  return {
    workload: workloadJson(subject),
    isolated: side.isolated,
    allowed: side.allowed,
    decidedBy: decidedBy(side),
    allowingPolicies: side.allowingPolicies,
    isolatingPolicies: side.isolatingPolicies,
    allowingRules: side.allowingRules,
    ports: side.ports.toJSON(),
    notes: side.notes,
  };
}

export function reachJson(result: ReachResult, errors: readonly InputError[] = []) {
  return {
    from: workloadJson(result.from),
    to: workloadJson(result.to),
    port: result.port ?? null,
    allowed: result.allowed,
    ports: result.ports.toJSON(),
    egress: sideJson(result.egress, result.from),
    ingress: sideJson(result.ingress, result.to),
    notes: result.notes,
    errors,
  };
}

function sideText(label: string, side: SideVerdict, subject: NetpolPod): string[] {
  const who = `${subject.namespace}/${subject.kind}/${subject.name}`;
  const lines = [
    !side.isolated
      ? `  ${label} allowed: ${who} is not ${side.direction}-isolated`
      : side.allowed
        ? `  ${label} allowed by ${side.allowingPolicies.join(', ')} (${side.ports.toString()})`
        : `  ${label} DENIED: ${who} is isolated by ${side.isolatingPolicies.join(', ')} and no rule admits this traffic`,
  ];
  for (const rule of side.allowingRules) lines.push(`      rule ${rule}`);
  for (const note of side.notes) lines.push(`      note: ${note}`);
  return lines;
}

export function reachTable(result: ReachResult, errors: readonly InputError[] = []): string {
  const from = `${result.from.namespace}/${result.from.kind}/${result.from.name}`;
  const to = `${result.to.namespace}/${result.to.kind}/${result.to.name}`;
  const port = result.port ? ` on ${result.port.port}/${result.port.protocol}${result.port.name ? ` (${result.port.name})` : ''}` : '';
  const lines = [
    `${from} -> ${to}${port}: ${result.allowed ? 'ALLOWED' : 'DENIED'}${!result.port && result.allowed ? ` (${result.ports.toString()})` : ''}`,
    ...sideText('egress: ', result.egress, result.from),
    ...sideText('ingress:', result.ingress, result.to),
    ...result.notes.map((note) => `  note: ${note}`),
  ];
  if (errors.length > 0) lines.push(`${errors.length} input error${errors.length === 1 ? '' : 's'} (on stderr): the answer covers only what could be read`);
  return safeLines(lines);
}

export async function runReach(paths: string[], flags: ReachFlags): Promise<number> {
  const fromQuery = parseWorkloadArg('--from', flags.from);
  const toQuery = parseWorkloadArg('--to', flags.to);
  const port = flags.port === undefined ? undefined : parsePortArg(flags.port);
  const maxBytes = maxBytesOf(flags);
  const { inventory, errors } = await loadInputs(paths, maxBytes);
  const analysis = NetpolAnalysis.of(inventory);
  let result: ReachResult;
  try {
    result = reach(analysis, findWorkload(analysis, fromQuery), findWorkload(analysis, toQuery), port);
  } catch (error) {
    if (error instanceof ReachError) {
      // The input errors, which may explain the missing workload, are already on stderr.
      throw new UsageError(error.message);
    }
    throw error;
  }
  emit(flags, flags.output === 'json' ? `${JSON.stringify(reachJson(result, errors), null, 2)}\n` : reachTable(result, errors));
  if (errors.length > 0) return EXIT.error;
  if (flags.expect !== undefined && (flags.expect === 'allowed') !== result.allowed) return EXIT.findings;
  return EXIT.ok;
}
