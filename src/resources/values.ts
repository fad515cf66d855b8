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
 * the value is ever called; circular references and nesting beyond a few levels are cut.
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
  switch (typeof value) {
    case 'string':
      out.text += depth === 0 ? value : JSON.stringify(value);
      return;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      out.text += String(value);
      return;
    case 'symbol':
      out.text += value.description === undefined ? 'Symbol()' : `Symbol(${JSON.stringify(value.description)})`;
      return;
    case 'function':
      out.text += '[function]';
      return;
  }
  if (value === null) {
    out.text += 'null';
    return;
  }
  const object = value as object;
  if (open.has(object) || depth >= MAX_DEPTH) {
    out.text += Array.isArray(object) ? '[…]' : '{…}';
    return;
  }
  if (object instanceof Date) {
    out.text += Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
    return;
  }
  if (ArrayBuffer.isView(object)) {
    out.text += `<binary, ${object.byteLength} bytes>`;
    return;
  }
  open.add(object);
  if (Array.isArray(object) || object instanceof Set) {
    out.text += '[';
    let first = true;
    for (const item of object as Iterable<unknown>) {
      if (out.text.length > out.limit) break;
      if (!first) out.text += ',';
      first = false;
      render(item, out, depth + 1, open);
    }
    out.text += ']';
  } else {
    const entries: Iterable<[unknown, unknown]> = object instanceof Map
      ? object.entries()
      : Object.keys(object).map((key) => [key, (object as Record<string, unknown>)[key]]);
    out.text += '{';
    let first = true;
    for (const [key, item] of entries) {
      if (out.text.length > out.limit) break;
      if (!first) out.text += ',';
      first = false;
      out.text += typeof key === 'string' ? JSON.stringify(key) : JSON.stringify(describeValue(key, out.limit));
      out.text += ':';
      render(item, out, depth + 1, open);
    }
    out.text += '}';
  }
  open.delete(object);
}

/**
 * `object[key] = value` as an own property for every key: assigning to `__proto__` would set the
 * prototype instead (and drop the key), so a manifest key named `__proto__` is defined explicitly.
 */
export function setOwn<T>(object: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
