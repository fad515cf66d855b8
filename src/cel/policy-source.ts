/**
 * `--policy DIR`: ValidatingAdmissionPolicy objects, their bindings and param resources read from
 * files, compiled once, and offered to the engine as checks (`scan`) or to the webhook as an
 * admission extension. A document that does not compile is an input error with its file and line;
 * the other policies still load.
 */
import type { ResourceCheck, Violation } from '../engine/check.js';
import type { Finding, InputError, JsonObject, Resource } from '../resources/types.js';
import { refOf } from '../resources/types.js';
import { expandPaths, readBounded, DEFAULT_MAX_FILE_BYTES } from '../sources/files.js';
import { parseManifestText } from '../sources/yaml-documents.js';
import { POD_KINDS, kindResource } from '../admission/kinds.js';
import type { AdmissionExtension } from '../admission/webhook.js';
import type { ErroredCheck } from '../admission/decide.js';
import type { AdmissionRequest } from '../admission/review.js';
import { asObject } from '../resources/workloads.js';
import { compileBinding, compilePolicy, evaluatePolicy, isBinding, isPolicy, PolicyError, type CompiledBinding, type CompiledPolicy, type PolicyInput, type PolicyViolation } from './policy.js';

export interface LoadedPolicies {
  policies: CompiledPolicy[];
  bindings: CompiledBinding[];
  /** Every other object in the directory: candidates for paramRef. */
  params: Resource[];
  /** `annexa policy test` cases (kind PolicyTest) found in the directory. */
  tests: Resource[];
  errors: InputError[];
}

/** Test files (`annexa policy test`) live next to policies and are not policies or params. */
export const TEST_KIND = 'PolicyTest';

export function loadPolicyDirectory(dir: string): LoadedPolicies {
  const loaded: LoadedPolicies = { policies: [], bindings: [], params: [], tests: [], errors: [] };
  const expanded = expandPaths([dir]);
  loaded.errors.push(...expanded.errors);
  for (const unit of expanded.units) {
    const read = readBounded(unit.file, DEFAULT_MAX_FILE_BYTES);
    if ('error' in read) {
      loaded.errors.push(read.error);
      continue;
    }
    const parsed = parseManifestText(read.text, unit);
    parsed.release();
    loaded.errors.push(...parsed.errors);
    for (const resource of parsed.resources) addResource(loaded, resource);
  }
  const policyNames = new Set(loaded.policies.map((policy) => policy.name));
  for (const binding of loaded.bindings) {
    if (!policyNames.has(binding.policyName)) loaded.errors.push({ file: dir, message: `binding ${binding.name} refers to policy ${binding.policyName}, which is not in ${dir}` });
  }
  return loaded;
}

function addResource(loaded: LoadedPolicies, resource: Resource): void {
  try {
    if (isPolicy(resource)) loaded.policies.push(compilePolicy(resource));
    else if (isBinding(resource)) loaded.bindings.push(compileBinding(resource));
    else if (resource.kind === TEST_KIND) loaded.tests.push(resource);
    else loaded.params.push(resource);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const { file, line, column } = resource.provenance;
    loaded.errors.push({ file: file ?? '-', ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}), message: `${resource.kind} ${resource.name}: ${error.message}` });
  }
}

/** `policy.<name>` with characters a check id cannot hold replaced. */
export function policyCheckId(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `policy.${slug || 'unnamed'}`;
}

export function bindingsOf(loaded: LoadedPolicies, policy: CompiledPolicy): Array<CompiledBinding | undefined> {
  const bound = loaded.bindings.filter((binding) => binding.policyName === policy.name);
  return bound.length > 0 ? bound : [undefined];
}

/** The kinds a policy can match, for the engine's dispatch by kind. */
function kindsOf(policy: CompiledPolicy): string[] {
  const all = [...POD_KINDS, ...KNOWN_KINDS];
  return [...new Set(all.filter((kind) => {
    const entry = kindResource(kind);
    const resource = entry?.resource ?? `${kind.toLowerCase()}s`;
    const group = entry?.group ?? '';
    return policy.rules.some((rule) => (rule.groups.includes('*') || rule.groups.includes(group)) && (rule.resources.includes('*') || rule.resources.includes(resource)));
  }))];
}

