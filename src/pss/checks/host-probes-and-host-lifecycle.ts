/** baseline `hostProbesAndHostLifecycle` (v1.34+): probes and lifecycle handlers must not set a host. */
import type { PssCheck } from '../types.js';
import type { PodView } from '../pod.js';
import { joinQuote, pluralize, sortedUnique } from '../format.js';
import { asObject, isObject } from '../../resources/workloads.js';
import type { JsonObject } from '../../resources/types.js';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const LIFECYCLE_HANDLERS = ['postStart', 'preStop'] as const;
const HANDLER_ACTIONS = ['httpGet', 'tcpSocket'] as const;

interface HostUse {
  host: string;
  path: string;
}

/** Hosts named by the httpGet/tcpSocket actions of one probe or lifecycle handler. */
function hostsOf(handler: JsonObject, path: string): HostUse[] {
  return HANDLER_ACTIONS.flatMap((action) => {
    const host = asObject(handler[action]).host;
    return typeof host === 'string' && host !== '' ? [{ host, path: `${path}.${action}.host` }] : [];
  });
}

function handlersOf(container: JsonObject, path: string): Array<[JsonObject, string]> {
  const handlers: Array<[JsonObject, string]> = [];
  for (const probe of PROBES) {
    const value = container[probe];
    if (isObject(value)) handlers.push([value, `${path}.${probe}`]);
  }
  const lifecycle = asObject(container.lifecycle);
  for (const hook of LIFECYCLE_HANDLERS) {
    const value = lifecycle[hook];
    if (isObject(value)) handlers.push([value, `${path}.lifecycle.${hook}`]);
  }
  return handlers;
}

function hostProbesAndHostLifecycleV1Dot34(pod: PodView) {
  const badContainers: string[] = [];
  const uses: HostUse[] = [];
  for (const c of pod.containers) {
    const found = handlersOf(c.container, c.path).flatMap(([handler, path]) => hostsOf(handler, path));
    if (found.length === 0) continue;
    badContainers.push(c.name);
    uses.push(...found);
  }
  if (badContainers.length === 0) return undefined;
  const names = sortedUnique(badContainers);
  const hosts = sortedUnique(uses.map((use) => use.host));
  return {
    reason: 'probe or lifecycle host',
    detail: `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} `
      + `${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hosts.length)} ${joinQuote(hosts)}`,
    fields: uses.map((use) => use.path),
  };
}

export const hostProbesAndHostLifecycle: PssCheck = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [{ minimumMinor: 34, evaluate: hostProbesAndHostLifecycleV1Dot34 }],
};
