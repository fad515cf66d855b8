/**
 * SBOMs as asset-inventory and supply-chain evidence (A.5.9, A.5.21, A.8.28): which running images
 * have a component inventory on record, and, when annexa.yaml sets `interop.requireSbom`, a finding
 * for each in-scope container whose image has none.
 */
import type { Finding, JsonObject, Severity } from '../resources/types.js';
import type { Estate, RunningImage } from './estate.js';
import type { SbomDocument } from './types.js';

export const SBOM_RULE = {
  id: 'import.sbom-coverage',
  title: 'Running images have a software bill of materials on record',
  severity: 'medium' as Severity,
  rationale: 'An SBOM per running image is the inventory of the software assets the estate runs (A.5.9) and the record supply-chain controls (A.5.21, A.8.28) work from.',
  remediation: 'Generate an SBOM for the image (syft, trivy --format cyclonedx|spdx-json) in the build and import it with the scan.',
  controls: { iso27001: ['A.5.9', 'A.5.21', 'A.8.28'] },
};

export interface SbomCoverage {
  covered: RunningImage[];
  uncovered: RunningImage[];
  /** SBOMs of images that no scanned workload runs. */
  unmatched: SbomDocument[];
}

export function sbomCoverage(sboms: readonly SbomDocument[], estate: Estate): SbomCoverage {
  const coveredContainers = new Set<RunningImage['container']>();
  const unmatched: SbomDocument[] = [];
  for (const sbom of sboms) {
    const running = sbom.image ? estate.running(sbom.image) : [];
    if (running.length === 0) unmatched.push(sbom);
    for (const r of running) coveredContainers.add(r.container);
  }
  const all = estate.inScopeContainers();
  return { covered: all.filter((r) => coveredContainers.has(r.container)), uncovered: all.filter((r) => !coveredContainers.has(r.container)), unmatched };
}

export function sbomFindings(coverage: SbomCoverage): Finding[] {
  return coverage.uncovered.map((r) => {
    const finding: Finding = {
      checkId: SBOM_RULE.id, title: SBOM_RULE.title, severity: SBOM_RULE.severity, resource: r.workload.ref, path: r.container.path,
      message: `container "${r.container.container}" runs ${r.container.image}, which has no SBOM on record (interop.requireSbom)`,
      remediation: SBOM_RULE.remediation, controls: SBOM_RULE.controls, details: { image: r.container.image },
    };
    if (r.workload.location) finding.location = r.workload.location;
    return finding;
  });
}

/** The component inventory of one SBOM, as the JSON output and the evidence store show it. */
export function sbomInventory(sbom: SbomDocument, estate: Estate): JsonObject {
  const runningIn = sbom.image ? [...new Set(estate.running(sbom.image).map((r) => `${r.workload.ref.kind}/${r.workload.ref.namespace ? `${r.workload.ref.namespace}/` : ''}${r.workload.ref.name}`))] : [];
  return {
    file: sbom.provenance.file, spec: sbom.spec, tool: sbom.provenance.tool, subject: sbom.subject,
    ...(sbom.image ? { image: sbom.image.display } : {}),
    runningIn,
    components: sbom.components.length,
    packages: sbom.components.map((c) => ({ name: c.name, ...(c.version ? { version: c.version } : {}), ...(c.purl ? { purl: c.purl } : {}) })),
  };
}
