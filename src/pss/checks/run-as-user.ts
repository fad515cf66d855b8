/** restricted `runAsUser` (v1.23+): neither the pod nor a container may set runAsUser=0; v1.35+ exempts hostUsers: false. */
import type { CheckFailure, PssCheck } from '../types.js';
import { containerField, podField, type PodView } from '../pod.js';
import { joinSetters, namedContainers } from '../format.js';

function runAsUserV1Dot23(pod: PodView): CheckFailure | undefined {
  const setters: string[] = [];
  const fields: string[] = [];
  if (pod.securityContext?.runAsUser === 0) {
    setters.push('pod');
    fields.push(podField(pod, 'runAsUser'));
  }
  const bad = pod.containers.filter((c) => c.securityContext?.runAsUser === 0);
  if (bad.length > 0) {
    setters.push(namedContainers(bad.map((c) => c.name)));
    fields.push(...bad.map((c) => containerField(c, 'runAsUser')));
  }
  if (setters.length === 0) return undefined;
  return { reason: 'runAsUser=0', detail: `${joinSetters(setters)} must not set runAsUser=0`, fields };
}

function runAsUserV1Dot35(pod: PodView): CheckFailure | undefined {
  return pod.inUserNamespace() ? undefined : runAsUserV1Dot23(pod);
}

export const runAsUser: PssCheck = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minimumMinor: 23, evaluate: runAsUserV1Dot23 },
    { minimumMinor: 35, evaluate: runAsUserV1Dot35 },
  ],
};
