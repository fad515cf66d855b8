/** RBAC findings on the granting rule, with related bindings, severity reasons and merged rules, in JSON and SARIF. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { scanInProcess, tempTree } from './support/scan-output.js';

const ESTATE = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: secret-reader }
rules:
  - { apiGroups: [''], resources: [configmaps], verbs: [get] }
  - { apiGroups: [''], resources: [secrets], verbs: [get, list] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: readers, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader }
subjects:
  - { kind: User, name: dave }
  - { kind: ServiceAccount, name: web, namespace: shop }
`;

interface JsonFinding {
  checkId: string; path: string; severity: string; severityReason?: string; rules?: string[];
  resource: { kind: string; name: string };
  related?: Array<{ resource: { kind: string; name: string }; path: string; location?: { file?: string; line?: number }; message: string }>;
}

describe('rbac attribution in the outputs', () => {
  const dir = tempTree({ 'rbac.yaml': ESTATE });
  const file = join(dir, 'rbac.yaml');

  it('-o json: the finding is on rules[1] of the ClusterRole (line 6), related[] names both subjects at their lines', async () => {
    const { text } = await scanInProcess([file], { output: 'json' });
    const findings = (JSON.parse(text) as { findings: JsonFinding[] }).findings.filter((f) => f.checkId === 'rbac.secrets-read');
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding!.resource.kind, 'ClusterRole');
    assert.equal(finding!.path, 'rules[1]');
    assert.equal((finding as unknown as { location: { line: number } }).location.line, 6);
    assert.deepEqual(finding!.related!.map((r) => `${r.resource.kind}/${r.resource.name} ${r.path} ${r.location?.line}`),
      ['RoleBinding/readers subjects[1] 14', 'RoleBinding/readers subjects[0] 13']);
    assert.equal(finding!.severity, 'medium');
    assert.match(finding!.severityReason ?? '', /^high → medium \(most severe grant: ServiceAccount:shop\/web in namespace shop via RoleBinding\/shop\/readers\): -1: confined to namespace shop/);
  });

  it('-o sarif: relatedLocations with physical and logical locations; severityReason in properties; the rule help lists the adjustments', async () => {
    const { text } = await scanInProcess([file], { output: 'sarif' });
    const run = (JSON.parse(text) as { runs: Array<{ results: Array<Record<string, unknown>>; tool: { driver: { rules: Array<{ id: string; help: { text: string } }> } } }> }).runs[0]!;
    const result = run.results.find((r) => r.ruleId === 'rbac.secrets-read') as {
      relatedLocations: Array<{ id: number; physicalLocation: { region: { startLine: number } }; logicalLocations: Array<{ fullyQualifiedName: string }>; message: { text: string } }>;
      properties: { severityReason?: string; path: string };
    };
    assert.equal(result.properties.path, 'rules[1]');
    assert.deepEqual(result.relatedLocations.map((r) => [r.id, r.physicalLocation.region.startLine, r.logicalLocations[0]!.fullyQualifiedName]),
      [[0, 14, 'RoleBinding/shop/readers:subjects[1]'], [1, 13, 'RoleBinding/shop/readers:subjects[0]']]);
    assert.match(result.relatedLocations[0]!.message.text, /grants ClusterRole\/secret-reader to ServiceAccount:shop\/web/);
    assert.match(result.properties.severityReason ?? '', /high → medium/);
    const rule = run.tool.driver.rules.find((r) => r.id === 'rbac.secrets-read')!;
    assert.match(rule.help.text, /Severity adjustments: .*never below high for anything granted to system:anonymous/i);
  });
});
