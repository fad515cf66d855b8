/**
 * The JSON contract (DESIGN.md §4), streamed: findings are written as they come, so memory does not
 * grow with the estate. Key order: schemaVersion, tool, findings, then summary, controls and errors.
 */
import type { Finding } from '../resources/types.js';
import type { ReporterFactory } from './reporter.js';

export const jsonReporter: ReporterFactory = ({ write, toolVersion }) => {
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
      write(`${first ? '\n' : ',\n'}${JSON.stringify(finding)}`);
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
