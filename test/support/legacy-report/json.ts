// The writer as it was before the streaming rewrite (main at 6deae1d), kept unchanged as the oracle of
// test/report-streaming.test.ts: the streaming writers must give the same bytes.
/**
 * The JSON contract (DESIGN.md §4), streamed: findings are written as they come, so memory does not
 * grow with the estate. Key order: schemaVersion, tool, findings, then summary, controls and errors.
 */
import type { Finding } from '../../../src/resources/types.js';
import type { ReporterFactory } from '../../../src/report/reporter.js';

type CheckField = 'title' | 'remediation' | 'controls';

/**
 * `JSON.stringify(finding)`, with the fields every finding of a check shares (title, remediation,
 * controls) serialized once per check: they are most of a finding's text.
 */
export class FindingSerializer {
  private readonly shared = new Map<string, Map<CheckField, { value: unknown; json: string }>>();
  /** The findings of one resource share its reference object (engine/evaluate.ts). */
  private lastResource: { value: unknown; json: string } = { value: undefined, json: '' };

  serialize(finding: Finding): string {
    let fields = this.shared.get(finding.checkId);
    if (!fields) this.shared.set(finding.checkId, (fields = new Map()));
    let out = '{';
    for (const key of Object.keys(finding) as Array<keyof Finding>) {
      const value = finding[key];
      if (value === undefined) continue;
      let json: string;
      if (key === 'title' || key === 'remediation' || key === 'controls') {
        const known = fields.get(key);
        if (known?.value === value) {
          json = known.json;
        } else {
          json = JSON.stringify(value);
          if (!known) fields.set(key, { value, json });
        }
      } else if (key === 'resource') {
        if (this.lastResource.value !== value) this.lastResource = { value, json: JSON.stringify(value) };
        json = this.lastResource.json;
      } else {
        json = JSON.stringify(value);
      }
      out += `${out.length > 1 ? ',' : ''}"${key}":${json}`;
    }
    return `${out}}`;
  }
}

export const jsonReporter: ReporterFactory = ({ write, toolVersion }) => {
  const serializer = new FindingSerializer();
  let first = true;
  let opened = false;
  const open = () => {
    if (opened) return;
    opened = true;
    write(`{"schemaVersion":"1","tool":${JSON.stringify({ name: 'annexa', version: toolVersion })},"findings":[`);
  };
  const emit = (findings: Finding[]) => {
    open();
    for (const finding of findings) {
      if (finding.outOfScope) continue;
      write(`${first ? '\n' : ',\n'}${serializer.serialize(finding)}`);
      first = false;
    }
  };
  const outOfScope: Finding[] = [];
  return {
    resource(scanned) {
      emit(scanned.findings);
      for (const f of scanned.findings) if (f.outOfScope) outOfScope.push(f);
    },
    inventoryFindings(findings) {
      emit(findings);
      for (const f of findings) if (f.outOfScope) outOfScope.push(f);
    },
    finish(outcome) {
      open();
      const { summary } = outcome;
      const tail = {
        summary: {
          resources: summary.resources,
          findings: summary.findings,
          bySeverity: summary.bySeverity,
          files: summary.files,
          skippedDocuments: summary.skippedDocuments,
          outOfScopeFindings: summary.outOfScopeFindings,
        },
        controls: outcome.controls.map(({ id, title, theme, status, automation, findings, checksEvaluated, justification, owner }) => ({
          id, title, theme, status, automation, findings, checks: checksEvaluated,
          ...(justification !== undefined ? { justification } : {}),
          ...(owner !== undefined ? { owner } : {}),
        })),
        outOfScope,
        errors: outcome.errors,
      };
      write(`${first ? '' : '\n'}],${JSON.stringify(tail).slice(1)}\n`);
    },
  };
};
