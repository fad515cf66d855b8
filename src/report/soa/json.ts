/** SoA as one JSON object: framework, generated, scope (with exclusions), assessment, controls. */
import type { StatementOfApplicability } from '../../posture/soa.js';

export function soaJson(soa: StatementOfApplicability): string {
  return `${JSON.stringify(soa, null, 2)}\n`;
}
