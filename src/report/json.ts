/**
 * The JSON contract (DESIGN.md §4), streamed: findings are written as they come, so memory does not
 * grow with the estate. Key order: schemaVersion, tool, findings, then summary, controls and errors.
 */
import type { ControlStatus } from '../posture/posture.js';
import type { Finding } from '../resources/types.js';
import type { ReporterFactory } from './reporter.js';

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

/**
 * A control as the contract shows it: every field of the posture record (fields added to it appear
 * without a change here), with `checks` meaning the checks that ran, as it always has; the tallies
 * behind the status stay internal.
 */
function controlJson(control: ControlStatus): Record<string, unknown> {
  const { id, title, theme, status, automation, findings, checks: _mapped, checksEvaluated, checksFailed: _failed, findingsByCheck: _byCheck, ...added } = control;
  return { id, title, theme, status, automation, findings, checks: checksEvaluated, ...added };
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
      if (finding.excepted) {
        excepted.push(serializer.serialize(finding));
        continue;
      }
      write(`${first ? '\n' : ',\n'}${serializer.serialize(finding)}`);
      first = false;
    }
  };
  // Out-of-scope and excepted findings follow the summary: kept serialized, not as objects.
  const outOfScope: string[] = [];
  const excepted: string[] = [];
  const keepOutOfScope = (findings: Finding[]) => {
    for (const f of findings) if (f.outOfScope) outOfScope.push(serializer.serialize(f));
  };
  return {
    resource(scanned) {
      emit(scanned.findings);
      keepOutOfScope(scanned.findings);
    },
    inventoryFindings(findings) {
      emit(findings);
      keepOutOfScope(findings);
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
          exceptedFindings: summary.exceptedFindings ?? 0,
        },
        controls: outcome.controls.map(controlJson),
      };
      const notices = (outcome.exceptionNotices ?? []).map(({ status, days, message, exception }) => ({ status, days, message, exception }));
      write(`${first ? '' : '\n'}],${JSON.stringify(tail).slice(1, -1)},"outOfScope":[${outOfScope.join(',')}],"excepted":[${excepted.join(',')}]`
        + `,"exceptionNotices":${JSON.stringify(notices)},"errors":${JSON.stringify(outcome.errors)},"evaluation":${JSON.stringify(outcome.evaluation)}${outcome.coverage !== undefined ? `,"coverage":${JSON.stringify(outcome.coverage)}` : ''}`
        + `${outcome.imports !== undefined ? `,"imports":${JSON.stringify(outcome.imports)}` : ''}}\n`);
      outOfScope.length = 0;
      excepted.length = 0;
    },
  };
};
