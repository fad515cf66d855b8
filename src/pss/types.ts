/** Shapes of the Pod Security Standards evaluator: levels, versioned checks and their results. */
import type { PodView } from './pod.js';

/** A Pod Security Standards level. `privileged` runs no checks. */
export type PssLevel = 'privileged' | 'baseline' | 'restricted';
/** The level a single check belongs to. */
export type CheckLevel = Exclude<PssLevel, 'privileged'>;

export const PSS_LEVELS: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];

export function isPssLevel(value: string): value is PssLevel {
  return (PSS_LEVELS as readonly string[]).includes(value);
}

/** Why a pod fails one check, worded the way the upstream admission controller words it. */
export interface CheckFailure {
  /** Short reason, e.g. `allowPrivilegeEscalation != false`. */
  reason: string;
  /** Who sets what, e.g. `container "app" must set securityContext.allowPrivilegeEscalation=false`. */
  detail: string;
  /**
   * Paths (from the pod root: `spec.…` or `metadata.…`) of the offending fields, or of their deepest
   * existing parent when the problem is a missing field. Never empty.
   */
  fields: string[];
}

/** One implementation of a check, in force from `minimumMinor` until the next entry's minimum. */
export interface VersionedCheck {
  /** Minor version of policy v1.N from which this implementation applies. */
  minimumMinor: number;
  evaluate(pod: PodView): CheckFailure | undefined;
  /** Baseline check ids this restricted implementation replaces while it is in force. */
  overrides?: readonly string[];
}

export interface PssCheck {
  /** Upstream check id, e.g. `capabilities_baseline`. */
  id: string;
  level: CheckLevel;
  /** Versions in ascending `minimumMinor` order. */
  versions: readonly VersionedCheck[];
}

/** A failed check in an evaluation. */
export interface PssViolation extends CheckFailure {
  check: string;
  level: CheckLevel;
}
