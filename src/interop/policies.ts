/**
 * Other tools' policy results mapped to Annex A: through Annexa's crosswalks (Trivy KSV and
 * Kubescape C- ids listed as `equivalents` by the built-in checks; Kyverno and Gatekeeper Pod
 * Security policies through the PSS check ids), else through `interop.policies` in annexa.yaml.
 * A failing result on a resource where the mapped Annexa check also reports a problem is the same
 * problem: it joins that finding as a second source and is not counted again.
 */
import type { Check } from '../engine/check.js';
import { equivalentsIndex, primaryCheckFor } from '../checks/equivalents.js';
import type { AnnexaConfig } from '../isms/config.js';
import type { ControlRefs, Finding, FindingSource, JsonObject, Location, ResourceRef, Severity } from '../resources/types.js';
import type { PolicyResult } from './types.js';

/** Kyverno's pod-security policies (kyverno/policies pod-security/) → the upstream PSS check they enforce. */
export const KYVERNO_PSS: Readonly<Record<string, string>> = {
  'disallow-capabilities': 'capabilities_baseline',
  'disallow-host-namespaces': 'hostNamespaces',
  'disallow-host-path': 'hostPathVolumes',
  'disallow-host-ports': 'hostPorts',
  'disallow-host-process': 'windowsHostProcess',
  'disallow-privileged-containers': 'privileged',
  'disallow-proc-mount': 'procMount',
  'disallow-selinux': 'seLinuxOptions',
  'restrict-apparmor-profiles': 'appArmorProfile',
  'restrict-seccomp': 'seccompProfile_baseline',
  'restrict-sysctls': 'sysctls',
  'disallow-capabilities-strict': 'capabilities_restricted',
  'disallow-privilege-escalation': 'allowPrivilegeEscalation',
  'require-run-as-non-root-user': 'runAsUser',
  'require-run-as-nonroot': 'runAsNonRoot',
  'restrict-seccomp-strict': 'seccompProfile_restricted',
  'restrict-volume-types': 'restrictedVolumes',
};

/** Gatekeeper library pod-security constraint kinds → PSS check ids. */
export const GATEKEEPER_PSS: Readonly<Record<string, string>> = {
  K8sPSPPrivilegedContainer: 'privileged',
  K8sPSPHostNamespace: 'hostNamespaces',
  K8sPSPHostNetworkingPorts: 'hostPorts',
  K8sPSPHostFilesystem: 'hostPathVolumes',
  K8sPSPAllowPrivilegeEscalationContainer: 'allowPrivilegeEscalation',
  K8sPSPCapabilities: 'capabilities_restricted',
  K8sPSPProcMount: 'procMount',
  K8sPSPSeccomp: 'seccompProfile_baseline',
  K8sPSPSELinuxV2: 'seLinuxOptions',
  K8sPSPAppArmor: 'appArmorProfile',
  K8sPSPForbiddenSysctls: 'sysctls',
  K8sPSPVolumeTypes: 'restrictedVolumes',
};

export const UNMAPPED_RULE_ID = 'import.unmapped-policy';

export interface PolicyMapping {
  /** The Annexa check the result stands for, or an import rule id. */
  checkId: string;
  title: string;
  controls: ControlRefs;
  severity: Severity;
  remediation: string;
  how: 'crosswalk' | 'config' | 'none';
  /** Every Annexa check the result may stand for (a PSS check id is enforced by several: host network, PID, IPC). */
  candidates: string[];
}

/** The Annexa check that enforces a PSS check id: the one devoted to it, else the first listing it. */
function checkForPss(pssId: string, checks: readonly Check[]): Check | undefined {
  const listing = checks.filter((c) => c.controls.pss?.includes(pssId));
  return listing.find((c) => c.controls.pss!.length === 1) ?? listing[0];
}

