/**
 * Who actually holds a grant: which workloads run as a ServiceAccount (spec.serviceAccountName, default
 * `default`), and whether those workloads are reachable from outside the cluster (selected by a Service of
 * type LoadBalancer or NodePort, or by a Service an Ingress routes to).
 */
import type { JsonValue, Resource } from '../../resources/types.js';
import type { PodTemplate } from '../../resources/workloads.js';
import { asArray, asObject, isObject } from '../../resources/workloads.js';
import { formatRef, refOf } from '../../resources/types.js';
import { labelsOf } from '../label-selector.js';
import { isBroadGroup, MASTERS, normaliseSubject } from './subjects.js';
import type { SubjectRef } from './types.js';

export interface WorkloadUse {
  /** `Deployment/shop/web`. */
  workload: string;
  /** What exposes it: `Service/shop/web (LoadBalancer)`, `Ingress/shop/web`. */
  exposedBy: string[];
}

export type HolderType = 'exposed-workload' | 'workload' | 'service-account' | 'broad-group' | 'masters' | 'group' | 'user';

export interface Holder {
  type: HolderType;
  workloads: WorkloadUse[];
}

interface InventoryLike {
  size: number;
  ofKind(...kinds: string[]): Resource[];
  podTemplates(): PodTemplate[];
  derived<T>(key: string, build: () => T): T;
}

interface Exposure {
  selector: Record<string, string>;
  /** The selector as text, the same for the same labels in any order. */
  selectorKey: string;
  label: string;
}

const ns = (r: Resource): string => r.namespace ?? 'default';

function serviceNamesOfIngress(ingress: Resource): string[] {
  const spec = asObject(ingress.object.spec);
  const backends: JsonValue[] = [spec.defaultBackend ?? null, spec.backend ?? null];
  for (const rule of asArray(spec.rules)) {
    const http = asObject(asObject(rule).http);
    for (const path of asArray(http.paths)) backends.push(asObject(path).backend ?? null);
  }
  const names: string[] = [];
  for (const backend of backends) {
    if (!isObject(backend)) continue;
    const name = asObject(backend.service).name ?? backend.serviceName;
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

/**
 * Services that expose their pods outside the cluster, by namespace: one entry per distinct selector and
 * label, in the order of the input. A Service or Ingress declared several times (the same manifests in
 * several files) counts once: otherwise every copy of a Service got every copy of its Ingress.
 */
function exposures(inventory: InventoryLike): Map<string, Exposure[]> {
  const ingressed = new Map<string, Set<string>>();
  for (const ingress of inventory.ofKind('Ingress')) {
    for (const name of serviceNamesOfIngress(ingress)) {
      const key = `${ns(ingress)}/${name}`;
      let refs = ingressed.get(key);
      if (!refs) ingressed.set(key, (refs = new Set()));
      refs.add(formatRef(refOf(ingress)));
    }
  }
  const out = new Map<string, Map<string, Exposure>>();
  for (const service of inventory.ofKind('Service')) {
    const spec = asObject(service.object.spec);
    const selector = labelsOf(spec.selector);
    if (Object.keys(selector).length === 0) continue;
    const labels: string[] = [];
    const ref = formatRef(refOf(service));
    if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') labels.push(`${ref} (${spec.type})`);
    for (const ingress of ingressed.get(`${ns(service)}/${service.name}`) ?? []) labels.push(`${ingress} → ${ref}`);
    if (labels.length === 0) continue;
    let list = out.get(ns(service));
    if (!list) out.set(ns(service), (list = new Map()));
    const selectorKey = JSON.stringify(Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const label of labels) {
      const key = `${selectorKey}\n${label}`;
      if (!list.has(key)) list.set(key, { selector, selectorKey, label });
    }
  }
  return new Map([...out].map(([namespace, list]) => [namespace, [...list.values()]]));
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector)) if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  return true;
}

/** The labels of the exposures selecting a pod template, each once (a selector is matched once). */
function exposedBy(exposed: readonly Exposure[], labels: Record<string, string>): string[] {
  const matched = new Map<string, boolean>();
  const out: string[] = [];
  for (const e of exposed) {
    let match = matched.get(e.selectorKey);
    if (match === undefined) matched.set(e.selectorKey, (match = selects(e.selector, labels)));
    if (match) out.push(e.label);
  }
  return out;
}

