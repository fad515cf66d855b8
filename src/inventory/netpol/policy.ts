/**
 * NetworkPolicy objects compiled once into a form that answers questions quickly: selectors
 * precompiled, policyTypes defaulted, rules with their peers and ports normalised, field paths kept
 * for findings.
 *
 * Semantics (networking.k8s.io/v1):
 * - `policyTypes` absent or empty: Ingress always, Egress when the policy has at least one egress rule
 *   (`egress: []` does not count).
 * - A rule whose `from`/`to` is absent or empty admits every peer; whose `ports` is absent or empty
 *   admits every port. A rule `{}` therefore allows everything.
 * - A peer with only `podSelector` selects pods of the policy's namespace; with only
 *   `namespaceSelector` every pod of the selected namespaces; with both, the matching pods of the
 *   matching namespaces. `ipBlock` stands alone.
 * - A peer with no field at all is rejected by the API server; if it reaches a cluster through
 *   another path it is treated here as admitting every peer (the conservative reading).
 * - A port entry: protocol defaults to TCP; no `port` means every port of the protocol; a named port
 *   is resolved against the container ports of the destination pod; `endPort` makes a range.
 */
import type { JsonObject, JsonValue, Resource } from '../../resources/types.js';
import { asArray, asObject, isObject } from '../../resources/workloads.js';
import { describeValue } from '../../resources/values.js';
import { compileSelector, type LabelSelector } from '../label-selector.js';
import { parseCidr, type IpBlock } from './cidr.js';

export const DEFAULT_NAMESPACE = 'default';

export type PortSpec =
  | { kind: 'all'; protocol: string }
  | { kind: 'number'; protocol: string; port: number; endPort?: number }
  | { kind: 'named'; protocol: string; name: string };

export type NamespaceScope = { type: 'own' } | { type: 'selector'; selector: LabelSelector };

export type Peer =
  | { type: 'pods'; path: string; namespaces: NamespaceScope; pods: LabelSelector }
  | { type: 'ipBlock'; path: string; block: IpBlock }
  /** `{}`: not accepted by the API server; read as every peer. */
  | { type: 'empty'; path: string };

export type Direction = 'ingress' | 'egress';

export interface Problem {
  path: string;
  message: string;
}

export interface Rule {
  direction: Direction;
  index: number;
  /** `spec.ingress[0]` */
  path: string;
  /** `'all'` when `from`/`to` is absent or empty. */
  peers: Peer[] | 'all';
  /** `'all'` when `ports` is absent or empty. */
  ports: PortSpec[] | 'all';
}

export interface Policy {
  resource: Resource;
  namespace: string;
  name: string;
  podSelector: LabelSelector;
  /** Effective policy types after defaulting. */
  types: Record<Direction, boolean>;
  rules: Record<Direction, Rule[]>;
  /** Fields the API server would reject (or that make the policy select nothing), with their paths. */
  problems: Problem[];
}

export function namespaceOf(resource: Resource): string {
  return resource.namespace ?? DEFAULT_NAMESPACE;
}

export function isNetworkPolicy(resource: Resource): boolean {
  return resource.kind === 'NetworkPolicy' && resource.apiVersion === 'networking.k8s.io/v1';
}

function portSpecOf(value: JsonValue, path: string, problems: Problem[]): PortSpec | undefined {
  const entry = asObject(value);
  const protocol = typeof entry.protocol === 'string' ? entry.protocol.toUpperCase() : 'TCP';
  const { port, endPort } = entry;
  if (port === undefined || port === null) return { kind: 'all', protocol };
  if (typeof port === 'string' && !/^\d+$/.test(port)) {
    if (endPort !== undefined) problems.push({ path: `${path}.endPort`, message: `endPort cannot be used with the named port "${port}"` });
    return { kind: 'named', protocol, name: port };
  }
  if (typeof port !== 'number' && typeof port !== 'string') {
    problems.push({ path: `${path}.port`, message: `port ${describeValue(port)} is neither a port number nor a port name` });
    return undefined;
  }
  const number = Number(port);
  if (!Number.isInteger(number) || number < 1 || number > 65535) {
    problems.push({ path: `${path}.port`, message: `port ${port} is outside 1-65535` });
    return undefined;
  }
  if (endPort === undefined || endPort === null) return { kind: 'number', protocol, port: number };
  const end = typeof endPort === 'number' || typeof endPort === 'string' ? Number(endPort) : Number.NaN;
  if (!Number.isInteger(end) || end < number || end > 65535) {
    problems.push({ path: `${path}.endPort`, message: `endPort ${describeValue(endPort)} must be between port ${number} and 65535` });
    return { kind: 'number', protocol, port: number };
  }
  return { kind: 'number', protocol, port: number, endPort: end };
}

