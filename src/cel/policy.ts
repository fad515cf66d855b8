/**
 * Kubernetes-native ValidatingAdmissionPolicies evaluated offline: matchConstraints (resource
 * rules, objectSelector; namespaceSelector when the namespace's labels are known), paramKind with
 * the binding's paramRef, variables, matchConditions, validations with message or
 * messageExpression, failurePolicy, and the binding's validationActions. Severity and Annex A
 * controls come from the annotations `annexa.dev/severity` and `annexa.dev/iso27001`.
 */
import type { JsonObject, JsonValue, Resource, Severity } from '../resources/types.js';
import { isSeverity } from '../resources/types.js';
import { asArray, asObject, isObject } from '../resources/workloads.js';
import { compileSelector, labelsOf } from '../inventory/label-selector.js';
import { kindResource } from '../admission/kinds.js';
import { ANNEX_A_TITLES } from '../frameworks/annex-a-titles.js';
import { celString, compileCel, toCel, type CelProgram } from './cel.js';

export const SEVERITY_ANNOTATION = 'annexa.dev/severity';
export const CONTROLS_ANNOTATION = 'annexa.dev/iso27001';
export const DEFAULT_POLICY_SEVERITY: Severity = 'medium';
const ANNEX_A_IDS = new Set(ANNEX_A_TITLES.map((control) => control.id));

export type ValidationAction = 'Deny' | 'Warn' | 'Audit';

interface CompiledValidation {
  index: number;
  expression: string;
  program: CelProgram;
  message?: string;
  messageProgram?: CelProgram;
}

export interface CompiledPolicy {
  name: string;
  severity: Severity;
  controls: string[];
  failurePolicy: 'Fail' | 'Ignore';
  paramKind?: { apiVersion: string; kind: string };
  rules: ResourceRule[];
  excludeRules: ResourceRule[];
  objectSelector: ReturnType<typeof compileSelector>;
  namespaceSelector: ReturnType<typeof compileSelector>;
  matchConditions: Array<{ name: string; program: CelProgram }>;
  variables: Array<{ name: string; program: CelProgram }>;
  validations: CompiledValidation[];
  source: Resource;
}

export interface CompiledBinding {
  name: string;
  policyName: string;
  actions: ValidationAction[];
  paramRef?: { name?: string; namespace?: string; selector?: ReturnType<typeof compileSelector>; notFound: 'Allow' | 'Deny' };
  rules?: ResourceRule[];
  objectSelector?: ReturnType<typeof compileSelector>;
  namespaceSelector?: ReturnType<typeof compileSelector>;
}

interface ResourceRule {
  groups: string[];
  resources: string[];
  operations: string[];
  resourceNames: string[];
}

