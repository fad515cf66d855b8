/**
 * Canonical JSON for the evidence chain: object keys sorted by code unit, no insignificant
 * whitespace, `undefined` members dropped (as JSON.stringify does). The hash of a record is the
 * SHA-256 of this text, so two writers of the same content always produce the same bytes.
 */
import { createHash, createHmac } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no representation for a non-finite number');
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`canonical JSON has no representation for a ${typeof value}`);
  }
}

function canonicalArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    out += (i > 0 ? ',' : '') + (item === undefined ? 'null' : canonicalJson(item));
  }
  return `${out}]`;
}

function canonicalObject(object: Record<string, unknown>): string {
  let out = '{';
  for (const key of Object.keys(object).sort()) {
    const member = object[key];
    if (member === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A salted digest (HMAC-SHA-256) for values that must be comparable but never recoverable. */
export function saltedDigest(salt: string, data: string | Uint8Array): string {
  return createHmac('sha256', salt).update(data).digest('hex');
}
