/** restricted `allowPrivilegeEscalation` (v1.8+): every container must set it to false; v1.25+ exempts Windows pods. */
import type { CheckFailure, PssCheck } from '../types.js';
import { containerField, type PodView } from '../pod.js';
import { namedContainers } from '../format.js';

function allowPrivilegeEscalationV1Dot8(pod: PodView): CheckFailure | undefined {
  const bad = pod.containers.filter((c) => c.securityContext?.allowPrivilegeEscalation !== false);
  if (bad.length === 0) return undefined;
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${namedContainers(bad.map((c) => c.name))} must set securityContext.allowPrivilegeEscalation=false`,
    fields: bad.map((c) => containerField(c, 'allowPrivilegeEscalation')),
  };
}

function allowPrivilegeEscalationV1Dot25(pod: PodView): CheckFailure | undefined {
  return pod.isWindows() ? undefined : allowPrivilegeEscalationV1Dot8(pod);
}

export const allowPrivilegeEscalation: PssCheck = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minimumMinor: 8, evaluate: allowPrivilegeEscalationV1Dot8 },
    { minimumMinor: 25, evaluate: allowPrivilegeEscalationV1Dot25 },
  ],
};
