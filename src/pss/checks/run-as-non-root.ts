/**
 * restricted `runAsNonRoot`: the pod, or else every container, must set runAsNonRoot=true, and
 * nothing may set it to false. From v1.35 pods in their own user namespace (hostUsers: false) pass.
 */
import type { CheckFailure, PssCheck } from '../types.js';
import { containerField, podField, type PodView } from '../pod.js';
import { joinSetters, namedContainers } from '../format.js';

function runAsNonRootV1Dot0(pod: PodView): CheckFailure | undefined {
  const setters: string[] = [];
  const fields: string[] = [];
  const podValue = pod.securityContext?.runAsNonRoot;
  if (podValue === false) {
    setters.push('pod');
    fields.push(podField(pod, 'runAsNonRoot'));
  }
  const podRunsAsNonRoot = podValue === true;
  const explicitlyBad = pod.containers.filter((c) => c.securityContext?.runAsNonRoot === false);
  const implicitlyBad = pod.containers.filter((c) => typeof c.securityContext?.runAsNonRoot !== 'boolean' && !podRunsAsNonRoot);
  if (explicitlyBad.length > 0) {
    setters.push(namedContainers(explicitlyBad.map((c) => c.name)));
    fields.push(...explicitlyBad.map((c) => containerField(c, 'runAsNonRoot')));
  }
  if (setters.length > 0) {
    return { reason: 'runAsNonRoot != true', detail: `${joinSetters(setters)} must not set securityContext.runAsNonRoot=false`, fields };
  }
  if (implicitlyBad.length === 0) return undefined;
  return {
    reason: 'runAsNonRoot != true',
    detail: `pod or ${namedContainers(implicitlyBad.map((c) => c.name))} must set securityContext.runAsNonRoot=true`,
    fields: implicitlyBad.map((c) => containerField(c, 'runAsNonRoot')),
  };
}

function runAsNonRootV1Dot35(pod: PodView): CheckFailure | undefined {
  return pod.inUserNamespace() ? undefined : runAsNonRootV1Dot0(pod);
}

export const runAsNonRoot: PssCheck = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minimumMinor: 0, evaluate: runAsNonRootV1Dot0 },
    { minimumMinor: 35, evaluate: runAsNonRootV1Dot35 },
  ],
};