function crosswalkCheck(result: PolicyResult, checks: readonly Check[]): { check: Check; candidates: string[] } | undefined {
  if (/^(?:K[SC]V-\d{4}|C-\d{4})$/.test(result.policy)) {
    const check = primaryCheckFor(result.policy, checks);
    return check ? { check, candidates: equivalentsIndex(checks).get(result.policy) ?? [check.id] } : undefined;
  }
  const bare = result.policy.includes('/') ? result.policy.slice(result.policy.lastIndexOf('/') + 1) : result.policy;
  const pss = KYVERNO_PSS[bare] ?? GATEKEEPER_PSS[bare];
  const check = pss ? checkForPss(pss, checks) : undefined;
  return check && pss ? { check, candidates: checks.filter((c) => c.controls.pss?.includes(pss)).map((c) => c.id) } : undefined;
}

export function ruleIdFor(tool: string, policy: string): string {
  const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'policy';
  return `import.${slug(tool)}.${slug(policy)}`;
}

export function mapPolicy(result: PolicyResult, checks: readonly Check[], config: AnnexaConfig): PolicyMapping {
  const crosswalk = crosswalkCheck(result, checks);
  if (crosswalk) {
    const { check, candidates } = crosswalk;
    return { checkId: check.id, title: check.title, controls: check.controls, severity: config.checks.severity[check.id] ?? check.severity, remediation: check.remediation, how: 'crosswalk', candidates };
  }
  const bare = result.policy.includes('/') ? result.policy.slice(result.policy.lastIndexOf('/') + 1) : result.policy;
  const configured = (config.interop?.policies ?? []).find((p) => (p.policy === result.policy || p.policy === bare || (result.rule !== undefined && p.policy === `${bare}/${result.rule}`))
    && (p.tool === undefined || p.tool === result.provenance.tool));
  const title = `${result.provenance.tool} policy ${result.policy}${result.rule && result.provenance.format === 'gatekeeper' ? ` (${result.rule})` : ''}`;
  if (configured) {
    return { checkId: ruleIdFor(result.provenance.tool, configured.policy), title, controls: { iso27001: [...configured.controls] }, severity: configured.severity ?? result.severity ?? 'medium', remediation: `See the ${result.provenance.tool} policy ${result.policy}.`, how: 'config', candidates: [] };
  }
  return { checkId: UNMAPPED_RULE_ID, title, controls: { iso27001: [] }, severity: result.severity ?? 'medium', remediation: `Map ${result.policy} to Annex A controls under interop.policies in annexa.yaml.`, how: 'none', candidates: [] };
}

/** `rule host-namespaces failed at path /spec/hostNetwork/` → `spec.hostNetwork`. */
export function pathOfResult(result: PolicyResult): string | undefined {
  if (result.path) return result.path;
  const match = /failed at path (\/[^\s'"]*)/.exec(result.message);
  if (!match) return undefined;
  const segments = match[1]!.split('/').filter((s) => s !== '');
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : `${i === 0 ? '' : '.'}${s}`)).join('') || undefined;
}

/** Two paths name the same problem when one is the other or lies inside it. */
export function pathsAgree(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || a === '' || b === '') return true;
  return a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);
}

function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === b || !a || !b;
}

export function sourceOf(result: PolicyResult): FindingSource {
  const p = result.provenance;
  return { tool: p.tool, ...(p.version ? { version: p.version } : {}), ...(p.reportTime ? { reportTime: p.reportTime } : {}), file: p.file, rule: result.rule && p.format !== 'gatekeeper' ? `${result.policy}/${result.rule}` : result.policy };
}

export interface PendingResult {
  result: PolicyResult;
  mapping: PolicyMapping;
  path?: string;
  merged: boolean;
}

/**
 * The failing results, indexed by mapped check and resource, waiting for Annexa's findings to
 * join; what no finding takes becomes a finding of its own (`remaining`).
 */
export class PolicyMerger {
  private readonly byKey = new Map<string, PendingResult[]>();
  /** Failing (fail, warn) results. */
  readonly pending: PendingResult[] = [];
  /** Every result with its mapping (passes are evidence the check's intent was evaluated). */
  readonly all: PendingResult[] = [];