const KNOWN_KINDS = ['Service', 'ServiceAccount', 'ConfigMap', 'Secret', 'Namespace', 'PersistentVolumeClaim', 'LimitRange', 'ResourceQuota', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'NetworkPolicy', 'Ingress', 'IngressClass', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'PriorityClass', 'RuntimeClass', 'StorageClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'CustomResourceDefinition'];

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** The input for a resource read from a file: a CREATE by an unknown user. */
export function offlineInput(resource: Resource, operation: PolicyInput['operation'] = 'CREATE'): PolicyInput {
  const group = groupOf(resource.apiVersion);
  const version = resource.apiVersion.includes('/') ? resource.apiVersion.slice(resource.apiVersion.indexOf('/') + 1) : resource.apiVersion;
  const request: JsonObject = { operation, kind: { group, version, kind: resource.kind }, name: resource.name, userInfo: { username: '', groups: [] }, dryRun: false };
  if (resource.namespace !== undefined) request.namespace = resource.namespace;
  const input: PolicyInput = { object: resource.object, operation, request, group, kind: resource.kind, name: resource.name };
  if (resource.namespace !== undefined) input.namespace = resource.namespace;
  return input;
}

function violationText(violation: PolicyViolation): string {
  return violation.binding ? `${violation.message} (binding ${violation.binding})` : violation.message;
}

/** Each policy as a check the engine runs on the kinds it matches: findings like built-in ones. */
export function policyChecks(loaded: LoadedPolicies): ResourceCheck[] {
  return loaded.policies.map((policy) => {
    const annotations = asObject(asObject(policy.source.object.metadata).annotations);
    const text = (key: string, fallback: string) => (typeof annotations[key] === 'string' ? (annotations[key] as string) : fallback);
    const check: ResourceCheck = {
      id: policyCheckId(policy.name),
      title: text('annexa.dev/title', `ValidatingAdmissionPolicy ${policy.name}`),
      severity: policy.severity,
      domain: 'policy',
      rationale: text('annexa.dev/rationale', `Custom policy ${policy.name} from ${policy.source.provenance.file ?? 'a policy directory'}.`),
      remediation: text('annexa.dev/remediation', `Change the object so that every validation of ${policy.name} holds.`),
      controls: { iso27001: policy.controls },
      scope: 'resource',
      kinds: kindsOf(policy),
      examples: { valid: [], invalid: [] },
      *check(resource): Iterable<Violation> {
        for (const binding of bindingsOf(loaded, policy)) {
          for (const violation of evaluatePolicy(policy, binding, offlineInput(resource), loaded.params)) {
            yield { path: '', message: violationText(violation), details: { policy: policy.name, validation: violation.validation, validationActions: violation.actions, ...(violation.binding ? { binding: violation.binding } : {}) } };
          }
        }
      },
    };
    return check;
  });
}

/** The policies at admission: Deny bindings count like checks; Warn/Audit-only ones are advisory (never deny). */
export function policyExtension(loaded: LoadedPolicies): AdmissionExtension {
  const checks = new Map(policyChecks(loaded).map((check) => [check.id, check]));
  return {
    evaluate(resource: Resource, request: AdmissionRequest) {
      const findings: Finding[] = [];
      const errored: ErroredCheck[] = [];
      const input: PolicyInput = {
        ...offlineInput(resource, request.operation),
        request: requestForCel(request),
        ...(request.oldObject ? { oldObject: request.oldObject } : {}),
      };
      for (const policy of loaded.policies) {
        const check = checks.get(policyCheckId(policy.name))!;
        for (const binding of bindingsOf(loaded, policy)) {
          for (const violation of evaluatePolicy(policy, binding, input, loaded.params)) {
            if (violation.errored && violation.validation >= 0) {
              errored.push({ checkId: check.id, message: violation.message });
              continue;
            }
            const finding: Finding = {
              checkId: check.id,
              title: check.title,
              severity: policy.severity,
              resource: refOf(resource),
              path: '',
              message: violationText(violation),
              remediation: check.remediation,
              controls: check.controls,
              details: { policy: policy.name, validationActions: violation.actions },
            };
            if (!violation.actions.includes('Deny')) finding.details!.advisory = true;
            findings.push(finding);
          }
        }
      }
      return { findings, errored };
    },
  };
}

function requestForCel(request: AdmissionRequest): JsonObject {
  const out: JsonObject = {
    uid: request.uid,
    kind: { ...request.kind },
    operation: request.operation,
    userInfo: { username: request.userInfo.username, groups: [...request.userInfo.groups] },
    dryRun: request.dryRun,
  };
  if (request.name !== undefined) out.name = request.name;
  if (request.namespace !== undefined) out.namespace = request.namespace;
  if (request.subResource !== undefined) out.subResource = request.subResource;
  return out;
}
