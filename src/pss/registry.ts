/**
 * Every upstream check, and which implementations run for a level at a policy version: the version
 * in force of each check whose first implementation is not newer than the version; for restricted,
 * the restricted checks plus the baseline checks no active restricted implementation overrides.
 */
import type { CheckLevel, PssCheck, PssLevel, VersionedCheck } from './types.js';
import { privileged } from './checks/privileged.js';
import { hostNamespaces } from './checks/host-namespaces.js';
import { hostPathVolumes } from './checks/host-path-volumes.js';
import { hostPorts } from './checks/host-ports.js';
import { windowsHostProcess } from './checks/windows-host-process.js';
import { capabilitiesBaseline } from './checks/capabilities-baseline.js';
import { appArmorProfile } from './checks/app-armor-profile.js';
import { seLinuxOptions } from './checks/se-linux-options.js';
import { procMount, procMountRestricted } from './checks/proc-mount.js';
import { seccompProfileBaseline, seccompProfileRestricted } from './checks/seccomp-profile.js';
import { sysctls } from './checks/sysctls.js';
import { hostProbesAndHostLifecycle } from './checks/host-probes-and-host-lifecycle.js';
import { restrictedVolumes } from './checks/restricted-volumes.js';
import { allowPrivilegeEscalation } from './checks/allow-privilege-escalation.js';
import { runAsNonRoot } from './checks/run-as-non-root.js';
import { runAsUser } from './checks/run-as-user.js';
import { capabilitiesRestricted } from './checks/capabilities-restricted.js';
import { compareStrings } from './format.js';

/** All checks, baseline first, each level in id order. */
export const PSS_CHECKS: readonly PssCheck[] = [
  appArmorProfile, capabilitiesBaseline, hostNamespaces, hostPathVolumes, hostPorts, hostProbesAndHostLifecycle,
  privileged, procMount, seLinuxOptions, seccompProfileBaseline, sysctls, windowsHostProcess,
  allowPrivilegeEscalation, capabilitiesRestricted, procMountRestricted, restrictedVolumes, runAsNonRoot,
  runAsUser, seccompProfileRestricted,
].sort((a, b) => (a.level === b.level ? compareStrings(a.id, b.id) : a.level === 'baseline' ? -1 : 1));

export const PSS_CHECK_IDS: readonly string[] = PSS_CHECKS.map((check) => check.id);

/** A check implementation selected for one level and version. */
export interface ActiveCheck {
  id: string;
  level: CheckLevel;
  implementation: VersionedCheck;
}

/** The implementation of a check in force at `minor`, if the check exists yet. */
export function implementationAt(check: PssCheck, minor: number): VersionedCheck | undefined {
  let current: VersionedCheck | undefined;
  for (const version of check.versions) {
    if (version.minimumMinor <= minor) current = version;
  }
  return current;
}

function activeAt(level: CheckLevel, minor: number): ActiveCheck[] {
  return PSS_CHECKS.flatMap((check) => {
    if (check.level !== level) return [];
    const implementation = implementationAt(check, minor);
    return implementation ? [{ id: check.id, level, implementation }] : [];
  });
}

function select(level: PssLevel, minor: number): ActiveCheck[] {
  if (level === 'privileged') return [];
  const baseline = activeAt('baseline', minor);
  if (level === 'baseline') return baseline;
  const restricted = activeAt('restricted', minor);
  const overridden = new Set(restricted.flatMap((check) => check.implementation.overrides ?? []));
  return [...baseline.filter((check) => !overridden.has(check.id)), ...restricted];
}

const cache = new Map<string, readonly ActiveCheck[]>();

/** The checks that run for a level at policy version v1.`minor` (cached). */
export function checksFor(level: PssLevel, minor: number): readonly ActiveCheck[] {
  const key = `${level}:${minor}`;
  let checks = cache.get(key);
  if (!checks) {
    checks = Object.freeze(select(level, minor));
    cache.set(key, checks);
  }
  return checks;
}

export function pssCheckById(id: string): PssCheck | undefined {
  return PSS_CHECKS.find((check) => check.id === id);
}
