/**
 * Crosswalk between Annexa checks and the checks of other scanners (Trivy `KSV-xxxx`/`KCV-xxxx`,
 * Kubescape `C-xxxx`). Each check lists its equivalents in its own metadata; this module indexes
 * them and names, where several Annexa checks list the same external id, the one that carries its
 * intent (the one a Trivy user should look at, and the one the conformance suite holds to Trivy's
 * examples).
 */
import type { Check } from '../engine/check.js';

/**
 * External ids listed by more than one Annexa check, and the check that is their primary
 * equivalent. The others cover part of the external check's intent (a stricter or narrower rule).
 */
export const PRIMARY_EQUIVALENT: Readonly<Record<string, string>> = {
  'KSV-0106': 'workload.capabilities-drop-all',
  'C-0004': 'workload.memory-limits',
  'C-0012': 'secrets.credential-in-env',
  'C-0013': 'workload.run-as-non-root',
  'C-0045': 'workload.writable-host-path',
  'C-0050': 'workload.cpu-limits',
  'C-0055': 'workload.seccomp-unconfined',
  'C-0207': 'secrets.secret-key-ref-env',
};

/** External id → ids of the Annexa checks that list it, in registry order. */
export function equivalentsIndex(checks: readonly Check[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const check of checks) {
    for (const external of check.equivalents ?? []) {
      const list = index.get(external);
      if (list) list.push(check.id);
      else index.set(external, [check.id]);
    }
  }
  return index;
}

/**
 * The Annexa check that stands for an external check: the declared primary when there is one,
 * else the only check that lists the id. Undefined when no check (or several, undeclared) list it.
 */
export function primaryCheckFor(externalId: string, checks: readonly Check[]): Check | undefined {
  const declared = PRIMARY_EQUIVALENT[externalId];
  const listing = equivalentsIndex(checks).get(externalId) ?? [];
  const id = declared !== undefined && listing.includes(declared) ? declared : listing.length === 1 ? listing[0] : undefined;
  return id === undefined ? undefined : checks.find((check) => check.id === id);
}

/** Short tool name of an external id, for documentation. */
export function toolOf(externalId: string): 'Trivy' | 'Kubescape' | 'other' {
  if (/^K[SC]V-\d+$/.test(externalId)) return 'Trivy';
  if (/^C-\d{4}$/.test(externalId)) return 'Kubescape';
  return 'other';
}