  constructor(results: readonly PolicyResult[], checks: readonly Check[], config: AnnexaConfig) {
    for (const result of results) {
      const mapping = mapPolicy(result, checks, config);
      const path = pathOfResult(result);
      const entry: PendingResult = { result, mapping, merged: false, ...(path ? { path } : {}) };
      this.all.push(entry);
      if (result.result !== 'fail' && result.result !== 'warn') continue;
      this.pending.push(entry);
      if (!result.resource) continue;
      for (const checkId of new Set([mapping.checkId, ...mapping.candidates])) {
        const key = `${checkId}\u0000${result.resource.kind}\u0000${result.resource.name}`;
        const list = this.byKey.get(key);
        if (list) list.push(entry);
        else this.byKey.set(key, [entry]);
      }
    }
  }

  /** Results per tool and outcome, with how many joined an Annexa finding and how many no crosswalk maps. */
  summary(): JsonObject[] {
    const byTool = new Map<string, JsonObject & { results: Record<string, number>; merged: number; unmapped: number }>();
    for (const entry of this.all) {
      const tool = entry.result.provenance.tool;
      let row = byTool.get(tool);
      if (!row) byTool.set(tool, (row = { tool, results: {}, merged: 0, unmapped: 0 }));
      row.results[entry.result.result] = (row.results[entry.result.result] ?? 0) + 1;
      if (entry.merged) row.merged += 1;
      if (entry.mapping.how === 'none') row.unmapped += 1;
    }
    return [...byTool.values()];
  }

  /** Joins the imported results that report the same problem as an Annexa finding to it. */
  join(finding: Finding): void {
    for (const checkId of finding.rules ?? [finding.checkId]) {
      const candidates = this.byKey.get(`${checkId}\u0000${finding.resource.kind}\u0000${finding.resource.name}`);
      if (!candidates) continue;
      for (const entry of candidates) {
        if (!sameNamespace(entry.result.resource?.namespace, finding.resource.namespace) || !pathsAgree(entry.path, finding.path)) continue;
        finding.sources ??= [{ tool: 'annexa', rule: finding.checkId }];
        const source = sourceOf(entry.result);
        if (!finding.sources.some((s) => s.tool === source.tool && s.file === source.file && s.rule === source.rule)) finding.sources.push(source);
        entry.merged = true;
      }
    }
  }

  /** Results no Annexa finding took, as findings (one per check, resource and path; several tools join as sources). */
  remaining(locate: (ref: ResourceRef) => { location?: Location; outOfScope?: string } | undefined): Finding[] {
    const out = new Map<string, Finding>();
    for (const entry of this.pending) {
      if (entry.merged) continue;
      const { result, mapping } = entry;
      const resource: ResourceRef = result.resource ?? { apiVersion: '', kind: 'Cluster', name: result.provenance.tool };
      const path = entry.path ?? '';
      const key = `${mapping.checkId}|${resource.kind}|${resource.namespace ?? ''}|${resource.name}|${path}|${mapping.how === 'crosswalk' ? '' : result.policy}`;
      const source = sourceOf(result);
      const existing = out.get(key);
      if (existing) {
        if (!existing.sources!.some((s) => s.tool === source.tool && s.rule === source.rule && s.file === source.file)) existing.sources!.push(source);
        continue;
      }
      const found = result.resource ? locate(result.resource) : undefined;
      const finding: Finding = {
        checkId: mapping.checkId, title: mapping.title, severity: mapping.severity,
        resource: found && result.resource ? { ...result.resource, apiVersion: result.resource.apiVersion || '' } : resource,
        path, message: `${result.provenance.tool}: ${result.message}`, remediation: mapping.remediation, controls: mapping.controls,
        sources: [source],
        details: { importedResult: result.result, policy: result.policy, ...(result.rule ? { rule: result.rule } : {}), mapping: mapping.how },
      };
      if (found?.location) finding.location = found.location;
      if (found?.outOfScope !== undefined) finding.outOfScope = { reason: found.outOfScope };
      out.set(key, finding);
    }
    return [...out.values()];
  }
}
