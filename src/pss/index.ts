/** Pod Security Standards, evaluated the way the upstream pod-security-admission library does. */
export type { PssLevel, CheckLevel, PssCheck, PssViolation, CheckFailure, VersionedCheck } from './types.js';
export { PSS_LEVELS, isPssLevel } from './types.js';
export { PodView, type PodInput } from './pod.js';
export {
  NEWEST_POLICY_MINOR, LATEST, parsePolicyVersion, policyVersionOrLatest, formatPolicyVersion,
  formatEffectiveVersion, effectiveMinor, type PolicyVersion,
} from './version.js';
export { PSS_CHECKS, PSS_CHECK_IDS, checksFor, pssCheckById, implementationAt, type ActiveCheck } from './registry.js';
export { evaluatePod, formatViolation, formatViolations, rejectionMessage, type PssEvaluation, type PssPolicy } from './evaluate.js';
export { namespacePolicy, PSS_LABEL_PREFIX, type NamespacePolicy, type LabelProblem } from './namespace-labels.js';
export { evaluateTemplate, rebaseField } from './template.js';
