/**
 * The audit Policy (audit.k8s.io/v1) against what the controls need: the level each kind of request
 * is logged at, computed with the API server's matching (first matching rule wins; no match = None),
 * for a probe request by an ordinary authenticated person.
 */
import { LineCounter, parseDocument, stringify } from 'yaml';
import { offsetOfPath } from '../sources/yaml-parse.js';
import type { ControlRefs, Severity } from '../resources/types.js';
import { AUDIT_LEVELS } from './event.js';

export type AuditLevel = (typeof AUDIT_LEVELS)[number];

interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

interface PolicyRule {
  level?: string;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: string[];
}

export interface AuditPolicy {
  apiVersion?: string;
  kind?: string;
  omitStages?: string[];
  rules?: PolicyRule[];
}

export interface Probe {
  group: string;
  resource: string;
  subresource?: string;
  verb: string;
  namespace: string;
  user: string;
  groups: string[];
}

export interface PolicyFinding {
  id: string;
  severity: Severity;
  message: string;
  /** The rule that decides the level (1-based index), when one matches. */
  rule?: number;
  line?: number;
  controls: ControlRefs;
}

export interface PolicyReport {
  file: string;
  rules: number;
  findings: PolicyFinding[];
  levels: Array<{ request: string; level: AuditLevel; rule?: number }>;
}

const PERSON = { user: 'someone@example.com', groups: ['system:authenticated'] };

function matchesResource(rule: PolicyRule, probe: Probe): boolean {
  if (!rule.resources || rule.resources.length === 0) return true;
  const combined = probe.subresource ? `${probe.resource}/${probe.subresource}` : probe.resource;
  return rule.resources.some((gr) => {
    if ((gr.group ?? '') !== probe.group && gr.group !== '*') return false;
    if (!gr.resources || gr.resources.length === 0) return true;
    return gr.resources.some((res) => res === combined || res === '*'
      || (probe.subresource !== undefined && res === `*/${probe.subresource}`)
      || (res.endsWith('/*') && res.slice(0, -2) === probe.resource));
  });
}

/** The API server's rule matching for a resource request (rules naming only nonResourceURLs never match one). */
export function ruleMatches(rule: PolicyRule, probe: Probe): boolean {
  if (rule.nonResourceURLs && rule.nonResourceURLs.length > 0 && !(rule.resources && rule.resources.length > 0)) return false;
  if (rule.users && rule.users.length > 0 && !rule.users.includes(probe.user)) return false;
  if (rule.userGroups && rule.userGroups.length > 0 && !rule.userGroups.some((g) => probe.groups.includes(g))) return false;
  if (rule.verbs && rule.verbs.length > 0 && !rule.verbs.includes(probe.verb)) return false;
  if (rule.namespaces && rule.namespaces.length > 0 && !rule.namespaces.includes(probe.namespace)) return false;
  return matchesResource(rule, probe);
}

export function levelFor(policy: AuditPolicy, probe: Probe): { level: AuditLevel; rule?: number } {
  const rules = policy.rules ?? [];
  for (let i = 0; i < rules.length; i++) {
    if (ruleMatches(rules[i]!, probe)) return { level: (rules[i]!.level as AuditLevel) ?? 'None', rule: i + 1 };
  }
  return { level: 'None' };
}

const RANK: Record<AuditLevel, number> = { None: 0, Metadata: 1, Request: 2, RequestResponse: 3 };

interface Requirement {
  id: string;
  what: string;
  probe: Omit<Probe, 'user' | 'groups'>;
  /** Highest level allowed (bodies would hold credentials). */
  atMost?: AuditLevel;
  /** Lowest level needed (who did it and when). */
  atLeast?: AuditLevel;
  severity: Severity;
  controls: ControlRefs;
  why: string;
}

const CREDENTIAL_CONTROLS: ControlRefs = { iso27001: ['A.5.17', 'A.8.15', 'A.8.12'] };
const LOGGING_CONTROLS: ControlRefs = { iso27001: ['A.8.15', 'A.8.16'] };

