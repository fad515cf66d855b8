/** Evaluates the pod template of a Pod or workload, with violation paths from the resource root. */
import type { PodTemplate } from '../resources/workloads.js';
import { joinPath, parsePath } from '../resources/object-path.js';
import { evaluatePod, type PssEvaluation, type PssPolicy } from './evaluate.js';
import type { PssViolation } from './types.js';

/** Rebases a path from the pod root (`spec.…`, `metadata.…`) onto the template inside its resource. */
export function rebaseField(field: string, template: Pick<PodTemplate, 'specPath' | 'metadataPath'>): string {
  const [root, ...rest] = parsePath(field);
  const base = root === 'metadata' ? template.metadataPath : template.specPath;
  return rest.reduce<string>((path, segment) => joinPath(path, segment), base);
}

/** Like `evaluatePod`, but each violation's `fields` are paths from the resource root. */
export function evaluateTemplate(template: PodTemplate, policy: PssPolicy): PssEvaluation {
  const evaluation = evaluatePod({ spec: template.spec, metadata: template.metadata }, policy);
  const violations: PssViolation[] = evaluation.violations.map((violation) => ({
    ...violation,
    fields: violation.fields.map((field) => rebaseField(field, template)),
  }));
  return { ...evaluation, violations };
}
