/**
 * NetworkPolicy coverage of every namespace and workload: default-deny status, isolation per
 * direction, and what each workload may receive from and send to, as peer descriptions with their
 * ports and the policies that allow them. Named ports of ingress rules are resolved against the
 * workload's own container ports; named ports of egress rules depend on the destination and are
 * shown by name.
 */
import type { NetpolAnalysis } from './analysis.js';
import { isDefaultDeny, type Direction, type Peer, type Policy, type PortSpec, type Problem, type Rule } from './policy.js';
import type { NetpolPod } from './pods.js';

export type PeerSummary =
  | { type: 'all'; text: string }
  /** `workloads`: how many workloads of the input the peer matches. */
  | { type: 'pods'; namespaces: string; pods: string; workloads: number; text: string }
  | { type: 'ipBlock'; cidr: string; except: string[]; text: string };

export interface PortEntry {
  protocol: string;
  /** Absent: every port of the protocol. A string is a named container port. */
  port?: number | string;
  endPort?: number;
  /** For named ports resolved against the workload (ingress): the port numbers; empty when the name is not declared. */
  resolved?: number[];
}

export interface AllowEntry {
  peer: PeerSummary;
  /** Empty: every port and protocol. */
  ports: PortEntry[];
  /** Names of the policies (in the workload's namespace) that allow this; empty when the workload is not isolated. */
  policies: string[];
}

export interface WorkloadCoverage {
  kind: string;
  name: string;
  /** Where the workload is declared. */
  location?: { file: string; line?: number };
  hostNetwork: boolean;
  ingressIsolated: boolean;
  egressIsolated: boolean;
  ingressPolicies: string[];
  egressPolicies: string[];
  allowedFrom: AllowEntry[];
  allowedTo: AllowEntry[];
}

export interface NamespaceCoverage {
  name: string;
  policies: string[];
  /** Policies with fields the API server would reject; they are evaluated as far as they can be read. */
  invalidPolicies: Array<{ name: string; problems: Problem[] }>;
  defaultDenyIngress: boolean;
  defaultDenyEgress: boolean;
  workloads: WorkloadCoverage[];
  /** Why the namespace is outside the ISMS scope (annexa.yaml), when it is: its workloads do not fail the run. */
  outOfScope?: string;
}

export interface CoverageSummary {
  namespaces: number;
  policies: number;
  workloads: number;
  /** Selected by at least one policy (either direction). */
  covered: number;
  uncovered: number;
  /** Uncovered workloads in namespaces inside the ISMS scope (what `--fail-on-uncovered` counts). */
  uncoveredInScope: number;
  outOfScopeNamespaces: number;
  ingressIsolated: number;
  egressIsolated: number;
  hostNetwork: number;
  /** Namespaces with at least one non-hostNetwork workload and no default-deny policy for the direction. */
  namespacesWithoutDefaultDenyIngress: number;
  namespacesWithoutDefaultDenyEgress: number;
}

export interface CoverageReport {
  summary: CoverageSummary;
  namespaces: NamespaceCoverage[];
}

const ANY = (direction: Direction, reason: string): AllowEntry => ({
  peer: { type: 'all', text: `any ${direction === 'ingress' ? 'source' : 'destination'}${reason}` },
  ports: [],
  policies: [],
});

export function describePeer(peer: Peer, policy: Policy, analysis: NetpolAnalysis): PeerSummary {
  const policyNamespace = policy.namespace;
  if (peer.type === 'empty') return { type: 'all', text: 'any peer (empty peer)' };
  if (peer.type === 'ipBlock') {
    const except = peer.block.except.map((c) => c.text);
    return { type: 'ipBlock', cidr: peer.block.cidr.text, except, text: `ipBlock ${peer.block.cidr.text}${except.length ? ` except ${except.join(', ')}` : ''}` };
  }
  const namespaces = peer.namespaces.type === 'own' ? `(same: ${policyNamespace})` : peer.namespaces.selector.toString();
  const pods = peer.pods.toString();
  const where = peer.namespaces.type === 'own' ? `namespace ${policyNamespace}`
    : peer.namespaces.selector.matchesAll ? 'all namespaces' : `namespaces ${namespaces}`;
  const workloads = analysis.countPeerPods(policy, peer);
  return { type: 'pods', namespaces, pods, workloads, text: `${peer.pods.matchesAll ? 'all pods' : `pods ${pods}`} in ${where}` };
}

function portEntry(spec: PortSpec, resolveAgainst: NetpolPod | undefined): PortEntry {
  if (spec.kind === 'all') return { protocol: spec.protocol };
  if (spec.kind === 'number') return spec.endPort !== undefined ? { protocol: spec.protocol, port: spec.port, endPort: spec.endPort } : { protocol: spec.protocol, port: spec.port };
  const entry: PortEntry = { protocol: spec.protocol, port: spec.name };
  if (resolveAgainst) {
    entry.resolved = (resolveAgainst.namedPorts.get(spec.name) ?? []).filter((p) => p.protocol === spec.protocol).map((p) => p.port);
  }
  return entry;
}

interface RuleSummary {
  peers: PeerSummary[];
  /** Port entries when no named port needs resolving against the workload, else undefined. */
  ports: PortEntry[] | undefined;
  key: string[];
}

/** Peer descriptions of a rule are the same for every workload it applies to: computed once per rule. */
const summaries = new WeakMap<Rule, RuleSummary>();

