/** `annexa cluster -o html|oscal|policyreport` against the API double: the same formats as a file scan, valid. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse, parseAllDocuments } from 'yaml';
import { Fixture, manifestsOf, tempDir } from './support/kube-fixtures.js';
import { conformanceDir, projectRoot } from './support/paths.js';
import { runClusterCommand, type ClusterFlags } from '../src/cli/cluster.js';

const estateDir = join(projectRoot, 'examples', 'estate');

async function clusterRun(kubeconfig: string, flags: Partial<ClusterFlags>): Promise<{ code: number; text: string }> {
  const tmp = tempDir();
  try {
    const outputFile = join(tmp.dir, 'out');
    const code = await runClusterCommand({ kubeconfig, output: 'json', outputFile, failOn: 'never', quiet: true, pageSize: '500', requestTimeout: '10', allNamespaces: true, ...flags });
    return { code, text: readFileSync(outputFile, 'utf8') };
  } finally {
    tmp.remove();
  }
}

function crdSchema(file: string, version: string): object {
  const crd = parse(readFileSync(join(conformanceDir, 'schemas', file), 'utf8')) as { spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: object } }> } };
  return crd.spec.versions.find((v) => v.name === version)!.schema.openAPIV3Schema;
}

describe('annexa cluster: html, oscal and policyreport', () => {
  const fixture = new Fixture();
  before(() => fixture.start({ objects: manifestsOf(estateDir), controllers: true, maxPage: 2 }));
  after(() => fixture.stop());

  it('-o policyreport --policyreport-api openreports: Reports per namespace and a ClusterReport, valid', async () => {
    const { code, text } = await clusterRun(fixture.kubeconfig(), { output: 'policyreport', policyreportApi: 'openreports' });
    assert.equal(code, 0);
    const ajv = new Ajv.default({ strict: false, validateFormats: false });
    const validators = { Report: ajv.compile(crdSchema('openreports/openreports.io_reports.yaml', 'v1alpha1')), ClusterReport: ajv.compile(crdSchema('openreports/openreports.io_clusterreports.yaml', 'v1alpha1')) };
    const reports = parseAllDocuments(text).map((d) => d.toJS() as { kind: 'Report' | 'ClusterReport'; summary: { fail: number; pass: number } });
    assert.ok(reports.filter((r) => r.kind === 'Report').length >= 2);
    assert.ok(reports.some((r) => r.kind === 'ClusterReport'));
    for (const report of reports) assert.ok(validators[report.kind](report), JSON.stringify(validators[report.kind].errors));
    assert.ok(reports.some((r) => r.summary.fail > 0) && reports.some((r) => r.summary.pass > 0));
  });

  it('-o oscal validates against the official schema', async () => {
    const { text } = await clusterRun(fixture.kubeconfig(), { output: 'oscal' });
    const schema = JSON.parse(readFileSync(join(conformanceDir, 'schemas', 'oscal', '1.1.3', 'oscal_assessment-results_schema.json'), 'utf8')) as object;
    const ajv = new Ajv.default({ allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(JSON.parse(text)), JSON.stringify(validate.errors?.slice(0, 3)));
  });

  it('-o html is one page with the SoA and no network reference', async () => {
    const { text } = await clusterRun(fixture.kubeconfig(), { output: 'html' });
    assert.match(text, /^<!DOCTYPE html>/);
    for (const id of ['summary', 'posture', 'soa', 'by-control', 'by-resource']) assert.match(text, new RegExp(`<h2 id="${id}">`));
    assert.match(text, /<h2>Document control<\/h2>/);
    assert.doesNotMatch(text, /<(script|link|img|iframe)\b|\s(src|href)=|url\(/i);
  });
});
