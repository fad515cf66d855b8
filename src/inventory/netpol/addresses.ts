/**
 * The addresses a live cluster's pods and nodes hold, indexed for `ipBlock` peers: sorted per IP
 * family, so that what a block admits (its CIDR minus its exceptions) is counted with binary
 * searches, not by testing every address against every block.
 */
import { parseAddress, type Cidr, type IpBlock } from './cidr.js';

export interface Holder {
  address: string;
  /** `namespace/name` of a pod, or the node's name. */
  name: string;
}

interface Entry {
  value: bigint;
  holder: Holder;
}

function bits(version: 4 | 6): number {
  return version === 4 ? 32 : 128;
}

/** The first index whose value is >= `value`. */
function lowerBound(entries: readonly Entry[], value: bigint): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (entries[middle]!.value < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class AddressIndex {
  private readonly families: Record<4 | 6, Entry[]> = { 4: [], 6: [] };

  constructor(holders: Iterable<Holder>) {
    for (const holder of holders) {
      const parsed = parseAddress(holder.address);
      if (parsed) this.families[parsed.version].push({ value: parsed.value, holder });
    }
    for (const family of [this.families[4], this.families[6]]) family.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }

  get size(): number {
    return this.families[4].length + this.families[6].length;
  }

  /** [first, end) of the entries inside `cidr`. */
  private range(cidr: Cidr): [number, number] {
    const entries = this.families[cidr.version];
    const last = cidr.base + (1n << BigInt(bits(cidr.version) - cidr.prefix)) - 1n;
    return [lowerBound(entries, cidr.base), lowerBound(entries, last + 1n)];
  }

  /** How many addresses the block admits, and up to `sample` of their holders. */
  admitted(block: IpBlock, sample = 3): { count: number; examples: Holder[] } {
    const entries = this.families[block.cidr.version];
    const [first, end] = this.range(block.cidr);
    // Exceptions as index ranges, merged, so that overlapping exceptions are not subtracted twice.
    const excluded = block.except.filter((e) => e.version === block.cidr.version).map((e) => this.range(e)).sort((a, b) => a[0] - b[0]);
    let count = end - first;
    let covered = first;
    for (const [from, to] of excluded) {
      const start = Math.max(from, covered, first);
      const stop = Math.min(to, end);
      if (stop > start) count -= stop - start;
      covered = Math.max(covered, stop);
    }
    const examples: Holder[] = [];
    for (let i = first; i < end && examples.length < sample; i++) {
      if (!excluded.some(([from, to]) => i >= from && i < to)) examples.push(entries[i]!.holder);
    }
    return { count, examples };
  }
}
