/**
 * `annexa vap generate`: one ValidatingAdmissionPolicy + ValidatingAdmissionPolicyBinding per
 * built-in check that CEL expresses (expressions.ts), matching Pods and every workload kind.
 */
import type { Check } from '../../engine/check.js';
import type { JsonObject } from '../../resources/types.js';
import { POD_KINDS, rulesFor } from '../../admission/kinds.js';
import { CONTROLS_ANNOTATION, SEVERITY_ANNOTATION, type ValidationAction } from '../policy.js';
import { CEL_CHECKS, CONTAINERS_VARIABLE, POD_SPEC_VARIABLE } from './expressions.js';

export const CHECK_ID_ANNOTATION = 'annexa.dev/check-id';

export function policyName(checkId: string): string {
  return `annexa-${checkId.replace(/\./g, '-')}`;
}

/** The checks of `checks` that have a CEL form. */
export function expressibleChecks(checks: readonly Check[]): Check[] {
  return checks.filter((check) => CEL_CHECKS.has(check.id));
}

export function generatePolicy(check: Check): JsonObject {
  const cel = CEL_CHECKS.get(check.id);
  if (!cel) throw new Error(`check ${check.id} has no CEL form`);
  const annotations: Record<string, string> = {
    [CHECK_ID_ANNOTATION]: check.id,
    [SEVERITY_ANNOTATION]: check.severity,
    [CONTROLS_ANNOTATION]: check.controls.iso27001.join(','),
    'annexa.dev/title': check.title,
    'annexa.dev/remediation': check.remediation,
  };
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: policyName(check.id), labels: { 'app.kubernetes.io/managed-by': 'annexa' }, annotations },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: rulesFor(POD_KINDS).map((rule) => ({ ...rule, apiVersions: ['*'], operations: ['CREATE', 'UPDATE'] })),
      },
      variables: [
        { name: 'spec', expression: POD_SPEC_VARIABLE },
        { name: 'containers', expression: CONTAINERS_VARIABLE },
      ],
      validations: [{ expression: cel.expression, messageExpression: `'${check.id}: ' + ${cel.messageExpression}`, message: `${check.id}: ${check.title}`, reason: 'Invalid' }],
    },
  };
}

export function generateBinding(check: Check, action: ValidationAction): JsonObject {
  const actions: ValidationAction[] = action === 'Warn' ? ['Warn', 'Audit'] : [action];
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: policyName(check.id), labels: { 'app.kubernetes.io/managed-by': 'annexa' } },
    spec: { policyName: policyName(check.id), validationActions: actions },
  };
}

export function generateAll(checks: readonly Check[], action: ValidationAction): JsonObject[] {
  return expressibleChecks(checks).flatMap((check) => [generatePolicy(check), generateBinding(check, action)]);
}
