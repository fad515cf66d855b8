/**
 * Trivy JSON (schema version 2): image reports (`trivy image -f json`), config scans, and `trivy k8s
 * -f json` in its three layouts (legacy `Vulnerabilities[]`/`Misconfigurations[]`, `Resources[]`,
 * consolidated `Findings[]`).
 */
import type { ResourceRef } from '../../resources/types.js';
import type { ImportedFile, ImportedVulnerability, ImportProvenance, PolicyResult, VulnerabilityReport, ImageIdentity } from '../types.js';
import { emptyImport } from '../types.js';
import { field, isRecord, list, num, text, texts, time, type Json } from '../access.js';
import { ImportInputError, imageIdentity, severityOf, trivyCheckId, vulnerabilitySeverity } from './common.js';

export const TRIVY_SCHEMA_VERSIONS = [2];

export function isTrivyImageReport(doc: Json): boolean {
  return isRecord(doc) && 'SchemaVersion' in doc && ('ArtifactName' in doc || 'Results' in doc) && !('ClusterName' in doc);
}

export function isTrivyK8sReport(doc: Json): boolean {
  return isRecord(doc) && 'ClusterName' in doc && ('Resources' in doc || 'Findings' in doc || 'Vulnerabilities' in doc || 'Misconfigurations' in doc);
}

export function checkTrivySchema(doc: Json, file: string): void {
  const version = field(doc, 'SchemaVersion');
  if (version === undefined && isTrivyK8sReport(doc)) return; // the legacy k8s layout has no SchemaVersion
  if (typeof version !== 'number' || !TRIVY_SCHEMA_VERSIONS.includes(version)) {
    throw new ImportInputError(`${file}: Trivy JSON SchemaVersion ${JSON.stringify(version)} is not supported (expected ${TRIVY_SCHEMA_VERSIONS.join(', ')}: trivy 0.20 or later with -f json)`);
  }
}

export function trivyProvenance(doc: Json, file: string): ImportProvenance {
  const version = text(doc, 'Trivy', 'Version');
  const reportTime = time(doc, 'CreatedAt');
  return { tool: 'trivy', file, format: 'trivy', ...(version ? { version } : {}), ...(reportTime ? { reportTime } : {}) };
}

/** The highest CVSS base score any source gives (v3 preferred over v2). */
export function cvssOf(vulnerability: Json): number | undefined {
  const sources = field(vulnerability, 'CVSS');
  if (!isRecord(sources)) return undefined;
  let best: number | undefined;
  for (const source of Object.values(sources)) {
    const score = num(source, 'V3Score') ?? num(source, 'V40Score') ?? num(source, 'V2Score');
    if (score !== undefined && (best === undefined || score > best)) best = score;
  }
  return best;
}

export function trivyVulnerability(item: Json): ImportedVulnerability | undefined {
  const id = text(item, 'VulnerabilityID');
  if (!id) return undefined;
  const fixed = text(item, 'FixedVersion');
  const cvss = cvssOf(item);
  const title = text(item, 'Title');
  return {
    id,
    pkg: text(item, 'PkgName') ?? text(item, 'PkgID') ?? 'unknown package',
    installed: text(item, 'InstalledVersion') ?? '',
    severity: vulnerabilitySeverity(field(item, 'Severity')),
    ...(fixed ? { fixed } : {}),
    ...(cvss !== undefined ? { cvss } : {}),
    ...(title ? { title } : {}),
  };
}

/** The image of an image report: its references (RepoTags, Reference, ArtifactName) and digests. */
export function trivyImage(doc: Json): ImageIdentity {
  const artifact = text(doc, 'ArtifactName');
  const references = [...texts(doc, 'Metadata', 'RepoTags'), text(doc, 'Metadata', 'Reference'), artifact];
  const digests = [...texts(doc, 'Metadata', 'RepoDigests'), text(doc, 'Metadata', 'ImageID')];
  return imageIdentity(text(doc, 'Metadata', 'Reference') ?? texts(doc, 'Metadata', 'RepoTags')[0] ?? artifact, references, digests);
}

