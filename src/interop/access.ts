/** Tolerant reads of untrusted report JSON: a field of the wrong type is treated as absent, never coerced. */
export type Json = unknown;
export type JsonRecord = Record<string, unknown>;

export function isRecord(value: Json): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function field(value: Json, ...path: string[]): Json {
  let current: Json = value;
  for (const key of path) {
    if (!isRecord(current) || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

export function text(value: Json, ...path: string[]): string | undefined {
  const found = field(value, ...path);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

export function num(value: Json, ...path: string[]): number | undefined {
  const found = field(value, ...path);
  return typeof found === 'number' && Number.isFinite(found) ? found : undefined;
}

export function list(value: Json, ...path: string[]): Json[] {
  const found = field(value, ...path);
  return Array.isArray(found) ? found : [];
}

export function texts(value: Json, ...path: string[]): string[] {
  return list(value, ...path).filter((item): item is string => typeof item === 'string' && item !== '');
}

/** An RFC 3339 time the report gives, normalised; undefined for Go's zero time and unreadable values. */
export function time(value: Json, ...path: string[]): string | undefined {
  const raw = text(value, ...path);
  if (raw === undefined || raw.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
