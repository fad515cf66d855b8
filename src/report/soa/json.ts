/** SoA as one JSON object: framework, generated, document, provenance, settings, scope, assessment, controls, conflicts. */
import type { StatementOfApplicability } from '../../posture/soa.js';

export function soaJson(soa: StatementOfApplicability): string {
  return `${JSON.stringify(soa, null, 2)}\n`;
}
