/**
 * Reports kept as Kubernetes objects (`kubectl get … -o yaml|json`, single objects or Lists):
 * wgpolicyk8s.io PolicyReport/ClusterPolicyReport, openreports.io Report/ClusterReport, Gatekeeper
 * constraints with audit `status.violations`, Trivy Operator VulnerabilityReport, ConfigAuditReport
 * and RbacAssessmentReport.
 */
import type { ResourceRef } from '../../resources/types.js';
import type { ImportedFile, ImportFormat, ImportProvenance, ImportedVulnerability, PolicyOutcome, PolicyResult } from '../types.js';
import { emptyImport } from '../types.js';
import { field, isRecord, list, num, text, time, type Json } from '../access.js';
import { ImportInputError, imageIdentity, severityOf, trivyCheckId, vulnerabilitySeverity } from './common.js';

const POLICY_REPORT_VERSIONS = ['wgpolicyk8s.io/v1alpha2', 'wgpolicyk8s.io/v1beta1'];
const OPENREPORTS_VERSIONS = ['openreports.io/v1alpha1'];
const TRIVY_OPERATOR_VERSIONS = ['aquasecurity.github.io/v1alpha1'];

/** The format of one Kubernetes object, or undefined when it is none Annexa imports. */
export function kubeReportFormat(object: Json): ImportFormat | undefined {
  const apiVersion = text(object, 'apiVersion') ?? '';
  const group = apiVersion.split('/')[0];
  if (group === 'wgpolicyk8s.io') return 'policyreport';
  if (group === 'openreports.io') return 'openreports';
  if (group === 'constraints.gatekeeper.sh' || group === 'templates.gatekeeper.sh') return 'gatekeeper';
  if (group === 'aquasecurity.github.io') return 'trivy-operator';
  return undefined;
}

function checkVersion(object: Json, supported: readonly string[], what: string, file: string): void {
  const apiVersion = text(object, 'apiVersion');
  if (!apiVersion || !supported.includes(apiVersion)) {
    throw new ImportInputError(`${file}: ${what} apiVersion ${JSON.stringify(apiVersion ?? null)} is not supported (expected ${supported.join(' or ')})`);
  }
}

function scopeRef(value: Json, fallbackNamespace?: string): ResourceRef | undefined {
  const kind = text(value, 'kind');
  const name = text(value, 'name');
  if (!kind || !name) return undefined;
  const namespace = text(value, 'namespace') ?? fallbackNamespace;
  return { apiVersion: text(value, 'apiVersion') ?? '', kind, name, ...(namespace ? { namespace } : {}) };
}

function outcomeOf(value: string | undefined): PolicyOutcome {
  switch (value) {
    case 'pass': case 'fail': case 'warn': case 'error': case 'skip': return value;
    default: return 'error';
  }
}

/** PolicyReport and openreports Report: results about the report's `scope`, or each result's `resources[]`. */
function readResultReport(object: Json, provenanceOf: (source: string | undefined) => ImportProvenance, out: ImportedFile): void {
  const namespace = text(object, 'metadata', 'namespace');
  const scope = scopeRef(field(object, 'scope'), namespace);
  for (const result of list(object, 'results')) {
    const policy = text(result, 'policy');
    if (!policy) continue;
    const rule = text(result, 'rule');
    const severity = severityOf(field(result, 'severity')) ?? severityOf(text(result, 'properties', 'severity'));
    const category = text(result, 'category');
    // Kyverno stamps each result (`timestamp.seconds`); the report's own time, when it has one, comes first.
    const seconds = num(result, 'timestamp', 'seconds');
    const provenance = provenanceOf(text(result, 'source'));
    if (provenance.reportTime === undefined && seconds !== undefined && seconds > 0) provenance.reportTime = new Date(seconds * 1000).toISOString();
    const base = {
      provenance,
      policy, result: outcomeOf(text(result, 'result')),
      message: text(result, 'message') ?? (rule ? `${policy}/${rule}` : policy),
      ...(rule ? { rule } : {}), ...(severity ? { severity } : {}), ...(category ? { category } : {}),
    } satisfies Omit<PolicyResult, 'resource'>;
    const targets = list(result, 'resources').map((r) => scopeRef(r, namespace)).filter((r): r is ResourceRef => r !== undefined);
    if (targets.length === 0) out.policyResults.push(scope ? { ...base, resource: scope } : base);
    for (const resource of targets) out.policyResults.push({ ...base, resource });
  }
}

function reportTimeOf(object: Json): string | undefined {
  return time(object, 'report', 'updateTimestamp') ?? time(object, 'status', 'auditTimestamp') ?? time(object, 'metadata', 'creationTimestamp');
}

function provenance(tool: string, format: ImportFormat, file: string, reportTime: string | undefined, version?: string): ImportProvenance {
  return { tool, format, file, ...(version ? { version } : {}), ...(reportTime ? { reportTime } : {}) };
}

function readPolicyReport(object: Json, file: string, out: ImportedFile): void {
  checkVersion(object, POLICY_REPORT_VERSIONS, text(object, 'kind') ?? 'PolicyReport', file);
  const when = time(object, 'metadata', 'creationTimestamp');
  readResultReport(object, (source) => provenance(source?.toLowerCase() ?? 'policyreport', 'policyreport', file, when), out);
}

function readOpenReport(object: Json, file: string, out: ImportedFile): void {
  checkVersion(object, OPENREPORTS_VERSIONS, text(object, 'kind') ?? 'Report', file);
  const when = time(object, 'metadata', 'creationTimestamp');
  readResultReport(object, (source) => provenance(source?.toLowerCase() ?? 'openreports', 'openreports', file, when), out);
}

