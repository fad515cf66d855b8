/** Evaluates a pod against a Pod Security Standards level and version, as the PodSecurity admission controller does. */
import type { PssLevel, PssViolation } from './types.js';
import { PodView, type PodInput } from './pod.js';
import { checksFor } from './registry.js';
import { effectiveMinor, formatEffectiveVersion, formatPolicyVersion, type PolicyVersion } from './version.js';

export interface PssPolicy {
  level: PssLevel;
  version: PolicyVersion;
}

export interface PssEvaluation {
  level: PssLevel;
  /** The version as asked for: `latest` or `v1.N`. */
  version: string;
  /** The policy version whose checks ran, `v1.N`. */
  effectiveVersion: string;
  allowed: boolean;
  violations: PssViolation[];
}

/** Runs every check of the policy on the pod; violations come in check order (baseline, then restricted). */
export function evaluatePod(input: PodInput | PodView, policy: PssPolicy): PssEvaluation {
  const pod = input instanceof PodView ? input : new PodView(input);
  const violations: PssViolation[] = [];
  for (const check of checksFor(policy.level, effectiveMinor(policy.version))) {
    const failure = check.implementation.evaluate(pod);
    if (failure) violations.push({ check: check.id, level: check.level, ...failure });
  }
  return {
    level: policy.level,
    version: formatPolicyVersion(policy.version),
    effectiveVersion: formatEffectiveVersion(policy.version),
    allowed: violations.length === 0,
    violations,
  };
}

/** One violation as upstream renders it: `reason (detail)`, or the reason alone. */
export function formatViolation(violation: Pick<PssViolation, 'reason' | 'detail'>): string {
  return violation.detail ? `${violation.reason} (${violation.detail})` : violation.reason;
}

/** The violations as upstream joins them into a rejection: `reason (detail), reason (detail)`. */
export function formatViolations(violations: ReadonlyArray<Pick<PssViolation, 'reason' | 'detail'>>): string {
  return violations.map(formatViolation).join(', ');
}

/** The whole rejection message, e.g. `violates PodSecurity "restricted:latest": runAsNonRoot != true (…)`. */
export function rejectionMessage(evaluation: Pick<PssEvaluation, 'level' | 'version' | 'violations'>): string {
  return `violates PodSecurity "${evaluation.level}:${evaluation.version}": ${formatViolations(evaluation.violations)}`;
}
