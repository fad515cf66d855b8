/**
 * SARIF 2.1.0 (OASIS errata 01) for code-scanning services. Results are streamed as resources are
 * scanned; the rules, tool and invocation objects follow them (key order is free in JSON), so rule
 * indexes are assigned in order of first use.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Check } from '../engine/check.js';
import type { ScanOutcome } from '../posture/outcome.js';
import type { ControlRefs, Finding, FindingSource, InputError, Location, RelatedLocation, Severity } from '../resources/types.js';
import { formatRef, severityRank } from '../resources/types.js';
import { exceptionText } from '../engine/exceptions.js';
import type { ReporterFactory } from './reporter.js';
import { controlsText, frameworkLabel } from './table.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

type SarifLevel = 'error' | 'warning' | 'note';

interface SarifMessage {
  text: string;
}

export interface SarifPhysicalLocation {
  artifactLocation: { uri: string; uriBaseId: string };
  region?: { startLine: number; startColumn?: number };
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; 'security-severity': string; severity: Severity };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: Array<{ physicalLocation?: SarifPhysicalLocation; logicalLocations: Array<{ name: string; fullyQualifiedName: string; kind: 'resource' }> }>;
  partialFingerprints: Record<string, string>;
  properties: { severity: Severity; path: string; resource: Finding['resource']; controls: ControlRefs; severityReason?: string; rules?: string[]; sources?: FindingSource[] };
  relatedLocations?: SarifRelatedLocation[];
  suppressions?: Array<{ kind: 'external'; justification: string }>;
}

export interface SarifRelatedLocation {
  id: number;
  physicalLocation?: SarifPhysicalLocation;
  logicalLocations: Array<{ name: string; fullyQualifiedName: string; kind: 'resource' }>;
  message: SarifMessage;
}

export interface SarifNotification {
  level: 'error';
  message: SarifMessage;
  descriptor: { id: string };
  locations?: Array<{ physicalLocation: SarifPhysicalLocation }>;
}

const LEVELS: Record<Severity, SarifLevel> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** GitHub code scanning reads `security-severity` as a CVSS-like score: ≥9 critical, ≥7 high, ≥4 medium, else low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export function sarifLevel(severity: Severity): SarifLevel {
  return LEVELS[severity];
}

/** A relative, percent-encoded URI for a file path as the user gave it; undefined for stdin. */
export function artifactUri(file: string, cwd = process.cwd(), root = cwd): string | undefined {
  if (file === '-' || file.startsWith('kustomize:')) return undefined;
  // Relative to the root (the repository's top level, --sarif-root), whatever directory the scan ran in.
  const path = relative(root, resolve(cwd, file)) || file;
  return path.split(sep).join('/').split('/').filter((s) => s !== '.').map(encodeURIComponent).join('/');
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * Findings in `kubectl kustomize DIR` output have lines of the built stream, not of a file in the
 * repository; code scanning still needs a file, so they point at the kustomization itself (no region).
 */
function kustomizationLocation(file: string, cwd: string, root: string): SarifPhysicalLocation | undefined {
  const dir = file.slice('kustomize:'.length);
  const found = KUSTOMIZATION_FILES.map((name) => join(dir, name)).find((path) => existsSync(isAbsolute(path) ? path : join(cwd, path)));
  const uri = found === undefined ? undefined : artifactUri(found, cwd, root);
  return uri === undefined ? undefined : { artifactLocation: { uri, uriBaseId: '%SRCROOT%' } };
}

export function physicalLocation(location: Location | undefined, cwd = process.cwd(), root = cwd): SarifPhysicalLocation | undefined {
  if (location?.file?.startsWith('kustomize:')) return kustomizationLocation(location.file, cwd, root);
  const uri = location?.file === undefined ? undefined : artifactUri(location.file, cwd, root);
  if (uri === undefined) return undefined;
  const region = location?.line === undefined ? undefined
    : { startLine: location.line, ...(location.column !== undefined ? { startColumn: location.column } : {}) };
  return { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, ...(region ? { region } : {}) };
}

/** Stable across runs and machines: the check, the resource identity and the field path. */
export function fingerprint(finding: Finding): string {
  const { apiVersion, kind, namespace, name } = finding.resource;
  const key = [finding.checkId, apiVersion, kind, namespace ?? '', name, finding.path, ...importedVulnerabilityKey(finding)].join('\u0000');
  return createHash('sha256').update(key).digest('hex');
}

/** Imported vulnerabilities of one container differ by vulnerability and package, not by path. */
function importedVulnerabilityKey(finding: Finding): string[] {
  const vulnerability = finding.details?.vulnerability;
  return typeof vulnerability === 'string' ? [vulnerability, String(finding.details?.package ?? '')] : [];
}

function pascalName(checkId: string): string {
  return checkId.split(/[.-]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

function controlTags(controls: ControlRefs): string[] {
  return Object.entries(controls).flatMap(([framework, ids]) => (ids ?? []).map((id: string) => `${framework}:${id}`));
}

function helpMarkdown(remediation: string, controls: ControlRefs, severityAdjustments?: string): string {
  const severity = severityAdjustments ? `\n\n**Severity adjustments:** ${severityAdjustments}` : '';
  const rows = Object.entries(controls)
    .filter(([, ids]) => ids && ids.length > 0)
    .map(([framework, ids]) => `| ${frameworkLabel(framework)} | ${(ids as string[]).join(', ').replace(/\|/g, '\\|')} |`);
  return `**Remediation:** ${remediation}${severity}\n\n**Controls**\n\n| Framework | Controls |\n| --- | --- |\n${rows.join('\n')}\n`;
}

interface RuleSource {
  id: string;
  title: string;
  severity: Severity;
  rationale?: string;
  remediation: string;
  controls: ControlRefs;
  domain?: string;
  severityAdjustments?: string;
}

function ruleFrom(source: RuleSource): SarifRule {
  const tags = ['security', 'compliance', ...(source.domain ? [source.domain] : []), ...controlTags(source.controls)];
  return {
    id: source.id,
    name: pascalName(source.id),
    shortDescription: { text: source.title },
    fullDescription: { text: source.rationale ?? source.title },
    help: {
      text: `${source.remediation}${source.severityAdjustments ? `\nSeverity adjustments: ${source.severityAdjustments}` : ''}\nControls: ${controlsText(source.controls)}`,
      markdown: helpMarkdown(source.remediation, source.controls, source.severityAdjustments),
    },
    defaultConfiguration: { level: sarifLevel(source.severity) },
    properties: { tags, 'security-severity': SECURITY_SEVERITY[source.severity], severity: source.severity },
  };
}

/**
 * The rule of a check, at the severity of its most severe finding in this run: that reflects
 * `checks.severity` overrides, and code scanning rates alerts by the rule's `security-severity`.
 */
function ruleSource(checks: readonly Check[], sample: Finding, severity: Severity): RuleSource {
  const check = checks.find((c) => c.id === sample.checkId);
  if (check) return { ...check, severity };
  return { id: sample.checkId, title: sample.title, severity, remediation: sample.remediation, controls: sample.controls };
}

function sarifResult(finding: Finding, ruleIndex: number, root: string): SarifResult {
  const physical = physicalLocation(finding.location, process.cwd(), root);
  const logical = { name: finding.resource.name, fullyQualifiedName: formatRef(finding.resource), kind: 'resource' as const };
  return {
    ruleId: finding.checkId,
    ruleIndex,
    level: sarifLevel(finding.severity),
    message: { text: finding.message },
    locations: [{ ...(physical ? { physicalLocation: physical } : {}), logicalLocations: [logical] }],
    partialFingerprints: { 'annexaFinding/v1': fingerprint(finding) },
    properties: {
      severity: finding.severity, path: finding.path, resource: finding.resource, controls: finding.controls,
      ...(finding.severityReason ? { severityReason: finding.severityReason } : {}),
      ...(finding.rules ? { rules: finding.rules } : {}),
      ...(finding.sources ? { sources: finding.sources } : {}),
    },
    ...(finding.related ? { relatedLocations: relatedLocations(finding.related, root) } : {}),
    ...(finding.outOfScope ? { suppressions: [{ kind: 'external' as const, justification: finding.outOfScope.reason }] } : {}),
    ...(finding.excepted ? { suppressions: [{ kind: 'external' as const, justification: exceptionText(finding.excepted) }] } : {}),
  };
}

/** The other places of a finding (the bindings granting an RBAC rule), each with its message. */
function relatedLocations(related: readonly RelatedLocation[], root: string): SarifRelatedLocation[] {
  return related.map((r, id) => {
    const physical = physicalLocation(r.location, process.cwd(), root);
    return {
      id,
      ...(physical ? { physicalLocation: physical } : {}),
      logicalLocations: [{ name: r.resource.name, fullyQualifiedName: `${formatRef(r.resource)}:${r.path}`, kind: 'resource' as const }],
      message: { text: r.message },
    };
  });
}

function notification(error: InputError, root: string): SarifNotification {
  const physical = physicalLocation(error, process.cwd(), root);
  const where = error.file === '-' ? 'standard input' : error.file;
  return {
    level: 'error',
    message: { text: `${where}: ${error.message}` },
    descriptor: { id: 'input-error' },
    ...(physical ? { locations: [{ physicalLocation: physical }] } : {}),
  };
}

export const sarifReporter: ReporterFactory = ({ write, toolVersion, root = process.cwd() }) => {
  const ruleIndexes = new Map<string, number>();
  const samples: Finding[] = [];
  const severities: Severity[] = [];
  let first = true;
  let opened = false;
  const open = () => {
    if (opened) return;
    opened = true;
    write(`{"$schema":${JSON.stringify(SARIF_SCHEMA)},"version":"2.1.0","runs":[{"results":[`);
  };
  const emit = (findings: Finding[]) => {
    open();
    for (const finding of findings) {
      let index = ruleIndexes.get(finding.checkId);
      if (index === undefined) {
        index = samples.length;
        ruleIndexes.set(finding.checkId, index);
        samples.push(finding);
        severities.push(finding.severity);
      }
      if (severityRank(finding.severity) > severityRank(severities[index]!)) severities[index] = finding.severity;
      write(`${first ? '\n' : ',\n'}${JSON.stringify(sarifResult(finding, index, root))}`);
      first = false;
    }
  };
  return {
    resource: (scanned) => emit(scanned.findings),
    inventoryFindings: (findings) => emit(findings),
    finish(outcome: ScanOutcome) {
      open();
      const rules = samples.map((sample, i) => ruleFrom(ruleSource(outcome.checks, sample, severities[i]!)));
      const tail = {
        tool: { driver: { name: 'annexa', version: toolVersion, semanticVersion: toolVersion, rules } },
        invocations: [{
          executionSuccessful: outcome.errors.length === 0,
          toolExecutionNotifications: outcome.errors.map((error) => notification(error, root)),
        }],
        columnKind: 'utf16CodeUnits',
        properties: { summary: outcome.summary },
      };
      write(`${first ? '' : '\n'}],${JSON.stringify(tail).slice(1)}]}\n`);
    },
  };
};
