/**
 * Compares what the baseline declares with the live object: every field the baseline sets is
 * looked up in the live object; fields only the live object has are not drift (server metadata,
 * `status`, API defaults, allocated addresses), except items added to a list the baseline declares
 * by key (a container or env var injected at admission is a real difference).
 *
 * Equal despite different spelling: a missing live field and a zero value (Go's omitempty drops
 * them), a missing live field and the API default the baseline spelled out (defaults.ts), and
 * resource quantities in another unit (`0.5` and `500m`, `1Gi` and `1024Mi`).
 */
import type { JsonObject, JsonValue } from '../resources/types.js';
import { REDACTED } from '../resources/redact.js';
import { apiDefault, SERVER_METADATA, TOOL_ANNOTATIONS } from './defaults.js';

export interface Change {
  path: string;
  /** The baseline's value (`null` when the baseline does not have the item). Secret values are never shown. */
  desired: JsonValue;
  /** The live value (`null` when the live object lacks it). */
  live: JsonValue;
}

/** Lists whose items are identified by a field (strategic merge keys), by the list's field name. */
const MERGE_KEYS = new Map<string, string>([
  ['containers', 'name'],
  ['initContainers', 'name'],
  ['ephemeralContainers', 'name'],
  ['env', 'name'],
  ['volumes', 'name'],
  ['volumeMounts', 'mountPath'],
  ['imagePullSecrets', 'name'],
  ['hostAliases', 'ip'],
]);

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

function isZero(value: JsonValue): boolean {
  if (value === false || value === 0 || value === '' || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

const QUANTITY = /^([+-]?[0-9.]+)([eE][+-]?[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const SUFFIX: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/** A Kubernetes resource quantity as a number, or undefined when it is not one. */
export function quantityValue(value: JsonValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (match[2] ? 10 ** Number(match[2].slice(1)) : 1) * SUFFIX[match[3] ?? '']!;
}

function isQuantityPath(pattern: string): boolean {
  return /(^|\.)(resources\.(limits|requests)|hard|overhead|capacity)\.[^.]+$/.test(pattern) || /\.(default|defaultRequest|max|min|maxLimitRequestRatio)\.[^.]+$/.test(pattern);
}

function sameScalar(desired: JsonValue, live: JsonValue, pattern: string): boolean {
  if (desired === live) return true;
  if (isQuantityPath(pattern)) {
    const a = quantityValue(desired);
    const b = quantityValue(live);
    return a !== undefined && b !== undefined && Math.abs(a - b) <= Math.abs(a) * 1e-9;
  }
  return false;
}

class Comparison {
  readonly changes: Change[] = [];

  constructor(private readonly kind: string, private readonly secretValues: boolean) {}

  /** `path` as reported (`spec.containers[0].image`), `pattern` with `*` for list items (for the defaults table). */
  value(desired: JsonValue, live: JsonValue | undefined, path: string, pattern: string): void {
    if (live === undefined) {
      if (isZero(desired)) return;
      const fallback = apiDefault(this.kind, pattern);
      if (fallback && JSON.stringify(fallback.value) === JSON.stringify(desired)) return;
      this.report(path, desired, null);
      return;
    }
    if (isObject(desired)) {
      if (!isObject(live)) return this.report(path, desired, live);
      this.object(desired, live, path, pattern);
      return;
    }
    if (Array.isArray(desired)) {
      if (!Array.isArray(live)) return this.report(path, desired, live);
      this.list(desired, live, path, pattern);
      return;
    }
    if (!sameScalar(desired, live, pattern)) this.report(path, desired, live);
  }

  object(desired: JsonObject, live: JsonObject, path: string, pattern: string): void {
    for (const key of Object.keys(desired)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (path === '' && key === 'status') continue;
      if (path === 'metadata' && SERVER_METADATA.has(key)) continue;
      if (path === 'metadata.annotations' && TOOL_ANNOTATIONS.has(key)) continue;
      this.value(desired[key]!, Object.hasOwn(live, key) ? live[key] : undefined, childPath, pattern === '' ? key : `${pattern}.${key}`);
    }
  }

  list(desired: JsonValue[], live: JsonValue[], path: string, pattern: string): void {
    const field = pattern.slice(pattern.lastIndexOf('.') + 1);
    const mergeKey = MERGE_KEYS.get(field);
    if (mergeKey && desired.every((item) => isObject(item) && typeof item[mergeKey] === 'string')) {
      const liveByKey = new Map<string, JsonObject>();
      for (const item of live) if (isObject(item) && typeof item[mergeKey] === 'string') liveByKey.set(item[mergeKey], item);
      const declared = new Set<string>();
      desired.forEach((item, i) => {
        const id = (item as JsonObject)[mergeKey] as string;
        declared.add(id);
        const match = liveByKey.get(id);
        if (match) this.object(item as JsonObject, match, `${path}[${i}]`, `${pattern}.*`);
        else this.report(`${path}[${i}]`, { [mergeKey]: id }, null);
      });
      live.forEach((item, i) => {
        if (isObject(item) && typeof item[mergeKey] === 'string' && !declared.has(item[mergeKey])) this.report(`${path}[${i}]`, null, { [mergeKey]: item[mergeKey] });
      });
      return;
    }
    if (desired.length !== live.length) {
      this.report(path, desired, live);
      return;
    }
    desired.forEach((item, i) => this.value(item, live[i], `${path}[${i}]`, `${pattern}.*`));
  }

  private report(path: string, desired: JsonValue, live: JsonValue): void {
    if (this.secretValues && /^(data|stringData)(\.|$)/.test(path)) {
      // Compared by salted digest: neither the value nor its digest is shown.
      this.changes.push({ path, desired: desired === null ? null : REDACTED, live: live === null ? null : REDACTED });
      return;
    }
    this.changes.push({ path, desired, live });
  }
}

/** The differences between what the baseline declares of an object and the live object. */
export function declaredChanges(kind: string, desired: JsonObject, live: JsonObject): Change[] {
  const comparison = new Comparison(kind, kind === 'Secret');
  comparison.object(desired, live, '', '');
  return comparison.changes;
}
