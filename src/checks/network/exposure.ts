/**
 * What Services and Ingresses route to, on the pods of the input: shared by the exposure and hygiene checks
 * (a Service selecting nothing, an Ingress backend naming a missing Service, workloads reachable from outside).
 */
import type { Inventory } from '../../inventory/inventory.js';
import type { NetpolPod } from '../../inventory/netpol/pods.js';
import type { JsonValue, Resource } from '../../resources/types.js';
import { asArray, asObject, isObject } from '../../resources/workloads.js';
import { labelsOf } from '../../inventory/label-selector.js';
import { analysisOf } from './common.js';

export interface IngressBackend {
  /** Path of the backend in the Ingress. */
  path: string;
  service: string;
}

/** The Service backends of an Ingress with their paths (networking.k8s.io/v1 and the older serviceName form). */
export function ingressBackends(ingress: Resource): IngressBackend[] {
  const spec = asObject(ingress.object.spec);
  const candidates: Array<[string, JsonValue | undefined]> = [['spec.defaultBackend', spec.defaultBackend], ['spec.backend', spec.backend]];
  asArray(spec.rules).forEach((rule, i) => {
    asArray(asObject(asObject(rule).http).paths).forEach((path, j) => {
      candidates.push([`spec.rules[${i}].http.paths[${j}].backend`, asObject(path).backend]);
    });
  });
  const out: IngressBackend[] = [];
  for (const [path, backend] of candidates) {
    if (!isObject(backend)) continue;
    const name = asObject(backend.service).name ?? backend.serviceName;
    if (typeof name === 'string' && name !== '') out.push({ path, service: name });
  }
  return out;
}

const ns = (r: Resource): string => r.namespace ?? 'default';

/** The workloads a Service's selector picks in its namespace (none for a Service without selector). */
export function selectedBy(inventory: Inventory, service: Resource): NetpolPod[] {
  const selector = labelsOf(asObject(service.object.spec).selector);
  const entries = Object.entries(selector);
  if (entries.length === 0) return [];
  return analysisOf(inventory).podsIn(ns(service)).filter((pod) => entries.every(([k, v]) => Object.hasOwn(pod.labels, k) && pod.labels[k] === v));
}

/** Services of the input by `namespace/name` (the last declaration wins). */
export function servicesByName(inventory: Inventory): Map<string, Resource> {
  return inventory.derived('services-by-name', () => new Map(inventory.ofKind('Service').map((s) => [`${ns(s)}/${s.name}`, s])));
}

/** Whether the input has any workload in the namespace: the input covers it, so an absence there means something. */
export function hasWorkloadsIn(inventory: Inventory, namespace: string): boolean {
  return analysisOf(inventory).podsIn(namespace).length > 0;
}

export function workloadNames(pods: readonly NetpolPod[], max = 5): string {
  const names = [...new Set(pods.map((p) => `${p.kind}/${p.namespace}/${p.name}`))];
  return names.length > max ? `${names.slice(0, max).join(', ')} and ${names.length - max} more` : names.join(', ');
}
