/** baseline `hostPorts`: containers must not use host ports (hostPort unset or 0). */
import type { PssCheck } from '../types.js';
import type { PodView } from '../pod.js';
import { joinQuote, pluralize, sortedUnique } from '../format.js';
import { asArray, isObject } from '../../resources/workloads.js';

function hostPortsV1Dot0(pod: PodView) {
  const badContainers: string[] = [];
  const ports: string[] = [];
  const fields: string[] = [];
  for (const c of pod.containers) {
    let uses = false;
    asArray(c.container.ports).forEach((port, index) => {
      if (!isObject(port) || typeof port.hostPort !== 'number' || port.hostPort === 0) return;
      uses = true;
      ports.push(String(port.hostPort));
      fields.push(`${c.path}.ports[${index}].hostPort`);
    });
    if (uses) badContainers.push(c.name);
  }
  if (badContainers.length === 0) return undefined;
  const forbidden = sortedUnique(ports);
  return {
    reason: 'hostPort',
    detail: `${pluralize('container', 'containers', badContainers.length)} ${joinQuote(badContainers)} `
      + `${pluralize('uses', 'use', badContainers.length)} ${pluralize('hostPort', 'hostPorts', forbidden.length)} ${forbidden.join(', ')}`,
    fields,
  };
}

export const hostPorts: PssCheck = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ minimumMinor: 0, evaluate: hostPortsV1Dot0 }],
};
