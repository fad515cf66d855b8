/**
 * Sets of destination ports per protocol, as closed ranges. Named ports are resolved against the
 * container ports of the destination pod (same name and protocol); a name the pod does not declare
 * admits nothing there.
 */
import type { PortSpec } from './policy.js';
import type { NetpolPod } from './pods.js';

export type Range = readonly [number, number];

export const MAX_PORT = 65535;

export class PortSet {
  private constructor(private readonly byProtocol: ReadonlyMap<string, readonly Range[]>) {}

  static readonly EMPTY = new PortSet(new Map());

  /** Every port of TCP, UDP and SCTP. */
  static all(): PortSet {
    return new PortSet(new Map(['TCP', 'UDP', 'SCTP'].map((p) => [p, [[1, MAX_PORT] as Range]])));
  }

  static of(entries: Iterable<{ protocol: string; range: Range }>): PortSet {
    const map = new Map<string, Range[]>();
    for (const { protocol, range } of entries) map.set(protocol, [...(map.get(protocol) ?? []), range]);
    return new PortSet(new Map([...map].map(([p, ranges]) => [p, normalise(ranges)])));
  }

  /** The ports a rule's `ports` admits towards one destination pod. */
  static forRule(ports: readonly PortSpec[] | 'all', destination: NetpolPod): PortSet {
    if (ports === 'all') return PortSet.all();
    const entries: Array<{ protocol: string; range: Range }> = [];
    for (const spec of ports) {
      if (spec.kind === 'all') entries.push({ protocol: spec.protocol, range: [1, MAX_PORT] });
      else if (spec.kind === 'number') entries.push({ protocol: spec.protocol, range: [spec.port, spec.endPort ?? spec.port] });
      else {
        for (const port of destination.namedPorts.get(spec.name) ?? []) {
          if (port.protocol === spec.protocol) entries.push({ protocol: spec.protocol, range: [port.port, port.port] });
        }
      }
    }
    return PortSet.of(entries);
  }

  get isEmpty(): boolean {
    return this.byProtocol.size === 0;
  }

  get isAll(): boolean {
    return ['TCP', 'UDP', 'SCTP'].every((p) => {
      const ranges = this.byProtocol.get(p);
      return ranges?.length === 1 && ranges[0]![0] === 1 && ranges[0]![1] === MAX_PORT;
    });
  }

  has(port: number, protocol: string): boolean {
    return (this.byProtocol.get(protocol) ?? []).some(([lo, hi]) => port >= lo && port <= hi);
  }

  union(other: PortSet): PortSet {
    const entries: Array<{ protocol: string; range: Range }> = [];
    for (const set of [this, other]) for (const [protocol, ranges] of set.byProtocol) for (const range of ranges) entries.push({ protocol, range });
    return PortSet.of(entries);
  }

  intersect(other: PortSet): PortSet {
    const entries: Array<{ protocol: string; range: Range }> = [];
    for (const [protocol, ranges] of this.byProtocol) {
      for (const [lo, hi] of ranges) {
        for (const [otherLo, otherHi] of other.byProtocol.get(protocol) ?? []) {
          const from = Math.max(lo, otherLo);
          const to = Math.min(hi, otherHi);
          if (from <= to) entries.push({ protocol, range: [from, to] });
        }
      }
    }
    return PortSet.of(entries);
  }

  /** `[{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 8000, endPort: 8080 }]`, sorted. */
  toJSON(): Array<{ protocol: string; port: number; endPort?: number }> {
    const out: Array<{ protocol: string; port: number; endPort?: number }> = [];
    for (const protocol of [...this.byProtocol.keys()].sort()) {
      for (const [lo, hi] of this.byProtocol.get(protocol)!) out.push(lo === hi ? { protocol, port: lo } : { protocol, port: lo, endPort: hi });
    }
    return out;
  }

  toString(): string {
    if (this.isAll) return 'all ports';
    if (this.isEmpty) return 'no ports';
    return this.toJSON().map((p) => `${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ''}/${p.protocol}`).join(', ');
  }
}

function normalise(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}
