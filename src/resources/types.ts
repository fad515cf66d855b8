/** Core value types shared by every stage of the pipeline. */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Location {
  file?: string;
  line?: number;
  column?: number;
}

export type SourceKind = 'file' | 'stdin' | 'kustomize' | 'cluster' | 'admission' | 'audit';

/** Where a resource came from, and how to find a field of it in that source. */
export interface Provenance {
  source: SourceKind;
  file?: string;
  /** 1-based line and column of the document start. */
  line?: number;
  column?: number;
  /** 0-based index of the document within its file. */
  documentIndex?: number;
  /** Path of the resource inside its document when it is an item of a `kind: List`. */
  itemPath?: Array<string | number>;
  /**
   * Positions of the resource's keys and items (see `positionTable` in sources/locate.ts), recorded
   * while its file was parsed for resources the inventory retains, so that the findings of
   * cross-resource checks are located without parsing the file again. Survives structured clone.
   */
  positions?: Int32Array;
  cluster?: string;
  resourceVersion?: string;
}

/** Framework crosswalk keys: the same names as `annexa controls --framework`. */
export interface ControlRefs {
  iso27001: string[];
  cis?: string[];
  nsa?: string[];
  'nist-800-190'?: string[];
  pss?: string[];
}

export const FRAMEWORK_KEYS = ['iso27001', 'cis', 'nsa', 'nist-800-190', 'pss'] as const;
export type FrameworkKey = (typeof FRAMEWORK_KEYS)[number];

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

export interface Resource {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The parsed document. For Secrets, data values are already redacted. */
  object: JsonObject;
  provenance: Provenance;
}

export function refOf(resource: Resource): ResourceRef {
  const ref: ResourceRef = { apiVersion: resource.apiVersion, kind: resource.kind, name: resource.name };
  if (resource.namespace !== undefined) ref.namespace = resource.namespace;
  return ref;
}

export function formatRef(ref: ResourceRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

export interface Finding {
  checkId: string;
  title: string;
  severity: Severity;
  resource: ResourceRef;
  location?: Location;
  path: string;
  message: string;
  remediation: string;
  controls: ControlRefs;
  /** Set when the resource is outside the ISMS scope (excluded namespace). */
  outOfScope?: { reason: string };
  /** Extra facts some checks attach (PSS level, RBAC reach); never secret values. */
  details?: JsonObject;
  /** Why the severity differs from the check's catalogue severity (reach, holder, …); absent when it does not. */
  severityReason?: string;
  /**
   * Every check that flags this resource and path (the finding's own `checkId` first), when several do:
   * one problem is one finding. Absent when only `checkId` flags it.
   */
  rules?: string[];
  /** Other places the finding involves (the bindings and subjects that receive an RBAC rule). */
  related?: RelatedLocation[];
  /** An active exception (annexa.yaml `exceptions`) accepts this finding: reported, not failing. */
  excepted?: ExceptionRef;
  /** The exception that covered this finding has expired: it fails again. */
  exceptionExpired?: ExceptionRef;
  /**
   * Who supplied the evidence, when other tools did (`annexa import`, `scan --with`): Annexa's own
   * check (`tool: annexa`) and each imported report that found the same problem. Absent for Annexa-only findings.
   */
  sources?: FindingSource[];
}

/** One supplier of a finding's evidence: the tool, its version, when it reported, from which file, under which rule id. */
export interface FindingSource {
  tool: string;
  version?: string;
  reportTime?: string;
  file?: string;
  /** The tool's own rule or vulnerability id. */
  rule?: string;
}

/** A place a finding involves besides its own location (SARIF relatedLocations). */
export interface RelatedLocation {
  resource: ResourceRef;
  path: string;
  location?: Location;
  message: string;
}

/** A risk acceptance as findings carry it. */
export interface ExceptionRef {
  check: string;
  justification: string;
  approvedBy: string;
  /** YYYY-MM-DD: the last day the exception applies. */
  expires: string;
  ticket?: string;
}

export interface InputError {
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** For an object the API server would reject: the offending field's path from the resource root. */
  field?: string;
}