/** Misconfigurations of one result as policy results, about `resource` when known. */
function misconfigurations(result: Json, provenance: ImportProvenance, resource: ResourceRef | undefined): PolicyResult[] {
  const out: PolicyResult[] = [];
  for (const item of list(result, 'Misconfigurations')) {
    const id = text(item, 'ID') ?? text(item, 'AVDID');
    if (!id) continue;
    const status = text(item, 'Status')?.toUpperCase();
    const message = text(item, 'Message') ?? text(item, 'Title') ?? id;
    const target = resource ?? resourceFromMessage(message);
    const severity = severityOf(field(item, 'Severity'));
    out.push({
      provenance, policy: trivyCheckId(id), result: status === 'PASS' ? 'pass' : status === 'EXCEPTION' ? 'skip' : 'fail', message,
      ...(severity ? { severity } : {}), ...(target ? { resource: target } : {}),
    });
  }
  return out;
}

/** Trivy config scans name the workload only in the message: "Container 'web' of Deployment 'shop' should …". */
function resourceFromMessage(message: string): ResourceRef | undefined {
  const match = /\bof (\w+) '([^']+)'/.exec(message);
  return match ? { apiVersion: '', kind: match[1]!, name: match[2]! } : undefined;
}

export function readTrivyImage(doc: Json, file: string): ImportedFile {
  checkTrivySchema(doc, file);
  const provenance = trivyProvenance(doc, file);
  const out = emptyImport(file, 'trivy');
  out.provenance.push(provenance);
  const isImage = text(doc, 'ArtifactType') === 'container_image' || field(doc, 'Metadata', 'ImageID') !== undefined;
  const vulnerabilities: ImportedVulnerability[] = [];
  for (const result of list(doc, 'Results')) {
    for (const item of list(result, 'Vulnerabilities')) {
      const vulnerability = trivyVulnerability(item);
      if (vulnerability) vulnerabilities.push(vulnerability);
    }
    out.policyResults.push(...misconfigurations(result, provenance, undefined));
  }
  if (isImage) out.vulnerabilityReports.push({ provenance, image: trivyImage(doc), vulnerabilities });
  return out;
}

function refOfItem(item: Json): ResourceRef | undefined {
  const kind = text(item, 'Kind');
  const name = text(item, 'Name');
  if (!kind || !name) return undefined;
  const namespace = text(item, 'Namespace');
  return { apiVersion: '', kind, name, ...(namespace ? { namespace } : {}) };
}

/** `nginx:1.25 (debian 12.1)` → `nginx:1.25`. */
function imageOfTarget(target: string | undefined): string | undefined {
  return target?.replace(/\s+\(.*\)\s*$/, '').trim() || undefined;
}

/** One workload item of a `trivy k8s` report: its images' vulnerabilities and its misconfigurations. */
export function k8sItem(item: Json, provenance: ImportProvenance, out: ImportedFile): void {
  const resource = refOfItem(item);
  const metadata = list(item, 'Metadata');
  for (const result of list(item, 'Results')) {
    out.policyResults.push(...misconfigurations(result, provenance, resource));
    const found = list(result, 'Vulnerabilities').map(trivyVulnerability).filter((v): v is ImportedVulnerability => v !== undefined);
    const target = imageOfTarget(text(result, 'Target'));
    const hasVulnerabilityClass = ['os-pkgs', 'lang-pkgs'].includes(text(result, 'Class') ?? '') || found.length > 0;
    if (!hasVulnerabilityClass || !target) continue;
    // The current layout lists image metadata per resource; pick the entry naming this target.
    const meta = metadata.find((m) => texts(m, 'RepoTags').includes(target) || text(m, 'Reference') === target);
    const image = imageIdentity(target, [target, ...texts(meta, 'RepoTags')], [...texts(meta, 'RepoDigests'), text(meta, 'ImageID')]);
    out.vulnerabilityReports.push({ provenance, image, vulnerabilities: found, ...(resource ? { workload: resource } : {}) });
  }
}

export function readTrivyK8s(doc: Json, file: string): ImportedFile {
  checkTrivySchema(doc, file);
  const provenance = trivyProvenance(doc, file);
  const out = emptyImport(file, 'trivy');
  out.provenance.push(provenance);
  for (const key of ['Resources', 'Findings', 'Vulnerabilities', 'Misconfigurations']) {
    for (const item of list(doc, key)) k8sItem(item, provenance, out);
  }
  return out;
}
