/**
 * Reading and describing the untrusted values of a parsed manifest without coercing them.
 *
 * A manifest field can hold any YAML value, including a map such as `{toString: 1}` or
 * `{valueOf: 1}`: `String(x)`, `Number(x)`, `` `${x}` ``, `x + ''`, `.join()` and `.sort()` on such a
 * value call its own `toString`/`valueOf` and throw "Cannot convert object to primitive value" (and
 * on an array they quietly turn `[80]` into `80`). Code that reads input uses these guards to accept
 * only the type Kubernetes expects, and `describeValue` to put any value in a message.
 */

/** The value when it is a string. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The string items of a list (a non-list gives none; items of another type are left out). */
export function stringItems(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * The text of a scalar as a label map would hold it: a string as is, a number or boolean written
 * out (YAML reads `1.30` or `true` as such); undefined for null, lists, maps and anything else.
 */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

const MAX_DESCRIPTION = 80;
const MAX_DEPTH = 4;

/**
 * Any value as message text, never throwing: a string as is; a number, boolean, bigint, null or
 * undefined written out; a list or map in compact JSON form (keys and strings quoted), cut at about
 * `maxLength` characters with `…`. Own enumerable keys only: no `toString`, `valueOf` or `toJSON` of
 * the value is ever called; circular references and nesting beyond a few levels are cut. Parsed
 * manifests hold JSON values only (YAML 1.1 tagged values are converted when parsed).
 */
export function describeValue(value: unknown, maxLength = MAX_DESCRIPTION): string {
  if (typeof value === 'string') return value;
  const out = { text: '', limit: Math.max(1, maxLength) };
  try {
    render(value, out, 0, new Set());
  } catch {
    // Only a hostile getter or proxy could get here (parsed input has neither); keep what was written.
  }
  return out.text.length > out.limit ? `${out.text.slice(0, out.limit)}…` : out.text;
}

interface Output {
  text: string;
  limit: number;
}

function render(value: unknown, out: Output, depth: number, open: Set<object>): void {
  if (out.text.length > out.limit) return;
  if (typeof value === 'string') {
    out.text += depth === 0 ? value : JSON.stringify(value);
    return;
  }
  if (value === null || typeof value !== 'object') {
    out.text += value === null ? 'null' : typeof value === 'symbol' || typeof value === 'function' ? `[${typeof value}]` : String(value);
    return;
  }
  if (open.has(value) || depth >= MAX_DEPTH) {
    out.text += Array.isArray(value) ? '[…]' : '{…}';
    return;
  }
  open.add(value);
  const list = Array.isArray(value);
  out.text += list ? '[' : '{';
  let first = true;
  for (const key of Object.keys(value)) {
    if (out.text.length > out.limit) break;
    if (!first) out.text += ',';
    first = false;
    if (!list) out.text += `${JSON.stringify(key)}:`;
    render((value as Record<string, unknown>)[key], out, depth + 1, open);
  }
  out.text += list ? ']' : '}';
  open.delete(value);
}

/**
 * `object[key] = value` as an own property for every key: assigning to `__proto__` would set the
 * prototype instead (and drop the key), so a manifest key named `__proto__` is defined explicitly.
 */
export function setOwn<T>(object: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
