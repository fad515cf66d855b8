/** Findings outside the ISMS scope: shown as such in every format, never counted or failing the run. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { projectRoot } from './support/paths.js';
import { configKeeping, scanInProcess, tempTree } from './support/scan-output.js';
import { sarifReporter } from '../src/report/sarif.js';
import type { ScanOutcome } from '../src/posture/outcome.js';
import type { Finding } from '../src/resources/types.js';
import { Inventory } from '../src/inventory/inventory.js';
import { makeConfig } from '../src/isms/config.js';
import { computePosture } from '../src/posture/posture.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');
const PRIVILEGED = 'workload.privileged-container';
const JUSTIFICATION = 'vendor-managed shop, covered by the supplier agreement';

describe('out-of-scope findings', () => {
  const config = configKeeping(tempTree(), [PRIVILEGED], {}, { scope: { namespaces: { exclude: [{ name: 'shop', justification: JUSTIFICATION }] } } });
  const paths = [join(fixtures, 'privileged.yaml'), join(fixtures, 'list.json')];

  it('sarif: a suppressed result with the justification', async () => {
    const { code, text } = await scanInProcess(paths, { output: 'sarif', config });
    assert.equal(code, 1, 'the in-scope finding (namespace jobs) still fails the run');
    const results = (JSON.parse(text) as { runs: Array<{ results: Array<{ suppressions?: Array<{ kind: string; justification: string }>; locations: Array<{ logicalLocations: Array<{ fullyQualifiedName: string }> }> }> }> }).runs[0]!.results;
    const web = results.find((r) => r.locations[0]!.logicalLocations[0]!.fullyQualifiedName === 'Pod/shop/web')!;
    assert.deepEqual(web.suppressions, [{ kind: 'external', justification: JUSTIFICATION }]);
    const second = results.find((r) => r.locations[0]!.logicalLocations[0]!.fullyQualifiedName === 'Pod/jobs/second')!;
    assert.equal(second.suppressions, undefined);
  });

  it('junit: skipped testcases with the justification', async () => {
    const { text } = await scanInProcess(paths, { output: 'junit', config });
    assert.match(text, /<testsuite name="[^"]*privileged\.yaml" tests="1" failures="0" errors="0" skipped="1"/);
    assert.match(text, new RegExp(`<testcase name="workload\\.privileged-container" classname="Pod/shop/web"><skipped message="out of scope: ${JUSTIFICATION}"/>`));
  });

  it('markdown and table: a separate section, not in the findings', async () => {
    const md = (await scanInProcess(paths, { output: 'markdown', config })).text;
    assert.match(md, /## Out of scope \(1 finding, not counted against controls\)/);
    assert.ok(md.includes(`| ${JUSTIFICATION} | 1 |`));
    assert.doesNotMatch(md, /### Pod\/shop\/web/);
    const table = (await scanInProcess(paths, { config })).text;
    assert.match(table, /Out of scope \(1 finding not counted against controls\)/);
    assert.doesNotMatch(table, /^Pod\/shop\/web$/m);
  });

  it('exit 0 when every finding is out of scope', async () => {
    const { code } = await scanInProcess([join(fixtures, 'privileged.yaml')], { output: 'json', config });
    assert.equal(code, 0);
  });
});

describe('sarif rules for findings of checks the run does not list', () => {
  it('builds the rule from the finding itself', () => {
    const finding: Finding = {
      checkId: 'rbac.custom-policy', title: 'Custom policy', severity: 'medium', path: 'rules[0]', message: 'too broad', remediation: 'narrow it',
      resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'wide' }, controls: { iso27001: ['A.5.15'] },
    };
    const outcome: ScanOutcome = {
      summary: { files: 0, resources: 1, skippedDocuments: 0, findings: 1, outOfScopeFindings: 0, bySeverity: { critical: 0, high: 0, medium: 1, low: 0, info: 0 } },
      evaluation: { checks: [] }, controls: computePosture({ config: makeConfig(), checks: [] }), errors: [], checks: [], inventory: new Inventory(),
    };
    let text = '';
    const reporter = sarifReporter({ write: (chunk) => { text += chunk; }, color: false, toolVersion: '1.2.3' });
    reporter.inventoryFindings?.([finding]);
    reporter.finish(outcome);
    const run = (JSON.parse(text) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }> } }; results: Array<{ level: string; locations: Array<Record<string, unknown>> }> }> }).runs[0]!;
    assert.deepEqual(run.tool.driver.rules.map((r) => [r.id, r.shortDescription.text, r.defaultConfiguration.level]), [['rbac.custom-policy', 'Custom policy', 'warning']]);
    assert.equal(run.results[0]!.level, 'warning');
    assert.equal(run.results[0]!.locations[0]!.physicalLocation, undefined, 'no file, no physical location');
  });
});
