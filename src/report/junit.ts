/**
 * JUnit XML (the Surefire/Ant shape of the Jenkins xUnit `junit-10.xsd`) for CI test views.
 * One `<testsuite>` per input file with a `<testcase>` per resource × evaluated check and a
 * `<failure>` per finding; suites are written as each file completes. Cross-resource checks and
 * input errors get a suite each at the end.
 */
import type { Check } from '../engine/check.js';
import type { ScannedResource } from '../engine/scan.js';
import type { ScanOutcome } from '../posture/outcome.js';
import type { ExceptionRef, Finding, InputError } from '../resources/types.js';
import { exceptionText } from '../engine/exceptions.js';
import { formatRef } from '../resources/types.js';
import type { ReporterFactory } from './reporter.js';
import { controlsText, locationText } from './table.js';
import { xmlAttributes, xmlElement } from './xml.js';

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

function failureXml(finding: Finding): string {
  return xmlElement('failure', { type: finding.severity, message: finding.message }, failureText(finding));
}

function testcase(name: string, classname: string, failures: readonly string[], skipped?: string): string {
  const open = `<testcase${xmlAttributes({ name, classname })}`;
  const children = [...(skipped !== undefined ? [xmlElement('skipped', { message: skipped })] : []), ...failures];
  return children.length === 0 ? `${open}/>` : `${open}>${children.join('')}</testcase>`;
}

function addCase(suite: Suite, name: string, classname: string, failures: readonly string[], skipped?: string): void {
  suite.cases.push(testcase(name, classname, failures, skipped));
  if (skipped !== undefined) suite.skipped += 1;
  else if (failures.length > 0) suite.failures += 1;
}

function addResource(suite: Suite, scanned: ScannedResource): void {
  const classname = formatRef(scanned.ref);
  const ids = [...new Set([...scanned.evaluated, ...scanned.findings.map((f) => f.checkId)])];
  for (const id of ids) {
    const own = scanned.findings.filter((f) => f.checkId === id);
    const failures = own.filter((f) => !f.excepted).map(failureXml);
    // All of the check's findings on the resource accepted by an exception: a skipped case saying so.
    const excepted = failures.length === 0 ? own.find((f) => f.excepted)?.excepted : undefined;
    addCase(suite, id, classname, failures, scanned.outOfScope !== undefined ? `out of scope: ${scanned.outOfScope}` : excepted ? `excepted: ${exceptionText(excepted)}` : undefined);
  }
}

/** The failures of one cross-resource check on one resource, rendered as they arrive. */
interface InventoryCase {
  inScope: string[];
  outOfScope: string[];
  /** Why the resource is out of scope (its first out-of-scope finding). */
  reason?: string;
  /** The exception accepting its findings, when every in-scope one is excepted. */
  excepted?: ExceptionRef;
}

/** Cross-resource failures by check and resource, kept as XML rather than as findings. */
class InventoryCases {
  private readonly byCheck = new Map<string, Map<string, InventoryCase>>();

  add(finding: Finding): void {
    let byResource = this.byCheck.get(finding.checkId);
    if (!byResource) this.byCheck.set(finding.checkId, (byResource = new Map()));
    const key = formatRef(finding.resource);
    let entry = byResource.get(key);
    if (!entry) byResource.set(key, (entry = { inScope: [], outOfScope: [] }));
    if (finding.outOfScope) {
      entry.outOfScope.push(failureXml(finding));
      entry.reason ??= finding.outOfScope.reason;
    } else if (finding.excepted) {
      entry.excepted ??= finding.excepted;
    } else {
      entry.inScope.push(failureXml(finding));
    }
  }

  suite(checks: readonly Check[], evaluated: ReadonlySet<string>): Suite {
    const suite = newSuite('cross-resource checks');
    for (const check of checks.filter((c) => c.scope === 'inventory')) {
      const byResource = this.byCheck.get(check.id);
      if (!byResource) {
        if (evaluated.has(check.id)) addCase(suite, check.id, 'inventory', []);
        continue;
      }
      for (const [resource, entry] of byResource) {
        // A resource whose findings are all out of scope is a skipped case that still shows them.
        if (entry.inScope.length === 0 && entry.excepted) addCase(suite, check.id, resource, [], `excepted: ${exceptionText(entry.excepted)}`);
        else if (entry.inScope.length === 0) addCase(suite, check.id, resource, entry.outOfScope, `out of scope: ${entry.reason!}`);
        else addCase(suite, check.id, resource, entry.inScope);
      }
    }
    this.byCheck.clear();
    return suite;
  }
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
  const inventoryCases = new InventoryCases();
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
      for (const finding of findings) inventoryCases.add(finding);
    },
    finish(outcome: ScanOutcome) {
      flush();
      const evaluated = new Set(outcome.controls.flatMap((c) => c.checksEvaluated));
      const crossResource = inventoryCases.suite(outcome.checks, evaluated);
      if (crossResource.cases.length > 0) write(suiteXml(crossResource));
      if (outcome.errors.length > 0) write(suiteXml(errorSuite(outcome.errors)));
      write('</testsuites>\n');
    },
  };
};
