/**
 * Can workload A open a connection to workload B? Both sides must allow it: the egress policies of
 * A (if A is egress-isolated) and the ingress policies of B (if B is ingress-isolated). Ports are
 * resolved against B's container ports on both sides, and the answer is the intersection.
 */
import type { NetpolAnalysis } from './analysis.js';
import type { Direction, Policy, Rule } from './policy.js';
import type { NetpolPod } from './pods.js';
import { PortSet } from './ports.js';

export interface WorkloadQuery {
  namespace: string;
  /** Kind such as `Deployment`; matched case-insensitively. Absent = any workload kind. */
  kind?: string;
  name: string;
}

export interface PortQuery {
  /** A number, or a container port name of the destination. */
  port: number | string;
  protocol: string;
}

export interface SideVerdict {
  direction: Direction;
  /** The workload whose policies decide this side (source for egress, destination for ingress). */
  isolated: boolean;
  allowed: boolean;
  /** Ports this side admits towards the destination. */
  ports: PortSet;
  /** Policies with a rule admitting the traffic (and, with a port, that port). */
  allowingPolicies: string[];
  /** Every policy that isolates the workload for this direction. */
  isolatingPolicies: string[];
  /** `spec.egress[0]` of each allowing rule, as `policy: path`. */
  allowingRules: string[];
  notes: string[];
}

export interface ReachResult {
  from: NetpolPod;
  to: NetpolPod;
  port?: { port: number; protocol: string; name?: string };
  allowed: boolean;
  /** Ports both sides admit. */
  ports: PortSet;
  egress: SideVerdict;
  ingress: SideVerdict;
  notes: string[];
}

export class ReachError extends Error {
  override name = 'ReachError';
}

/** Finds exactly one workload; a missing or ambiguous one is an error that names the candidates. */
export function findWorkload(analysis: NetpolAnalysis, query: WorkloadQuery): NetpolPod {
  const kind = query.kind?.toLowerCase();
  const matches = analysis.podsIn(query.namespace).filter((pod) => pod.name === query.name && (kind === undefined || pod.kind.toLowerCase() === kind));
  const label = `${query.namespace}/${query.kind ? `${query.kind}/` : ''}${query.name}`;
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new ReachError(`no workload ${label} in the input`);
  throw new ReachError(`${label} is ambiguous: ${matches.map((p) => `${p.namespace}/${p.kind}/${p.name}`).join(', ')}; give the kind`);
}

function sideVerdict(analysis: NetpolAnalysis, direction: Direction, subject: NetpolPod, destination: NetpolPod, peer: NetpolPod, port: PortQuery | undefined): SideVerdict {
  const verdict: SideVerdict = {
    direction, isolated: false, allowed: true, ports: PortSet.all(), allowingPolicies: [], isolatingPolicies: [], allowingRules: [], notes: [],
  };
  if (subject.hostNetwork) {
    verdict.notes.push(`${subject.kind}/${subject.name} uses hostNetwork: no NetworkPolicy selects it`);
    return verdict;
  }
  const isolating = analysis.isolating(subject, direction);
  if (isolating.length === 0) return verdict;
  verdict.isolated = true;
  verdict.isolatingPolicies = isolating.map((p) => p.name);
  let ports = PortSet.EMPTY;
  for (const policy of isolating) {
    for (const rule of policy.rules[direction]) {
      const admitted = ruleAdmits(analysis, policy, rule, peer, destination, verdict.notes);
      if (admitted.isEmpty) continue;
      if (port && typeof port.port === 'number' && !admitted.has(port.port, port.protocol)) continue;
      ports = ports.union(admitted);
      if (!verdict.allowingPolicies.includes(policy.name)) verdict.allowingPolicies.push(policy.name);
      verdict.allowingRules.push(`${policy.name}: ${rule.path}`);
    }
  }
  verdict.ports = ports;
  verdict.notes = [...new Set(verdict.notes)];
  verdict.allowed = !ports.isEmpty;
  return verdict;
}

/** Ports a rule admits for traffic with `peer` on the other end, towards `destination`. */
function ruleAdmits(analysis: NetpolAnalysis, policy: Policy, rule: Rule, peer: NetpolPod, destination: NetpolPod, notes: string[]): PortSet {
  if (rule.peers !== 'all') {
    const matched = rule.peers.some((candidate) => analysis.peerMatchesPod(policy, candidate, peer));
    if (!matched) {
      for (const candidate of rule.peers) {
        if (candidate.type === 'ipBlock') {
          notes.push(`${policy.name} ${candidate.path}: ipBlock ${candidate.block.cidr.text} is not matched against pod addresses (CNI-dependent)`);
        }
      }
      return PortSet.EMPTY;
    }
  }
  return PortSet.forRule(rule.ports, destination);
}

function resolvePort(destination: NetpolPod, port: PortQuery): PortQuery & { port: number; name?: string } {
  if (typeof port.port === 'number') return { port: port.port, protocol: port.protocol };
  const named = (destination.namedPorts.get(port.port) ?? []).find((p) => p.protocol === port.protocol);
  if (!named) throw new ReachError(`${destination.kind}/${destination.name} declares no ${port.protocol} container port named "${port.port}"`);
  return { port: named.port, protocol: port.protocol, name: port.port };
}

/** Decides whether `from` may connect to `to` (optionally on one port). */
export function reach(analysis: NetpolAnalysis, from: NetpolPod, to: NetpolPod, port?: PortQuery): ReachResult {
  const resolved = port ? resolvePort(to, port) : undefined;
  const egress = sideVerdict(analysis, 'egress', from, to, to, resolved);
  const ingress = sideVerdict(analysis, 'ingress', to, to, from, resolved);
  const notes: string[] = [];
  if (from === to && from.kind === 'Pod') {
    notes.push('a pod can always reach itself: NetworkPolicy does not apply to traffic from a pod to itself');
    const ports = resolved ? PortSet.of([{ protocol: resolved.protocol, range: [resolved.port, resolved.port] }]) : PortSet.all();
    return { from, to, ...(resolved ? { port: resolved } : {}), allowed: true, ports, egress, ingress, notes };
  }
  if (from === to) notes.push('source and destination are the same workload: evaluated between two of its replicas');
  let ports = egress.ports.intersect(ingress.ports);
  if (resolved) ports = ports.has(resolved.port, resolved.protocol) ? PortSet.of([{ protocol: resolved.protocol, range: [resolved.port, resolved.port] }]) : PortSet.EMPTY;
  if (egress.allowed && ingress.allowed && ports.isEmpty) notes.push('each side allows some ports, but no port is allowed by both');
  return { from, to, ...(resolved ? { port: resolved } : {}), allowed: !ports.isEmpty, ports, egress, ingress, notes };
}