/** A problem in a policy document: reported with the document's file and line, the rest still loads. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

export function isPolicy(resource: Resource): boolean {
  return resource.kind === 'ValidatingAdmissionPolicy' && resource.apiVersion.startsWith('admissionregistration.k8s.io/');
}

export function isBinding(resource: Resource): boolean {
  return resource.kind === 'ValidatingAdmissionPolicyBinding' && resource.apiVersion.startsWith('admissionregistration.k8s.io/');
}

function compile(expression: JsonValue | undefined, where: string): CelProgram {
  if (typeof expression !== 'string' || expression.trim() === '') throw new PolicyError(`${where}: expression is missing`);
  try {
    return compileCel(expression);
  } catch (error) {
    throw new PolicyError(`${where}: CEL does not compile: ${(error as Error).message}`);
  }
}

function strings(value: JsonValue | undefined): string[] {
  return asArray(value).filter((item): item is string => typeof item === 'string');
}

function rulesOf(value: JsonValue | undefined): ResourceRule[] {
  return asArray(value).filter(isObject).map((rule) => ({
    groups: strings(rule.apiGroups),
    resources: strings(rule.resources),
    operations: rule.operations === undefined ? ['*'] : strings(rule.operations),
    resourceNames: strings(rule.resourceNames),
  }));
}

export function compilePolicy(resource: Resource): CompiledPolicy {
  const spec = asObject(resource.object.spec);
  const annotations = asObject(asObject(resource.object.metadata).annotations);
  const severityText = annotations[SEVERITY_ANNOTATION];
  let severity = DEFAULT_POLICY_SEVERITY;
  if (severityText !== undefined) {
    if (typeof severityText !== 'string' || !isSeverity(severityText.trim().toLowerCase())) throw new PolicyError(`annotation ${SEVERITY_ANNOTATION} must be one of critical, high, medium, low, info`);
    severity = severityText.trim().toLowerCase() as Severity;
  }
  const controlsText = annotations[CONTROLS_ANNOTATION];
  const controls = typeof controlsText === 'string' ? controlsText.split(',').map((id) => id.trim()).filter(Boolean) : [];
  for (const id of controls) if (!ANNEX_A_IDS.has(id)) throw new PolicyError(`annotation ${CONTROLS_ANNOTATION}: "${id}" is not an ISO/IEC 27001:2022 Annex A control (A.5.1–A.8.34)`);
  const constraints = asObject(spec.matchConstraints);
  const validations = asArray(spec.validations).filter(isObject).map((validation, index): CompiledValidation => {
    const compiled: CompiledValidation = { index, expression: String(validation.expression ?? ''), program: compile(validation.expression, `spec.validations[${index}]`) };
    if (typeof validation.message === 'string') compiled.message = validation.message;
    if (validation.messageExpression !== undefined) compiled.messageProgram = compile(validation.messageExpression, `spec.validations[${index}].messageExpression`);
    return compiled;
  });
  if (validations.length === 0) throw new PolicyError('spec.validations is empty: the policy checks nothing');
  const policy: CompiledPolicy = {
    name: resource.name,
    severity,
    controls,
    failurePolicy: spec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    rules: rulesOf(constraints.resourceRules),
    excludeRules: rulesOf(constraints.excludeResourceRules),
    objectSelector: compileSelector(constraints.objectSelector),
    namespaceSelector: compileSelector(constraints.namespaceSelector),
    matchConditions: asArray(spec.matchConditions).filter(isObject).map((condition, i) => ({ name: String(condition.name ?? i), program: compile(condition.expression, `spec.matchConditions[${i}]`) })),
    variables: asArray(spec.variables).filter(isObject).map((variable, i) => ({ name: String(variable.name ?? ''), program: compile(variable.expression, `spec.variables[${i}]`) })),
    validations,
    source: resource,
  };
  if (policy.rules.length === 0) throw new PolicyError('spec.matchConstraints.resourceRules is empty: the policy matches nothing');
  const paramKind = asObject(spec.paramKind);
  if (typeof paramKind.kind === 'string' && typeof paramKind.apiVersion === 'string') policy.paramKind = { apiVersion: paramKind.apiVersion, kind: paramKind.kind };
  return policy;
}

export function compileBinding(resource: Resource): CompiledBinding {
  const spec = asObject(resource.object.spec);
  if (typeof spec.policyName !== 'string' || spec.policyName === '') throw new PolicyError('spec.policyName is missing');
  const actions = strings(spec.validationActions).filter((a): a is ValidationAction => a === 'Deny' || a === 'Warn' || a === 'Audit');
  if (actions.length === 0) throw new PolicyError('spec.validationActions must list Deny, Warn or Audit');
  const binding: CompiledBinding = { name: resource.name, policyName: spec.policyName, actions };
  if (isObject(spec.paramRef)) {
    const ref = spec.paramRef;
    binding.paramRef = { notFound: ref.parameterNotFoundAction === 'Allow' ? 'Allow' : 'Deny' };
    if (typeof ref.name === 'string') binding.paramRef.name = ref.name;
    if (typeof ref.namespace === 'string') binding.paramRef.namespace = ref.namespace;
    if (isObject(ref.selector)) binding.paramRef.selector = compileSelector(ref.selector);
  }
  if (isObject(spec.matchResources)) {
    const match = spec.matchResources;
    if (match.resourceRules !== undefined) binding.rules = rulesOf(match.resourceRules);
    if (match.objectSelector !== undefined) binding.objectSelector = compileSelector(match.objectSelector);
    if (match.namespaceSelector !== undefined) binding.namespaceSelector = compileSelector(match.namespaceSelector);
  }
  return binding;
}

/** What a policy is evaluated against. */
export interface PolicyInput {
  object: JsonObject | undefined;
  oldObject?: JsonObject;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  /** The admission request as CEL sees it (`request.userInfo.username`, …); offline a synthetic one. */
  request: JsonObject;
  /** Labels of the object's namespace when known (namespaceSelector); unknown = the selector is not applied. */
  namespaceLabels?: Record<string, string>;
  group: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface PolicyViolation {
  policy: string;
  binding?: string;
  validation: number;
  message: string;
  actions: ValidationAction[];
  /** The expression failed to evaluate (failurePolicy Fail turns that into a violation). */
  errored?: boolean;
}

function ruleMatches(rules: readonly ResourceRule[], input: PolicyInput): boolean {
  const resource = kindResource(input.kind)?.resource ?? `${input.kind.toLowerCase()}s`;
  return rules.some((rule) =>
    (rule.groups.includes('*') || rule.groups.includes(input.group))
    && (rule.resources.includes('*') || rule.resources.includes(resource))
    && (rule.operations.includes('*') || rule.operations.includes(input.operation))
    && (rule.resourceNames.length === 0 || rule.resourceNames.includes(input.name)));
}

function selectorsMatch(objectSelector: CompiledPolicy['objectSelector'] | undefined, namespaceSelector: CompiledPolicy['namespaceSelector'] | undefined, input: PolicyInput): boolean {
  const labels = labelsOf(asObject((input.object ?? input.oldObject ?? {}).metadata).labels);
  if (objectSelector && !objectSelector.matches(labels)) return false;
  if (namespaceSelector && input.namespaceLabels && input.namespace !== undefined && !namespaceSelector.matches(input.namespaceLabels)) return false;
  return true;
}

/** Whether the policy (and binding) apply to the input, before matchConditions. */
export function policyMatches(policy: CompiledPolicy, binding: CompiledBinding | undefined, input: PolicyInput): boolean {
  if (!ruleMatches(policy.rules, input) || ruleMatches(policy.excludeRules, input)) return false;
  if (!selectorsMatch(policy.objectSelector, policy.namespaceSelector, input)) return false;
  if (binding?.rules && !ruleMatches(binding.rules, input)) return false;
  if (binding && !selectorsMatch(binding.objectSelector, binding.namespaceSelector, input)) return false;
  return true;
}

/** The param objects a binding selects, from the resources loaded next to the policies. */
export function paramsFor(policy: CompiledPolicy, binding: CompiledBinding | undefined, params: readonly Resource[], input: PolicyInput): { params: Array<JsonObject | null>; missing: boolean } {
  if (!policy.paramKind || !binding?.paramRef) return { params: [null], missing: false };
  const ref = binding.paramRef;
  const { apiVersion, kind } = policy.paramKind;
  const candidates = params.filter((param) => param.apiVersion === apiVersion && param.kind === kind
    && (ref.name === undefined || param.name === ref.name)
    && (ref.namespace === undefined ? param.namespace === undefined || param.namespace === input.namespace : param.namespace === ref.namespace)
    && (!ref.selector || ref.selector.matches(labelsOf(asObject(param.object.metadata).labels))));
  return candidates.length === 0 ? { params: [], missing: true } : { params: candidates.map((param) => param.object), missing: false };
}

/**
 * Evaluates one policy under one binding (undefined: an unbound policy, evaluated as if bound with
 * Deny and without params). Returns its violations; none when it does not match.
 */
export function evaluatePolicy(policy: CompiledPolicy, binding: CompiledBinding | undefined, input: PolicyInput, paramResources: readonly Resource[] = []): PolicyViolation[] {
  if (!policyMatches(policy, binding, input)) return [];
  const actions: ValidationAction[] = binding?.actions ?? ['Deny'];
  const base = { policy: policy.name, ...(binding ? { binding: binding.name } : {}), actions };
  const { params, missing } = paramsFor(policy, binding, paramResources, input);
  if (missing) {
    return binding?.paramRef?.notFound === 'Allow' ? [] : [{ ...base, validation: -1, message: `no ${policy.paramKind!.kind} parameter found for binding ${binding!.name}`, errored: true }];
  }
  const violations: PolicyViolation[] = [];
  for (const param of params) {
    const activation: Record<string, unknown> = {
      object: input.object === undefined ? null : toCel(input.object),
      oldObject: input.oldObject === undefined ? null : toCel(input.oldObject),
      request: toCel(input.request),
      params: param === null ? null : toCel(param),
      namespaceObject: null,
    };
    const variables = lazyVariables(policy, activation);
    activation.variables = variables;
    try {
      if (!policy.matchConditions.every((condition) => condition.program(activation) === true)) continue;
    } catch (error) {
      if (policy.failurePolicy === 'Fail') violations.push({ ...base, validation: -1, message: `matchCondition could not be evaluated: ${(error as Error).message}`, errored: true });
      continue;
    }
    for (const validation of policy.validations) {
      let result: unknown;
      try {
        result = validation.program(activation);
      } catch (error) {
        if (policy.failurePolicy === 'Fail') violations.push({ ...base, validation: validation.index, message: `expression could not be evaluated: ${(error as Error).message}`, errored: true });
        continue;
      }
      if (result === true) continue;
      violations.push({ ...base, validation: validation.index, message: messageOf(validation, activation) });
    }
  }
  return violations;
}

/** `variables.x` computed on first use, in declaration order, each at most once. */
function lazyVariables(policy: CompiledPolicy, activation: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const variable of policy.variables) {
    let computed = false;
    let value: unknown;
    Object.defineProperty(values, variable.name, {
      enumerable: true,
      get: () => {
        if (!computed) {
          value = variable.program(activation);
          computed = true;
        }
        return value;
      },
    });
  }
  return values;
}

function messageOf(validation: CompiledValidation, activation: Record<string, unknown>): string {
  if (validation.messageProgram) {
    try {
      const text = celString(validation.messageProgram(activation));
      if (text !== undefined && text.trim() !== '') return text;
    } catch {
      // As the API server does: a failing messageExpression falls back to message.
    }
  }
  return validation.message ?? `failed expression: ${validation.expression}`;
}
