/** IPv4 and IPv6 CIDR blocks as bigints: parsing, containment and `ipBlock` (cidr minus except). */

export interface Cidr {
  readonly text: string;
  readonly version: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIPv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (/^[0-9a-f]{1,4}$/i.test(part)) groups.push(parseInt(part, 16));
    else return undefined;
  }
  return groups;
}

function parseIPv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** Parses an address: IPv4 dotted quad or IPv6 (with `::` and embedded IPv4). */
export function parseAddress(text: string): { version: 4 | 6; value: bigint } | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = text.includes(':') ? parseIPv6(text) : undefined;
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

function bits(version: 4 | 6): number {
  return version === 4 ? 32 : 128;
}

/** Parses `10.0.0.0/8` or `::/0`; the address part is masked to the prefix, as Kubernetes does when comparing. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const address = parseAddress(match[1]!);
  const prefix = Number(match[2]);
  if (!address || prefix > bits(address.version)) return undefined;
  const hostBits = BigInt(bits(address.version) - prefix);
  return { text, version: address.version, base: (address.value >> hostBits) << hostBits, prefix };
}

/** True when `inner` lies entirely inside `outer` (same IP family). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.version !== inner.version || inner.prefix < outer.prefix) return false;
  const hostBits = BigInt(bits(outer.version) - outer.prefix);
  return inner.base >> hostBits === outer.base >> hostBits;
}

export function cidrContainsAddress(cidr: Cidr, address: string): boolean {
  const parsed = parseAddress(address);
  if (!parsed || parsed.version !== cidr.version) return false;
  const hostBits = BigInt(bits(cidr.version) - cidr.prefix);
  return parsed.value >> hostBits === cidr.base >> hostBits;
}

export interface IpBlock {
  cidr: Cidr;
  except: Cidr[];
  /** CIDR texts that do not parse, and other values described (the API server would reject the policy). */
  invalid: string[];
}

/** True when the block admits the address: inside `cidr` and inside none of `except`. */
export function ipBlockAdmits(block: IpBlock, address: string): boolean {
  return cidrContainsAddress(block.cidr, address) && !block.except.some((except) => cidrContainsAddress(except, address));
}

/** True for `0.0.0.0/0` or `::/0` with no exception: every address of the family. */
export function ipBlockIsEverything(block: IpBlock): boolean {
  return block.cidr.prefix === 0 && block.except.length === 0;
}
