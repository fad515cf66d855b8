/**
 * The whole estate as cross-resource checks see it: resources indexed by kind and namespace.
 * Bulky kinds with no relations (ConfigMaps) are not retained.
 */
import type { Resource } from '../resources/types.js';
import { podTemplateOf, type PodTemplate } from '../resources/workloads.js';

const NOT_RETAINED = new Set(['ConfigMap', 'Event', 'CustomResourceDefinition']);

export class Inventory {
  private readonly byKind = new Map<string, Resource[]>();
  private readonly byNamespace = new Map<string, Resource[]>();
  private readonly namespaceObjects = new Map<string, Resource>();
  private templates: PodTemplate[] | undefined;
  private readonly derivedValues = new Map<string, { size: number; value: unknown }>();
  private count = 0;

  static of(resources: Iterable<Resource>): Inventory {
    const inventory = new Inventory();
    for (const resource of resources) inventory.add(resource);
    return inventory;
  }

  /** True when `add` keeps the resource. */
  static retains(resource: Resource): boolean {
    return !NOT_RETAINED.has(resource.kind);
  }

  add(resource: Resource): void {
    if (!Inventory.retains(resource)) return;
    this.count += 1;
    this.templates = undefined;
    push(this.byKind, resource.kind, resource);
    if (resource.namespace !== undefined) push(this.byNamespace, resource.namespace, resource);
    if (resource.kind === 'Namespace' && resource.apiVersion === 'v1') this.namespaceObjects.set(resource.name, resource);
  }

  get size(): number {
    return this.count;
  }

  /** The kinds held, in the order first seen. */
  kinds(): string[] {
    return [...this.byKind.keys()];
  }

  ofKind(...kinds: string[]): Resource[] {
    if (kinds.length === 1) return this.byKind.get(kinds[0]!) ?? [];
    return kinds.flatMap((kind) => this.byKind.get(kind) ?? []);
  }

  inNamespace(namespace: string): Resource[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  /** The Namespace object, when the input declares it. */
  namespace(name: string): Resource | undefined {
    return this.namespaceObjects.get(name);
  }

  /** Every namespace named by a Namespace object or used by a namespaced resource. */
  namespaceNames(): string[] {
    return [...new Set([...this.namespaceObjects.keys(), ...this.byNamespace.keys()])].sort();
  }

  /**
   * A value computed from the inventory that several checks share (the RBAC model, NetworkPolicy
   * selection, …): built on first use, rebuilt if resources were added since.
   */
  derived<T>(key: string, build: () => T): T {
    const hit = this.derivedValues.get(key);
    if (hit && hit.size === this.count) return hit.value as T;
    const value = build();
    this.derivedValues.set(key, { size: this.count, value });
    return value;
  }

  /**
   * Forgets derived values and the pod template list (they are rebuilt when asked for again): an
   * estate's analyses together outweigh the inventory, so a scan keeps only those of the checks
   * running now.
   */
  releaseDerived(): void {
    this.derivedValues.clear();
    this.templates = undefined;
  }

  /** Every Pod and pod template (Deployments, CronJobs, …). */
  podTemplates(): PodTemplate[] {
    if (!this.templates) {
      this.templates = [];
      for (const resources of this.byKind.values()) {
        for (const resource of resources) {
          const template = podTemplateOf(resource);
          if (template) this.templates.push(template);
        }
      }
    }
    return this.templates;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
