/**
 * What other tools' reports become once read: vulnerability reports per image, SBOMs per image and
 * policy results per resource, each with the provenance of the file it came from. Parsers
 * (src/interop/formats/) produce these; matching, SLA and posture work on them, never on raw JSON.
 */
import type { ResourceRef, Severity } from '../resources/types.js';

export const IMPORT_FORMATS = ['trivy', 'grype', 'cyclonedx', 'spdx', 'policyreport', 'openreports', 'gatekeeper', 'kubescape', 'trivy-operator'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

/** Which tool produced a report, in which version and when, and from which file it was read. */
export interface ImportProvenance {
  tool: string;
  version?: string;
  /** RFC 3339 time the tool wrote the report, when the report says. */
  reportTime?: string;
  file: string;
  format: ImportFormat;
}

/** An image as a report names it: any of these may identify it against the running workloads. */
export interface ImageIdentity {
  /** What the report calls the image (shown in findings). */
  display: string;
  /** Registry references (`nginx:1.25`, `ghcr.io/x/y:tag`), as given. */
  references: string[];
  /** Content digests (`sha256:…`) of the image manifest (repo digests) or config (image id). */
  digests: string[];
}

export interface ImportedVulnerability {
  id: string;
  /** Package name, installed and fixed version (fixed absent when no fix is known). */
  pkg: string;
  installed: string;
  fixed?: string;
  severity: Exclude<Severity, 'info'> | 'unknown';
  cvss?: number;
  title?: string;
}

export interface VulnerabilityReport {
  provenance: ImportProvenance;
  image: ImageIdentity;
  /** The workload the report is about, when the tool scanned a cluster (`trivy k8s`, Trivy Operator). */
  workload?: ResourceRef & { container?: string };
  vulnerabilities: ImportedVulnerability[];
}

export interface SbomComponent {
  name: string;
  version?: string;
  purl?: string;
  type?: string;
}

export interface SbomDocument {
  provenance: ImportProvenance;
  /** `CycloneDX 1.6`, `SPDX-2.3`. */
  spec: string;
  /** The image the SBOM describes, when it describes one. */
  image?: ImageIdentity;
  /** What the SBOM says it describes (image, directory, cluster). */
  subject: string;
  components: SbomComponent[];
}

export type PolicyOutcome = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

export interface PolicyResult {
  provenance: ImportProvenance;
  /** The tool's rule id (`KSV-0017`, `C-0057`, a Kyverno policy/rule, a Gatekeeper constraint). */
  policy: string;
  rule?: string;
  result: PolicyOutcome;
  severity?: Exclude<Severity, 'info'>;
  message: string;
  /** The resource the result is about; absent for node- or cluster-level results (CIS benchmarks). */
  resource?: ResourceRef;
  /** Field path the tool points at, when it names one (Kubescape fix paths). */
  path?: string;
  category?: string;
}

/** Everything read from one file. */
export interface ImportedFile {
  file: string;
  format: ImportFormat;
  provenance: ImportProvenance[];
  vulnerabilityReports: VulnerabilityReport[];
  sboms: SbomDocument[];
  policyResults: PolicyResult[];
  /** What the reader noticed but could not import (truncated lists, skipped objects). */
  notes: string[];
}

export function emptyImport(file: string, format: ImportFormat): ImportedFile {
  return { file, format, provenance: [], vulnerabilityReports: [], sboms: [], policyResults: [], notes: [] };
}
