/** baseline `privileged`: no container may set securityContext.privileged=true. */
import type { PssCheck } from '../types.js';
import { containerField, type PodView } from '../pod.js';
import { namedContainers } from '../format.js';

function privilegedV1Dot0(pod: PodView) {
  const bad = pod.containers.filter((c) => c.securityContext?.privileged === true);
  if (bad.length === 0) return undefined;
  return {
    reason: 'privileged',
    detail: `${namedContainers(bad.map((c) => c.name))} must not set securityContext.privileged=true`,
    fields: bad.map((c) => containerField(c, 'privileged')),
  };
}

export const privileged: PssCheck = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ minimumMinor: 0, evaluate: privilegedV1Dot0 }],
};
