/**
 * restricted `capabilities_restricted` (v1.22+): every container must drop ALL and may add only
 * NET_BIND_SERVICE. Replaces capabilities_baseline; v1.25+ exempts Windows pods.
 */
import type { JsonValue } from '../../resources/types.js';
import type { CheckFailure, PssCheck } from '../types.js';
import { containerField, type PodContainer, type PodView } from '../pod.js';
import { joinQuoteValues, namedContainers } from '../format.js';
import { asArray, asObject, isObject } from '../../resources/workloads.js';
import { CAPABILITIES_BASELINE_ID } from './capabilities-baseline.js';

function capabilitiesOf(c: PodContainer) {
  const capabilities = c.securityContext?.capabilities;
  return isObject(capabilities) ? capabilities : undefined;
}

function dropsAll(c: PodContainer): boolean {
  return asArray(asObject(capabilitiesOf(c)).drop).some((capability) => capability === 'ALL');
}

/** Added capabilities other than NET_BIND_SERVICE, including entries that are not strings at all. */
function forbiddenAdds(c: PodContainer): JsonValue[] {
  return asArray(asObject(capabilitiesOf(c)).add).filter((capability) => capability !== 'NET_BIND_SERVICE');
}

function capabilitiesRestrictedV1Dot22(pod: PodView): CheckFailure | undefined {
  const missingDropAll = pod.containers.filter((c) => !dropsAll(c));
  const adding = pod.containers.filter((c) => forbiddenAdds(c).length > 0);
  if (missingDropAll.length === 0 && adding.length === 0) return undefined;
  const details: string[] = [];
  if (missingDropAll.length > 0) {
    details.push(`${namedContainers(missingDropAll.map((c) => c.name))} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (adding.length > 0) {
    const capabilities = adding.flatMap(forbiddenAdds);
    details.push(`${namedContainers(adding.map((c) => c.name))} must not include ${joinQuoteValues(capabilities)} in securityContext.capabilities.add`);
  }
  return {
    reason: 'unrestricted capabilities',
    detail: details.join('; '),
    fields: [
      ...missingDropAll.map((c) => containerField(c, 'capabilities', 'drop')),
      ...adding.map((c) => containerField(c, 'capabilities', 'add')),
    ],
  };
}

function capabilitiesRestrictedV1Dot25(pod: PodView): CheckFailure | undefined {
  return pod.isWindows() ? undefined : capabilitiesRestrictedV1Dot22(pod);
}

export const capabilitiesRestricted: PssCheck = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minimumMinor: 22, evaluate: capabilitiesRestrictedV1Dot22, overrides: [CAPABILITIES_BASELINE_ID] },
    { minimumMinor: 25, evaluate: capabilitiesRestrictedV1Dot25, overrides: [CAPABILITIES_BASELINE_ID] },
  ],
};