export const REQUIREMENTS: readonly Requirement[] = [
  { id: 'secrets-body', what: 'get secrets', probe: { group: '', resource: 'secrets', verb: 'get', namespace: 'default' }, atMost: 'Metadata', atLeast: 'Metadata', severity: 'high', controls: CREDENTIAL_CONTROLS, why: 'Secret bodies would copy credentials into the log' },
  { id: 'secrets-write-body', what: 'create secrets', probe: { group: '', resource: 'secrets', verb: 'create', namespace: 'default' }, atMost: 'Metadata', atLeast: 'Metadata', severity: 'high', controls: CREDENTIAL_CONTROLS, why: 'Secret bodies would copy credentials into the log' },
  { id: 'configmaps-body', what: 'update configmaps', probe: { group: '', resource: 'configmaps', verb: 'update', namespace: 'default' }, atMost: 'Metadata', severity: 'medium', controls: CREDENTIAL_CONTROLS, why: 'ConfigMaps often hold credentials by mistake' },
  { id: 'tokenreviews-body', what: 'create tokenreviews', probe: { group: 'authentication.k8s.io', resource: 'tokenreviews', verb: 'create', namespace: '' }, atMost: 'Metadata', severity: 'high', controls: CREDENTIAL_CONTROLS, why: 'TokenReview bodies hold bearer tokens' },
  { id: 'token-request-body', what: 'create serviceaccounts/token', probe: { group: '', resource: 'serviceaccounts', subresource: 'token', verb: 'create', namespace: 'default' }, atMost: 'Metadata', atLeast: 'Metadata', severity: 'high', controls: CREDENTIAL_CONTROLS, why: 'TokenRequest responses hold the issued token' },
  { id: 'rbac-logged', what: 'create clusterrolebindings', probe: { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', verb: 'create', namespace: '' }, atLeast: 'Metadata', severity: 'high', controls: { iso27001: ['A.8.15', 'A.8.2', 'A.5.18'] }, why: 'changes of access rights must be on record' },
  { id: 'rbac-roles-logged', what: 'update clusterroles', probe: { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', verb: 'update', namespace: '' }, atLeast: 'Metadata', severity: 'high', controls: { iso27001: ['A.8.15', 'A.8.2', 'A.5.18'] }, why: 'changes of access rights must be on record' },
  { id: 'admission-logged', what: 'delete validatingwebhookconfigurations', probe: { group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations', verb: 'delete', namespace: '' }, atLeast: 'Metadata', severity: 'high', controls: { iso27001: ['A.8.15', 'A.8.32', 'A.8.9'] }, why: 'switching an admission control off must be on record' },
  { id: 'vap-logged', what: 'delete validatingadmissionpolicies', probe: { group: 'admissionregistration.k8s.io', resource: 'validatingadmissionpolicies', verb: 'delete', namespace: '' }, atLeast: 'Metadata', severity: 'high', controls: { iso27001: ['A.8.15', 'A.8.32', 'A.8.9'] }, why: 'switching an admission control off must be on record' },
  { id: 'exec-logged', what: 'create pods/exec', probe: { group: '', resource: 'pods', subresource: 'exec', verb: 'create', namespace: 'default' }, atLeast: 'Metadata', severity: 'high', controls: { iso27001: ['A.8.15', 'A.8.2'] }, why: 'sessions into pods are privileged access' },
  { id: 'attach-logged', what: 'create pods/attach', probe: { group: '', resource: 'pods', subresource: 'attach', verb: 'create', namespace: 'default' }, atLeast: 'Metadata', severity: 'high', controls: { iso27001: ['A.8.15', 'A.8.2'] }, why: 'sessions into pods are privileged access' },
  { id: 'portforward-logged', what: 'create pods/portforward', probe: { group: '', resource: 'pods', subresource: 'portforward', verb: 'create', namespace: 'default' }, atLeast: 'Metadata', severity: 'medium', controls: { iso27001: ['A.8.15', 'A.8.2'] }, why: 'tunnels into pods are privileged access' },
  { id: 'csr-logged', what: 'create certificatesigningrequests', probe: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', verb: 'create', namespace: '' }, atLeast: 'Metadata', severity: 'high', controls: { iso27001: ['A.8.15', 'A.5.17'] }, why: 'new client certificates are new credentials' },
  { id: 'csr-approval-logged', what: 'update certificatesigningrequests/approval', probe: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', subresource: 'approval', verb: 'update', namespace: '' }, atLeast: 'Metadata', severity: 'high', controls: { iso27001: ['A.8.15', 'A.5.17'] }, why: 'approving a certificate issues a credential' },
  { id: 'workload-body', what: 'create pods', probe: { group: '', resource: 'pods', verb: 'create', namespace: 'default' }, atLeast: 'Request', severity: 'low', controls: LOGGING_CONTROLS, why: 'without the request body annexa cannot tell whether a created pod is privileged (detections stay undetermined)' },
  { id: 'deployment-body', what: 'create deployments', probe: { group: 'apps', resource: 'deployments', verb: 'create', namespace: 'default' }, atLeast: 'Request', severity: 'low', controls: LOGGING_CONTROLS, why: 'without the request body annexa cannot tell whether a workload\'s pods are privileged' },
  { id: 'rbac-body', what: 'create clusterrolebindings (body)', probe: { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', verb: 'create', namespace: '' }, atLeast: 'Request', severity: 'low', controls: LOGGING_CONTROLS, why: 'without the request body annexa cannot tell which role a binding grants' },
];

export class PolicyInputError extends Error {
  constructor(readonly file: string, readonly line: number | undefined, message: string) {
    super(message);
  }
}

export function parsePolicy(text: string, file: string): { policy: AuditPolicy; lineOfRule(index: number): number | undefined } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    throw new PolicyInputError(file, error.linePos?.[0]?.line, `not valid YAML: ${error.code}`);
  }
  const value = document.toJS() as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PolicyInputError(file, 1, 'expected an audit Policy object');
  const policy = value as AuditPolicy;
  if (policy.kind !== 'Policy' || (policy.apiVersion !== 'audit.k8s.io/v1' && policy.apiVersion !== 'audit.k8s.io/v1beta1')) {
    throw new PolicyInputError(file, 1, `expected kind Policy, apiVersion audit.k8s.io/v1 (found ${String(policy.kind)}, ${String(policy.apiVersion)})`);
  }
  if (policy.rules !== undefined && !Array.isArray(policy.rules)) throw new PolicyInputError(file, undefined, 'rules: expected a list');
  const lineOfRule = (index: number) => {
    const offset = offsetOfPath(document.contents, ['rules', index]);
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
  (policy.rules ?? []).forEach((rule, i) => {
    if (typeof rule !== 'object' || rule === null) throw new PolicyInputError(file, lineOfRule(i), `rules[${i}]: expected an object`);
    if (!(AUDIT_LEVELS as readonly unknown[]).includes(rule.level)) throw new PolicyInputError(file, lineOfRule(i), `rules[${i}].level: expected one of ${AUDIT_LEVELS.join(', ')}`);
  });
  return { policy, lineOfRule };
}

/** Validates a policy; findings name the rule that decides each failing level. */
export function validatePolicy(text: string, file: string): PolicyReport {
  const { policy, lineOfRule } = parsePolicy(text, file);
  const findings: PolicyFinding[] = [];
  const levels: PolicyReport['levels'] = [];
  for (const requirement of REQUIREMENTS) {
    const decided = levelFor(policy, { ...requirement.probe, ...PERSON });
    levels.push({ request: requirement.what, level: decided.level, ...(decided.rule ? { rule: decided.rule } : {}) });
    const where = decided.rule ? `rule ${decided.rule}` : 'no rule matches (level None)';
    const located = decided.rule ? { rule: decided.rule, ...(lineOfRule(decided.rule - 1) ? { line: lineOfRule(decided.rule - 1)! } : {}) } : {};
    if (requirement.atMost && RANK[decided.level] > RANK[requirement.atMost]) {
      findings.push({ id: requirement.id, severity: requirement.severity, controls: requirement.controls, ...located, message: `"${requirement.what}" is logged at ${decided.level} (${where}); at most ${requirement.atMost}: ${requirement.why}` });
    } else if (requirement.atLeast && RANK[decided.level] < RANK[requirement.atLeast]) {
      findings.push({ id: requirement.id, severity: requirement.severity, controls: requirement.controls, ...located, message: `"${requirement.what}" is logged at ${decided.level} (${where}); at least ${requirement.atLeast}: ${requirement.why}` });
    }
  }
  if (!(policy.omitStages ?? []).includes('RequestReceived')) {
    findings.push({ id: 'omit-request-received', severity: 'info', controls: LOGGING_CONTROLS, message: 'omitStages does not include RequestReceived: every request is logged twice; add omitStages: [RequestReceived] at the top level to halve the volume' });
  }
  return { file, rules: (policy.rules ?? []).length, findings, levels };
}

/** The recommended policy: credentials never above Metadata, controls at least Metadata, workloads and RBAC with bodies. */
export function recommendedPolicy(): AuditPolicy {
  const core = (resources: string[]): GroupResources => ({ group: '', resources });
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'Metadata', resources: [core(['secrets', 'configmaps', 'serviceaccounts/token']), { group: 'authentication.k8s.io', resources: ['tokenreviews'] }] },
      { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version'] },
      { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'], resources: [core(['endpoints', 'services', 'services/status']), { group: 'discovery.k8s.io', resources: ['endpointslices'] }] },
      { level: 'None', userGroups: ['system:nodes'], verbs: ['get', 'list', 'watch'], resources: [core(['nodes', 'nodes/status', 'pods', 'services', 'endpoints'])] },
      { level: 'None', verbs: ['get', 'update'], resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }], namespaces: ['kube-system', 'kube-node-lease'] },
      { level: 'None', resources: [core(['events']), { group: 'events.k8s.io', resources: ['events'] }] },
      { level: 'Metadata', resources: [core(['pods/exec', 'pods/attach', 'pods/portforward', 'pods/log'])] },
      { level: 'RequestResponse', verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'], resources: [{ group: 'rbac.authorization.k8s.io' }, { group: 'admissionregistration.k8s.io' }, { group: 'certificates.k8s.io' }] },
      {
        level: 'Request',
        verbs: ['create', 'update', 'patch', 'delete'],
        resources: [core(['pods', 'services', 'replicationcontrollers', 'serviceaccounts', 'namespaces']), { group: 'apps' }, { group: 'batch' }, { group: 'networking.k8s.io' }],
      },
      { level: 'Metadata' },
    ],
  };
}

export function recommendedPolicyYaml(): string {
  return `# Recommended by annexa (docs/audit.md): credentials never above Metadata, access and control changes\n# always on record, workload and RBAC bodies for the detections; routine control-plane reads left out.\n${stringify(recommendedPolicy())}`;
}
