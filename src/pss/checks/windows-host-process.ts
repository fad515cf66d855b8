/** baseline `windowsHostProcess`: neither the pod nor a container may set windowsOptions.hostProcess=true. */
import type { PssCheck } from '../types.js';
import { containerField, podField, type PodView } from '../pod.js';
import { joinSetters, namedContainers } from '../format.js';
import { asObject } from '../../resources/workloads.js';

function windowsHostProcessV1Dot0(pod: PodView) {
  const setters: string[] = [];
  const fields: string[] = [];
  if (asObject(pod.securityContext?.windowsOptions).hostProcess === true) {
    setters.push('pod');
    fields.push(podField(pod, 'windowsOptions', 'hostProcess'));
  }
  const bad = pod.containers.filter((c) => asObject(c.securityContext?.windowsOptions).hostProcess === true);
  if (bad.length > 0) {
    setters.push(namedContainers(bad.map((c) => c.name)));
    fields.push(...bad.map((c) => containerField(c, 'windowsOptions', 'hostProcess')));
  }
  if (setters.length === 0) return undefined;
  return {
    reason: 'hostProcess',
    detail: `${joinSetters(setters)} must not set securityContext.windowsOptions.hostProcess=true`,
    fields,
  };
}

export const windowsHostProcess: PssCheck = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ minimumMinor: 0, evaluate: windowsHostProcessV1Dot0 }],
};
