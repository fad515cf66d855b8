/** What the Pod Security checks of the scan share: evaluation at `latest` and upstream-style messages. */
import type { Violation } from '../../engine/check.js';
import { joinPath } from '../../resources/object-path.js';
import type { PodTemplate } from '../../resources/workloads.js';
import { evaluateTemplate, formatViolation, LATEST, type CheckLevel, type PssViolation } from '../../pss/index.js';

/** System namespaces: their components legitimately need host access, so findings there are softened. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** The violations of a pod template at `level:latest` that belong to checks of `ownLevel`. */
export function latestViolations(template: PodTemplate, level: CheckLevel, ownLevel: CheckLevel): Violation[] {
  const evaluation = evaluateTemplate(template, { level, version: LATEST });
  return evaluation.violations
    .filter((violation) => violation.level === ownLevel)
    .map((violation) => toViolation(violation, template, level, evaluation.effectiveVersion));
}

function toViolation(violation: PssViolation, template: PodTemplate, level: CheckLevel, effectiveVersion: string): Violation {
  return {
    path: violation.fields[0] ?? template.specPath,
    message: `violates PodSecurity "${level}:latest": ${formatViolation(violation)}`,
    details: {
      level,
      version: 'latest',
      effectiveVersion,
      check: violation.check,
      reason: violation.reason,
      detail: violation.detail,
      paths: violation.fields,
    },
  };
}

/** Path of a label of a Namespace (or of its deepest existing parent). */
export function labelPath(labels: Record<string, unknown> | undefined, label: string): string {
  if (!labels) return 'metadata';
  return label in labels ? joinPath('metadata.labels', label) : 'metadata.labels';
}