/** A Pod or ReplicaSet whose controller (ownerReferences, controller: true) is also in the input is counted as that controller. */
function ownedByPresent(resource: Resource, present: Set<string>): boolean {
  return asArray(asObject(resource.object.metadata).ownerReferences).some((ref) => {
    const owner = asObject(ref);
    return owner.controller === true && typeof owner.kind === 'string' && typeof owner.name === 'string'
      && present.has(`${owner.kind}/${ns(resource)}/${owner.name}`);
  });
}

export function serviceAccountOf(template: PodTemplate): string {
  const name = template.spec.serviceAccountName ?? template.spec.serviceAccount;
  return typeof name === 'string' && name !== '' ? name : 'default';
}

export class ServiceAccountUsage {
  private readonly uses = new Map<string, WorkloadUse[]>();
  private readonly declaredAccounts = new Set<string>();
  private readonly namespacesWithAccounts = new Set<string>();
  /** Holders by subject: a subject is named by many bindings. */
  private readonly holders = new Map<string, Holder>();

  static of(inventory: InventoryLike): ServiceAccountUsage {
    return inventory.derived('service-account-usage', () => new ServiceAccountUsage(inventory));
  }

  private constructor(inventory: InventoryLike) {
    const exposed = exposures(inventory);
    const templates = inventory.podTemplates();
    const present = new Set(templates.map((t) => `${t.resource.kind}/${ns(t.resource)}/${t.resource.name}`));
    // A workload declared several times is one workload, exposed by what exposes any of its copies.
    const uses = new Map<string, Map<string, Set<string>>>();
    for (const template of templates) {
      if (ownedByPresent(template.resource, present)) continue;
      const namespace = ns(template.resource);
      const key = `${namespace}/${serviceAccountOf(template)}`;
      let workloads = uses.get(key);
      if (!workloads) uses.set(key, (workloads = new Map()));
      const workload = formatRef(refOf(template.resource));
      let by = workloads.get(workload);
      if (!by) workloads.set(workload, (by = new Set()));
      for (const label of exposedBy(exposed.get(namespace) ?? [], labelsOf(template.metadata.labels))) by.add(label);
    }
    for (const [key, workloads] of uses) {
      this.uses.set(key, [...workloads].map(([workload, by]) => ({ workload, exposedBy: [...by] })));
    }
    for (const account of inventory.ofKind('ServiceAccount')) {
      this.declaredAccounts.add(`${ns(account)}/${account.name}`);
      this.namespacesWithAccounts.add(ns(account));
    }
  }

  workloadsOf(namespace: string, name: string): WorkloadUse[] {
    return this.uses.get(`${namespace}/${name}`) ?? [];
  }

  isDeclared(namespace: string, name: string): boolean {
    return this.declaredAccounts.has(`${namespace}/${name}`);
  }

  /** True when the input declares ServiceAccounts of that namespace (so a missing one is really missing). */
  declaresAccountsIn(namespace: string): boolean {
    return this.namespacesWithAccounts.has(namespace);
  }

  /** Who a binding subject stands for (the same object for the same subject: do not modify it). */
  holderOf(subject: SubjectRef): Holder {
    const s = normaliseSubject(subject);
    const key = `${s.kind}:${s.namespace ?? ''}/${s.name}`;
    let holder = this.holders.get(key);
    if (!holder) this.holders.set(key, (holder = this.holderOfNormalised(s)));
    return holder;
  }

  private holderOfNormalised(s: SubjectRef): Holder {
    if (s.kind === 'User') return { type: 'user', workloads: [] };
    if (s.kind === 'Group') {
      if (s.name === MASTERS) return { type: 'masters', workloads: [] };
      return { type: isBroadGroup(s.name) ? 'broad-group' : 'group', workloads: [] };
    }
    const workloads = this.workloadsOf(s.namespace ?? 'default', s.name);
    if (workloads.some((w) => w.exposedBy.length > 0)) return { type: 'exposed-workload', workloads };
    return { type: workloads.length > 0 ? 'workload' : 'service-account', workloads };
  }
}
