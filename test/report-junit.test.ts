/** `-o junit`: valid against the Jenkins xUnit junit-10.xsd, one testcase per resource × check. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { conformanceDir, projectRoot } from './support/paths.js';
import { configKeeping, scanInProcess, tempTree } from './support/scan-output.js';
import { junitReporter } from '../src/report/junit.js';
import { escapeXml, escapeXmlAttribute } from '../src/report/xml.js';
import type { ScanOutcome } from '../src/posture/outcome.js';
import type { Check } from '../src/engine/check.js';
import type { Finding } from '../src/resources/types.js';
import { Inventory } from '../src/inventory/inventory.js';
import { makeConfig } from '../src/isms/config.js';
import { computePosture } from '../src/posture/posture.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');
const PRIVILEGED = 'workload.privileged-container';
const xsd = readFileSync(join(conformanceDir, 'schemas', 'junit', 'junit-10.xsd'), 'utf8');

async function assertValidJunit(xml: string): Promise<void> {
  const result = await validateXML({ xml: { fileName: 'report.xml', contents: xml }, schema: { fileName: 'junit-10.xsd', contents: xsd } });
  assert.ok(result.valid, result.errors.map((e) => e.rawMessage).join('\n'));
}

function count(xml: string, pattern: RegExp): number {
  return xml.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

describe('junit reporter', () => {
  const dir = tempTree();
  const config = configKeeping(dir, [PRIVILEGED]);

  it('the validator rejects what the XSD forbids', async () => {
    const result = await validateXML({ xml: { fileName: 'bad.xml', contents: '<testsuites><testsuite name="x"/></testsuites>' }, schema: { fileName: 'junit-10.xsd', contents: xsd } });
    assert.equal(result.valid, false, 'a testsuite without tests/failures/errors must be invalid');
  });

  it('is valid, with a testcase per resource × evaluated check and a failure per finding', async () => {
    const { code, text } = await scanInProcess([join(fixtures, 'privileged.yaml'), join(fixtures, 'clean.yaml'), join(fixtures, 'list.json')], { output: 'junit', config });
    assert.equal(code, 1);
    await assertValidJunit(text);
    assert.match(text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="annexa">/);
    assert.equal(count(text, /<testsuite /), 3, 'one suite per file');
    // privileged.yaml: the Namespace has no pod checks; the Pod has one testcase, failing.
    assert.match(text, /<testsuite name="[^"]*privileged\.yaml" tests="1" failures="1" errors="0" skipped="0"/);
    assert.match(text, /<testsuite name="[^"]*clean\.yaml" tests="1" failures="0" errors="0" skipped="0"/);
    assert.match(text, /<testsuite name="[^"]*list\.json" tests="2" failures="1"/);
    assert.match(text, /<testcase name="workload\.privileged-container" classname="Pod\/shop\/quiet"\/>/);
    const failure = /<testcase name="workload\.privileged-container" classname="Pod\/shop\/web"><failure type="critical" message="container &quot;app&quot; runs privileged">([^<]*)<\/failure><\/testcase>/.exec(text);
    assert.ok(failure, text);
    const body = failure[1]!;
    assert.match(body, /Path: spec\.containers\[0\]\.securityContext\.privileged/);
    assert.match(body, /Location: .*privileged\.yaml:17:9/);
    assert.match(body, /Remediation: .*securityContext\.privileged/);
    assert.match(body, /Controls: ISO 27001 A\.8\.2, A\.8\.9/);
  });

  it('reports input errors as <error> testcases and stays valid', async () => {
    const { code, text } = await scanInProcess([join(fixtures, 'invalid.yaml'), join(dir, 'absent.yaml')], { output: 'junit', config });
    assert.equal(code, 2);
    await assertValidJunit(text);
    assert.match(text, /<testsuite name="input errors" tests="4" failures="0" errors="4" skipped="0">/);
    assert.match(text, /<error type="input-error" message="no such file or directory">/);
    assert.match(text, /<testcase name="[^"]*invalid\.yaml:13:9" classname="input">/);
    assert.equal(count(text, /<failure /), 2, 'documents around the broken one are scanned');
  });

  it('is valid when nothing was scanned', async () => {
    const { text } = await scanInProcess([join(dir, 'absent.yaml')], { output: 'junit', config });
    await assertValidJunit(text);
  });

  it('escapes markup and drops characters XML cannot hold, in cross-resource findings too', async () => {
    const nasty = 'a <b> & "c" \'d\' \u0001\u0007 ]]> \uD800';
    const inventoryCheck = {
      id: 'rbac.test-check', title: 'Test <title>', severity: 'high', domain: 'rbac', scope: 'inventory', inputKinds: ['Role'],
      rationale: 'r', remediation: 'fix & <retry>', controls: { iso27001: ['A.5.15'] }, examples: { valid: [], invalid: [] },
      check: () => [],
    } as unknown as Check;
    const finding: Finding = {
      checkId: 'rbac.test-check', title: 'Test <title>', severity: 'high', path: 'rules[0]', message: nasty, remediation: 'fix & <retry>',
      resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', namespace: 'n"s', name: 'r<1>' },
      controls: { iso27001: ['A.5.15'] }, location: { file: 'rbac & co.yaml', line: 3, column: 1 },
    };
    const config = makeConfig();
    const evaluation = { checks: [{ check: 'rbac.test-check', resources: 1, errors: 0, findings: { high: 1 } }] };
    const outcome: ScanOutcome = {
      evaluation,
      summary: { files: 1, resources: 1, skippedDocuments: 0, findings: 1, outOfScopeFindings: 0, bySeverity: { critical: 0, high: 1, medium: 0, low: 0, info: 0 } },
      controls: computePosture({ config, checks: [inventoryCheck], evaluation }), errors: [{ file: 'x<y>.yaml', line: 2, message: 'bad & "worse"\u0000' }], checks: [inventoryCheck], inventory: new Inventory(),
    };
    let xml = '';
    const reporter = junitReporter({ write: (chunk) => { xml += chunk; }, color: false, toolVersion: '0.0.0' });
    reporter.inventoryFindings?.([finding]);
    reporter.finish(outcome);
    await assertValidJunit(xml);
    assert.match(xml, /<testsuite name="cross-resource checks" tests="1" failures="1"/);
    assert.match(xml, /classname="Role\/n&quot;s\/r&lt;1&gt;"/);
    assert.match(xml, /message="a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; \uFFFD\uFFFD \]\]&gt; \uFFFD"/);
    assert.ok(!xml.includes('\u0001') && !xml.includes('\u0000'));
  });

  it('escapes text and attributes', () => {
    assert.equal(escapeXml('<a & "b">'), '&lt;a &amp; &quot;b&quot;&gt;');
    assert.equal(escapeXmlAttribute('line1\nline2\tx'), 'line1&#10;line2&#9;x');
    assert.equal(escapeXml('\uD83D\uDE00 ok'), '\uD83D\uDE00 ok', 'surrogate pairs are kept');
  });
});
