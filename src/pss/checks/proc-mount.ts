/**
 * `procMount` (baseline) and `procMount_restricted`: containers must keep the default /proc masks.
 * From v1.35 baseline allows any procMount for pods in their own user namespace (hostUsers: false);
 * restricted keeps the unconditional rule and replaces the baseline check.
 */
import type { CheckFailure, PssCheck } from '../types.js';
import { containerField, type PodView } from '../pod.js';
import { joinQuoteValues, namedContainers } from '../format.js';

export const PROC_MOUNT_ID = 'procMount';

function unmaskedProcMount(pod: PodView): CheckFailure | undefined {
  const bad = pod.containers.filter((c) => {
    const procMount = c.securityContext?.procMount;
    return procMount !== undefined && procMount !== null && procMount !== 'Default';
  });
  if (bad.length === 0) return undefined;
  // Any value but Default, of any type, unmasks /proc as far as the policy is concerned.
  const types = bad.map((c) => c.securityContext?.procMount);
  return {
    reason: 'procMount',
    detail: `${namedContainers(bad.map((c) => c.name))} must not set securityContext.procMount to ${joinQuoteValues(types)}`,
    fields: bad.map((c) => containerField(c, 'procMount')),
  };
}

function procMountV1Dot35Baseline(pod: PodView): CheckFailure | undefined {
  return pod.inUserNamespace() ? undefined : unmaskedProcMount(pod);
}

export const procMount: PssCheck = {
  id: PROC_MOUNT_ID,
  level: 'baseline',
  versions: [
    { minimumMinor: 0, evaluate: unmaskedProcMount },
    { minimumMinor: 35, evaluate: procMountV1Dot35Baseline },
  ],
};

export const procMountRestricted: PssCheck = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minimumMinor: 35, evaluate: unmaskedProcMount, overrides: [PROC_MOUNT_ID] }],
};
