/**
 * Which kinds a cross-resource check read on its last run, recorded through the inventory it was
 * given. Watch mode re-runs a cross-resource check only when an object of a kind it read changed:
 * checks are pure functions of what they read, so a change to a kind a check did not read cannot
 * change its findings (a check that stops early when there are no NetworkPolicies did not read
 * Pods, and it reads them on the run after a NetworkPolicy appears, because NetworkPolicy changed).
 *
 * The inventory is wrapped in a Proxy: the methods that read by kind record those kinds; the ones
 * that read across kinds (a namespace's objects, the kinds present, the size) record "every kind";
 * a method this module does not know also records "every kind", so a method added to Inventory
 * later can only make re-evaluation broader, never miss a change.
 */
import type { Inventory } from '../inventory/inventory.js';
import { POD_TEMPLATE_KINDS } from '../resources/workloads.js';

/** Read-set marker: the check read across kinds. */
export const EVERY_KIND = '*';

type Reads = Set<string>;

export class ReadTracker {
  private current: Reads | undefined;
  /** Kinds read while building each derived value (RBAC model, selection…), shared by the checks using it. */
  private readonly derivedReads = new Map<string, Reads>();
  readonly inventory: Inventory;

  constructor(target: Inventory) {
    this.inventory = new Proxy(target, { get: (object, property) => this.wrap(object, property) });
  }

  /** Starts recording the reads of one check; returns the set that fills while it runs. */
  begin(): Reads {
    this.current = new Set();
    return this.current;
  }

  end(): void {
    this.current = undefined;
  }

  private note(kinds: Iterable<string>): void {
    if (!this.current) return;
    for (const kind of kinds) this.current.add(kind);
  }

  private wrap(object: Inventory, property: string | symbol): unknown {
    const value: unknown = Reflect.get(object, property, object);
    if (typeof value !== 'function') {
      if (property === 'size') this.note([EVERY_KIND]);
      return value;
    }
    const method = value as (...args: unknown[]) => unknown;
    switch (property) {
      case 'ofKind':
        return (...kinds: string[]) => {
          this.note(kinds);
          return method.apply(object, kinds);
        };
      case 'namespace':
        return (name: string) => {
          this.note(['Namespace']);
          return method.call(object, name);
        };
      case 'podTemplates':
        return () => {
          this.note(POD_TEMPLATE_KINDS);
          return method.call(object);
        };
      case 'derived':
        return (key: string, build: () => unknown) => this.derived(object, method, key, build);
      case 'releaseDerived':
      case 'add':
        return (...args: unknown[]) => method.apply(object, args);
      default:
        return (...args: unknown[]) => {
          this.note([EVERY_KIND]);
          return method.apply(object, args);
        };
    }
  }

  /** A derived value: its builder's reads are recorded once and charged to every check that uses it. */
  private derived(object: Inventory, method: (...args: unknown[]) => unknown, key: string, build: () => unknown): unknown {
    const outer = this.current;
    let reads: Reads | undefined;
    const value = method.call(object, key, () => {
      reads = new Set();
      this.current = reads;
      try {
        return build();
      } finally {
        this.current = outer;
      }
    });
    if (reads) this.derivedReads.set(key, reads);
    this.current = outer;
    this.note(this.derivedReads.get(key) ?? [EVERY_KIND]);
    return value;
  }
}

/** True when a check that read `reads` must run again after changes to `changed` kinds. */
export function affectedBy(reads: ReadonlySet<string> | undefined, changed: ReadonlySet<string>): boolean {
  if (reads === undefined || reads.has(EVERY_KIND)) return changed.size > 0;
  for (const kind of changed) if (reads.has(kind)) return true;
  return false;
}
