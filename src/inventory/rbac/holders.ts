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

/** Services that expose their pods outside the cluster, by namespace. */
function exposures(inventory: InventoryLike): Map<string, Exposure[]> {
  const ingressed = new Map<string, string[]>();
  for (const ingress of inventory.ofKind('Ingress')) {
    for (const name of serviceNamesOfIngress(ingress)) {
      const key = `${ns(ingress)}/${name}`;
      ingressed.set(key, [...(ingressed.get(key) ?? []), formatRef(refOf(ingress))]);
    }
  }
  const out = new Map<string, Exposure[]>();
  for (const service of inventory.ofKind('Service')) {
    const spec = asObject(service.object.spec);
    const selector = labelsOf(spec.selector);
    if (Object.keys(selector).length === 0) continue;
    const labels: string[] = [];
    if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') labels.push(`${formatRef(refOf(service))} (${spec.type})`);
    for (const ingress of ingressed.get(`${ns(service)}/${service.name}`) ?? []) labels.push(`${ingress} → ${formatRef(refOf(service))}`);
    const list = out.get(ns(service)) ?? [];
    for (const label of labels) list.push({ selector, label });
    out.set(ns(service), list);
  }
  return out;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector)) if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  return true;
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

  static of(inventory: InventoryLike): ServiceAccountUsage {
    return inventory.derived('service-account-usage', () => new ServiceAccountUsage(inventory));
  }

  private constructor(inventory: InventoryLike) {
    const exposed = exposures(inventory);
    const templates = inventory.podTemplates();
    const present = new Set(templates.map((t) => `${t.resource.kind}/${ns(t.resource)}/${t.resource.name}`));
    for (const template of templates) {
      if (ownedByPresent(template.resource, present)) continue;
      const namespace = ns(template.resource);
      const labels = labelsOf(template.metadata.labels);
      const exposedBy = (exposed.get(namespace) ?? []).filter((e) => selects(e.selector, labels)).map((e) => e.label);
      const key = `${namespace}/${serviceAccountOf(template)}`;
      const list = this.uses.get(key) ?? [];
      list.push({ workload: formatRef(refOf(template.resource)), exposedBy });
      this.uses.set(key, list);
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

  /** Who a binding subject stands for. */
  holderOf(subject: SubjectRef): Holder {
    const s = normaliseSubject(subject);
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

