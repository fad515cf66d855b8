/** baseline `capabilities_baseline`: containers may add only capabilities of the default runtime set. */
import type { PssCheck } from '../types.js';
import { containerField, type PodView } from '../pod.js';
import { joinQuoteValues, namedContainers } from '../format.js';
import { asArray, asObject } from '../../resources/workloads.js';

export const CAPABILITIES_BASELINE_ID = 'capabilities_baseline';

/** The capabilities container runtimes grant by default (without NET_RAW). */
const DEFAULT_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

function capabilitiesBaselineV1Dot0(pod: PodView) {
  const badContainers: string[] = [];
  const added: unknown[] = [];
  const fields: string[] = [];
  for (const c of pod.containers) {
    // An entry that is not a string is not a default capability either.
    const extra = asArray(asObject(c.securityContext?.capabilities).add)
      .filter((capability) => typeof capability !== 'string' || !DEFAULT_CAPABILITIES.has(capability));
    if (extra.length === 0) continue;
    badContainers.push(c.name);
    added.push(...extra);
    fields.push(containerField(c, 'capabilities', 'add'));
  }
  if (badContainers.length === 0) return undefined;
  return {
    reason: 'non-default capabilities',
    detail: `${namedContainers(badContainers)} must not include ${joinQuoteValues(added)} in securityContext.capabilities.add`,
    fields,
  };
}

export const capabilitiesBaseline: PssCheck = {
  id: CAPABILITIES_BASELINE_ID,
  level: 'baseline',
  versions: [{ minimumMinor: 0, evaluate: capabilitiesBaselineV1Dot0 }],
};