function ipBlockOf(value: JsonObject, path: string, problems: Problem[]): IpBlock | undefined {
  const cidrText = typeof value.cidr === 'string' ? value.cidr : '';
  const cidr = parseCidr(cidrText);
  if (!cidr) {
    problems.push({ path: `${path}.cidr`, message: `"${cidrText}" is not a CIDR` });
    return undefined;
  }
  const block: IpBlock = { cidr, except: [], invalid: [] };
  for (const text of asArray(value.except)) {
    const except = typeof text === 'string' ? parseCidr(text) : undefined;
    if (except) block.except.push(except);
    else block.invalid.push(describeValue(text));
  }
  if (block.invalid.length > 0) problems.push({ path: `${path}.except`, message: `not CIDRs: ${block.invalid.join(', ')}` });
  return block;
}

function peerOf(value: JsonValue, path: string, problems: Problem[]): Peer | undefined {
  const peer = asObject(value);
  if (isObject(peer.ipBlock)) {
    if (peer.podSelector !== undefined || peer.namespaceSelector !== undefined) {
      problems.push({ path, message: 'ipBlock cannot be combined with podSelector or namespaceSelector' });
    }
    const block = ipBlockOf(peer.ipBlock, `${path}.ipBlock`, problems);
    return block ? { type: 'ipBlock', path, block } : undefined;
  }
  const hasPods = peer.podSelector !== undefined && peer.podSelector !== null;
  const hasNamespaces = peer.namespaceSelector !== undefined && peer.namespaceSelector !== null;
  if (!hasPods && !hasNamespaces) {
    problems.push({ path, message: 'a peer must set podSelector, namespaceSelector or ipBlock' });
    return { type: 'empty', path };
  }
  const pods = compileSelector(peer.podSelector);
  const namespaces: NamespaceScope = hasNamespaces ? { type: 'selector', selector: compileSelector(peer.namespaceSelector) } : { type: 'own' };
  if (pods.problem) problems.push({ path: `${path}.podSelector`, message: pods.problem });
  if (namespaces.type === 'selector' && namespaces.selector.problem) problems.push({ path: `${path}.namespaceSelector`, message: namespaces.selector.problem });
  return { type: 'pods', path, namespaces, pods };
}

function ruleOf(direction: Direction, value: JsonValue, index: number, problems: Problem[]): Rule {
  const path = `spec.${direction}[${index}]`;
  const rule = asObject(value);
  const peerField = direction === 'ingress' ? 'from' : 'to';
  const peerValues = asArray(rule[peerField]);
  const portValues = asArray(rule.ports);
  const peers: Peer[] = [];
  peerValues.forEach((peer, i) => {
    const compiled = peerOf(peer, `${path}.${peerField}[${i}]`, problems);
    if (compiled) peers.push(compiled);
  });
  const ports: PortSpec[] = [];
  portValues.forEach((port, i) => {
    const compiled = portSpecOf(port, `${path}.ports[${i}]`, problems);
    if (compiled) ports.push(compiled);
  });
  return {
    direction,
    index,
    path,
    peers: peerValues.length === 0 ? 'all' : peers,
    ports: portValues.length === 0 ? 'all' : ports,
  };
}

function policyTypesOf(spec: JsonObject): Record<Direction, boolean> {
  // Entries that are not Ingress or Egress (of any type) still count as declared: they select neither.
  const declared = asArray(spec.policyTypes);
  if (declared.length > 0) return { ingress: declared.includes('Ingress'), egress: declared.includes('Egress') };
  return { ingress: true, egress: asArray(spec.egress).length > 0 };
}

/** Compiles one NetworkPolicy resource. */
export function compilePolicy(resource: Resource): Policy {
  const spec = asObject(resource.object.spec);
  const problems: Problem[] = [];
  // An absent podSelector decodes as the empty selector: every pod of the namespace (network.netpol-no-pod-selector reports it).
  const podSelector = compileSelector(spec.podSelector ?? {});
  if (podSelector.problem) problems.push({ path: 'spec.podSelector', message: podSelector.problem });
  for (const [i, type] of asArray(spec.policyTypes).entries()) {
    if (type !== 'Ingress' && type !== 'Egress') problems.push({ path: `spec.policyTypes[${i}]`, message: `unknown policy type "${describeValue(type)}" (Ingress or Egress)` });
  }
  const rules: Record<Direction, Rule[]> = {
    ingress: asArray(spec.ingress).map((rule, i) => ruleOf('ingress', rule, i, problems)),
    egress: asArray(spec.egress).map((rule, i) => ruleOf('egress', rule, i, problems)),
  };
  return { resource, namespace: namespaceOf(resource), name: resource.name, podSelector, types: policyTypesOf(spec), rules, problems };
}

/**
 * True when a rule admits every peer: no `from`/`to`, or an empty peer. (A `namespaceSelector: {}` peer is
 * not enough: it leaves out addresses outside the cluster; network.policy-allows-all reports it.)
 */
export function ruleAdmitsEveryPeer(rule: Rule): boolean {
  return rule.peers === 'all' || rule.peers.some((peer) => peer.type === 'empty');
}

/** True when the policy isolates every pod of its namespace for the direction and has no rule that admits everything. */
export function isDefaultDeny(policy: Policy, direction: Direction): boolean {
  if (!policy.types[direction] || !policy.podSelector.matchesAll) return false;
  return !policy.rules[direction].some((rule) => rule.ports === 'all' && ruleAdmitsEveryPeer(rule));
}