/** A constraint's audit result: one failing result per listed violation, under the constraint's kind and name. */
function readGatekeeper(object: Json, file: string, out: ImportedFile): void {
  if (text(object, 'apiVersion')?.startsWith('templates.gatekeeper.sh')) return; // templates hold Rego, not results
  const kind = text(object, 'kind') ?? 'Constraint';
  const name = text(object, 'metadata', 'name') ?? 'unnamed';
  const severity = severityOf(text(object, 'metadata', 'labels', 'severity'));
  const prov = provenance('gatekeeper', 'gatekeeper', file, time(object, 'status', 'auditTimestamp'));
  out.provenance.push(prov);
  const violations = list(object, 'status', 'violations');
  for (const violation of violations) {
    const resource = scopeRef({ ...(isRecord(violation) ? violation : {}), apiVersion: [text(violation, 'group'), text(violation, 'version')].filter(Boolean).join('/') });
    out.policyResults.push({
      provenance: prov, policy: kind, rule: name, result: text(violation, 'enforcementAction') === 'warn' ? 'warn' : 'fail',
      message: text(violation, 'message') ?? `${kind}/${name}`,
      ...(severity ? { severity } : {}), ...(resource ? { resource } : {}),
    });
  }
  const total = num(object, 'status', 'totalViolations');
  if (total !== undefined && total > violations.length) {
    out.notes.push(`${file}: ${kind}/${name} reports ${total} violations but lists ${violations.length} (Gatekeeper --constraint-violations-limit); only the listed ones are imported`);
  }
}

/** Trivy Operator labels name the workload the report is about. */
function operatorWorkload(object: Json): (ResourceRef & { container?: string }) | undefined {
  const labels = field(object, 'metadata', 'labels');
  const kind = text(labels, 'trivy-operator.resource.kind');
  const name = text(labels, 'trivy-operator.resource.name');
  if (!kind || !name) return undefined;
  const namespace = text(labels, 'trivy-operator.resource.namespace') ?? text(object, 'metadata', 'namespace');
  const container = text(labels, 'trivy-operator.container.name');
  return { apiVersion: '', kind, name, ...(namespace ? { namespace } : {}), ...(container ? { container } : {}) };
}

function readTrivyOperator(object: Json, file: string, out: ImportedFile): void {
  checkVersion(object, TRIVY_OPERATOR_VERSIONS, text(object, 'kind') ?? 'report', file);
  const kind = text(object, 'kind');
  const prov = provenance('trivy-operator', 'trivy-operator', file, reportTimeOf(object), text(object, 'report', 'scanner', 'version'));
  out.provenance.push(prov);
  const workload = operatorWorkload(object);
  if (kind === 'VulnerabilityReport') {
    const server = text(object, 'report', 'registry', 'server');
    const repository = text(object, 'report', 'artifact', 'repository');
    const tag = text(object, 'report', 'artifact', 'tag');
    const digest = text(object, 'report', 'artifact', 'digest');
    const name = repository ? `${server ? `${server}/` : ''}${repository}` : undefined;
    const reference = name && tag ? `${name}:${tag}` : name;
    const vulnerabilities = list(object, 'report', 'vulnerabilities').flatMap((item): ImportedVulnerability[] => {
      const id = text(item, 'vulnerabilityID');
      if (!id) return [];
      const fixed = text(item, 'fixedVersion');
      const score = num(item, 'score');
      const title = text(item, 'title');
      return [{ id, pkg: text(item, 'resource') ?? 'unknown package', installed: text(item, 'installedVersion') ?? '', severity: vulnerabilitySeverity(field(item, 'severity')),
        ...(fixed ? { fixed } : {}), ...(score !== undefined ? { cvss: score } : {}), ...(title ? { title } : {}) }];
    });
    out.vulnerabilityReports.push({ provenance: prov, image: imageIdentity(reference, [reference], [digest && name ? `${name}@${digest}` : digest]), vulnerabilities, ...(workload ? { workload } : {}) });
    return;
  }
  if (kind === 'ConfigAuditReport' || kind === 'RbacAssessmentReport' || kind === 'ClusterConfigAuditReport' || kind === 'ClusterRbacAssessmentReport') {
    for (const check of list(object, 'report', 'checks')) {
      const id = text(check, 'checkID');
      if (!id) continue;
      const severity = severityOf(field(check, 'severity'));
      const messages = list(check, 'messages').filter((m): m is string => typeof m === 'string');
      out.policyResults.push({
        provenance: prov, policy: trivyCheckId(id), result: field(check, 'success') === true ? 'pass' : 'fail',
        message: messages[0] ?? text(check, 'title') ?? id, ...(severity ? { severity } : {}), ...(workload ? { resource: workload } : {}),
      });
    }
    return;
  }
  throw new ImportInputError(`${file}: Trivy Operator ${kind ?? 'object'} is not imported (expected VulnerabilityReport, ConfigAuditReport or RbacAssessmentReport)`);
}

/** Reads one Kubernetes object of a known report format into `out`. */
export function readKubeReport(object: Json, format: ImportFormat, file: string, out: ImportedFile): void {
  const before = out.policyResults.length;
  if (format === 'policyreport') readPolicyReport(object, file, out);
  else if (format === 'openreports') readOpenReport(object, file, out);
  else if (format === 'gatekeeper') readGatekeeper(object, file, out);
  else if (format === 'trivy-operator') readTrivyOperator(object, file, out);
  for (const result of out.policyResults.slice(before)) {
    if (!out.provenance.some((p) => p.tool === result.provenance.tool)) out.provenance.push(result.provenance);
  }
}

export function newKubeImport(file: string, format: ImportFormat): ImportedFile {
  return emptyImport(file, format);
}
