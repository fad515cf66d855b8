// The writer as it was before the streaming rewrite (main at 6deae1d), kept unchanged as the oracle of
// test/report-streaming.test.ts: the streaming writers must give the same bytes.
/**
 * JUnit XML (the Surefire/Ant shape of the Jenkins xUnit `junit-10.xsd`) for CI test views.
 * One `<testsuite>` per input file with a `<testcase>` per resource × evaluated check and a
 * `<failure>` per finding; suites are written as each file completes. Cross-resource checks and
 * input errors get a suite each at the end.
 */
import type { Check } from '../../../src/engine/check.js';
import type { ScannedResource, ScanOutcome } from '../../../src/engine/scan.js';
import type { Finding, InputError } from '../../../src/resources/types.js';
import { formatRef } from '../../../src/resources/types.js';
import type { ReporterFactory } from '../../../src/report/reporter.js';
import { controlsText, locationText } from './table.js';
import { xmlAttributes, xmlElement } from '../../../src/report/xml.js';

interface Suite {
  name: string;
  file?: string;
  cases: string[];
  failures: number;
  errors: number;
  skipped: number;
}

function newSuite(name: string, file?: string): Suite {
  return { name, ...(file !== undefined ? { file } : {}), cases: [], failures: 0, errors: 0, skipped: 0 };
}

function suiteXml(suite: Suite): string {
  const attrs = xmlAttributes({
    name: suite.name, tests: suite.cases.length, failures: suite.failures, errors: suite.errors, skipped: suite.skipped, file: suite.file,
  });
  if (suite.cases.length === 0) return `  <testsuite${attrs}/>\n`;
  return `  <testsuite${attrs}>\n${suite.cases.map((c) => `    ${c}\n`).join('')}  </testsuite>\n`;
}

/** The failure body: everything a reader needs to find and fix the finding, one fact a line. */
export function failureText(finding: Finding): string {
  const lines = [
    `${finding.checkId}: ${finding.title} (${finding.severity})`,
    `Resource: ${formatRef(finding.resource)} (${finding.resource.apiVersion})`,
    `Path: ${finding.path}`,
  ];
  const where = locationText(finding.location, true);
  if (where) lines.push(`Location: ${where}`);
  lines.push(`Remediation: ${finding.remediation}`, `Controls: ${controlsText(finding.controls)}`);
  return lines.join('\n');
}

function testcase(name: string, classname: string, findings: readonly Finding[], skipped?: string): string {
  const open = `<testcase${xmlAttributes({ name, classname })}`;
  const children = [
    ...(skipped !== undefined ? [xmlElement('skipped', { message: skipped })] : []),
    ...findings.map((f) => xmlElement('failure', { type: f.severity, message: f.message }, failureText(f))),
  ];
  return children.length === 0 ? `${open}/>` : `${open}>${children.join('')}</testcase>`;
}

function addCase(suite: Suite, name: string, classname: string, findings: readonly Finding[], skipped?: string): void {
  suite.cases.push(testcase(name, classname, findings, skipped));
  if (skipped !== undefined) suite.skipped += 1;
  else if (findings.length > 0) suite.failures += 1;
}

function addResource(suite: Suite, scanned: ScannedResource): void {
  const classname = formatRef(scanned.ref);
  const ids = [...new Set([...scanned.evaluated, ...scanned.findings.map((f) => f.checkId)])];
  for (const id of ids) {
    const findings = scanned.findings.filter((f) => f.checkId === id);
    addCase(suite, id, classname, findings, scanned.outOfScope !== undefined ? `out of scope: ${scanned.outOfScope}` : undefined);
  }
}

function inventorySuite(checks: readonly Check[], findings: readonly Finding[], evaluated: ReadonlySet<string>): Suite {
  const suite = newSuite('cross-resource checks');
  for (const check of checks.filter((c) => c.scope === 'inventory')) {
    const own = findings.filter((f) => f.checkId === check.id);
    if (own.length === 0) {
      if (evaluated.has(check.id)) addCase(suite, check.id, 'inventory', []);
      continue;
    }
    const byResource = new Map<string, Finding[]>();
    for (const f of own) {
      const key = formatRef(f.resource);
      const list = byResource.get(key);
      if (list) list.push(f);
      else byResource.set(key, [f]);
    }
    for (const [resource, list] of byResource) {
      const outOfScope = list.every((f) => f.outOfScope) ? `out of scope: ${list[0]!.outOfScope!.reason}` : undefined;
      addCase(suite, check.id, resource, list.filter((f) => !f.outOfScope || outOfScope !== undefined), outOfScope);
    }
  }
  return suite;
}

function errorSuite(errors: readonly InputError[]): Suite {
  const suite = newSuite('input errors');
  for (const error of errors) {
    const where = locationText(error, true) || error.file;
    suite.cases.push(`<testcase${xmlAttributes({ name: where, classname: 'input' })}>${xmlElement('error', { type: 'input-error', message: error.message }, `${where}: ${error.message}`)}</testcase>`);
    suite.errors += 1;
  }
  return suite;
}

function suiteName(file: string | undefined): string {
  if (file === undefined) return 'resources';
  return file === '-' ? 'standard input' : file;
}

export const junitReporter: ReporterFactory = ({ write }) => {
  let current: Suite | undefined;
  const inventoryFindings: Finding[] = [];
  write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="annexa">\n');
  const flush = () => {
    if (current) write(suiteXml(current));
    current = undefined;
  };
  return {
    resource(scanned) {
      const file = scanned.location?.file;
      if (!current || current.file !== file) {
        flush();
        current = newSuite(suiteName(file), file);
      }
      addResource(current, scanned);
    },
    inventoryFindings(findings) {
      inventoryFindings.push(...findings);
    },
    finish(outcome: ScanOutcome) {
      flush();
      const evaluated = new Set(outcome.controls.flatMap((c) => c.checksEvaluated));
      const crossResource = inventorySuite(outcome.checks, inventoryFindings, evaluated);
      if (crossResource.cases.length > 0) write(suiteXml(crossResource));
      if (outcome.errors.length > 0) write(suiteXml(errorSuite(outcome.errors)));
      write('</testsuites>\n');
    },
  };
};