function summaryOf(analysis: NetpolAnalysis, rule: Rule, policy: Policy): RuleSummary {
  let summary = summaries.get(rule);
  if (!summary) {
    const peers: PeerSummary[] = rule.peers === 'all'
      ? [{ type: 'all', text: rule.direction === 'ingress' ? 'any source' : 'any destination' }]
      : rule.peers.map((peer) => describePeer(peer, policy, analysis));
    const named = rule.ports !== 'all' && rule.ports.some((spec) => spec.kind === 'named');
    const ports = rule.ports === 'all' ? [] : named && rule.direction === 'ingress' ? undefined : rule.ports.map((spec) => portEntry(spec, undefined));
    summary = { peers, ports, key: peers.map((peer) => JSON.stringify(peer)) };
    summaries.set(rule, summary);
  }
  return summary;
}

function ruleEntries(analysis: NetpolAnalysis, rule: Rule, policy: Policy, resolveAgainst: NetpolPod | undefined): Array<{ key: string; entry: AllowEntry }> {
  const summary = summaryOf(analysis, rule, policy);
  const ports = summary.ports ?? (rule.ports === 'all' ? [] : rule.ports.map((spec) => portEntry(spec, resolveAgainst)));
  const portsKey = JSON.stringify(ports);
  return summary.peers.map((peer, i) => ({ key: `${summary.key[i]!}|${portsKey}`, entry: { peer, ports, policies: [policy.name] } }));
}

/** Union of the rules of the isolating policies; identical peer+ports entries are merged. */
function allowed(analysis: NetpolAnalysis, pod: NetpolPod, direction: Direction, isolating: readonly Policy[]): AllowEntry[] {
  if (pod.hostNetwork) return [ANY(direction, ' (hostNetwork: not subject to NetworkPolicy)')];
  if (isolating.length === 0) return [ANY(direction, ' (not isolated)')];
  const merged = new Map<string, AllowEntry>();
  for (const policy of isolating) {
    for (const rule of policy.rules[direction]) {
      for (const { key, entry } of ruleEntries(analysis, rule, policy, direction === 'ingress' ? pod : undefined)) {
        const existing = merged.get(key);
        if (!existing) merged.set(key, entry);
        else if (!existing.policies.includes(policy.name)) existing.policies.push(policy.name);
      }
    }
  }
  return [...merged.values()];
}

export function workloadCoverage(analysis: NetpolAnalysis, pod: NetpolPod): WorkloadCoverage {
  const ingress = pod.hostNetwork ? [] : analysis.isolating(pod, 'ingress');
  const egress = pod.hostNetwork ? [] : analysis.isolating(pod, 'egress');
  const { file, line } = pod.resource.provenance;
  return {
    kind: pod.kind,
    name: pod.name,
    ...(file !== undefined ? { location: line !== undefined ? { file, line } : { file } } : {}),
    hostNetwork: pod.hostNetwork,
    ingressIsolated: ingress.length > 0,
    egressIsolated: egress.length > 0,
    ingressPolicies: ingress.map((p) => p.name),
    egressPolicies: egress.map((p) => p.name),
    allowedFrom: allowed(analysis, pod, 'ingress', ingress),
    allowedTo: allowed(analysis, pod, 'egress', egress),
  };
}

/** Policies of the namespace that deny by default in the direction (empty podSelector, no allow-everything rule). */
export function defaultDenyPolicies(analysis: NetpolAnalysis, namespace: string, direction: Direction): Policy[] {
  return analysis.policiesIn(namespace).filter((policy) => isDefaultDeny(policy, direction));
}

export function namespaceCoverage(analysis: NetpolAnalysis, namespace: string): NamespaceCoverage {
  return {
    name: namespace,
    policies: analysis.policiesIn(namespace).map((p) => p.name),
    invalidPolicies: analysis.policiesIn(namespace).filter((p) => p.problems.length > 0).map((p) => ({ name: p.name, problems: p.problems })),
    defaultDenyIngress: defaultDenyPolicies(analysis, namespace, 'ingress').length > 0,
    defaultDenyEgress: defaultDenyPolicies(analysis, namespace, 'egress').length > 0,
    workloads: analysis.podsIn(namespace).map((pod) => workloadCoverage(analysis, pod)),
  };
}

/** A namespace with a workload that a policy could select (not only hostNetwork ones). */
function selectable(ns: NamespaceCoverage): boolean {
  return ns.workloads.some((w) => !w.hostNetwork);
}

/** `outOfScope` gives why a namespace is outside the ISMS scope, or undefined when it is inside. */
export function coverageReport(analysis: NetpolAnalysis, outOfScope: (namespace: string) => string | undefined = () => undefined): CoverageReport {
  const namespaces = analysis.namespaces().map((ns) => {
    const coverage = namespaceCoverage(analysis, ns);
    const reason = outOfScope(coverage.name);
    if (reason !== undefined) coverage.outOfScope = reason;
    return coverage;
  });
  const workloads = namespaces.flatMap((ns) => ns.workloads);
  const covered = workloads.filter((w) => w.ingressIsolated || w.egressIsolated).length;
  const summary: CoverageSummary = {
    namespaces: namespaces.length,
    policies: analysis.policies.length,
    workloads: workloads.length,
    covered,
    uncovered: workloads.length - covered,
    uncoveredInScope: namespaces.filter((ns) => ns.outOfScope === undefined).flatMap((ns) => ns.workloads).filter((w) => !w.ingressIsolated && !w.egressIsolated).length,
    outOfScopeNamespaces: namespaces.filter((ns) => ns.outOfScope !== undefined).length,
    ingressIsolated: workloads.filter((w) => w.ingressIsolated).length,
    egressIsolated: workloads.filter((w) => w.egressIsolated).length,
    hostNetwork: workloads.filter((w) => w.hostNetwork).length,
    namespacesWithoutDefaultDenyIngress: namespaces.filter((ns) => selectable(ns) && !ns.defaultDenyIngress).length,
    namespacesWithoutDefaultDenyEgress: namespaces.filter((ns) => selectable(ns) && !ns.defaultDenyEgress).length,
  };
  return { summary, namespaces };
}
