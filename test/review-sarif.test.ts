/**
 * Review regression: namespace-level findings about a namespace the input does not declare (the
 * usual case: manifests rarely carry their Namespace objects) had no file, so their SARIF results
 * carried only a logical location, and GitHub code scanning rejects the whole upload when any
 * result lacks a physical location. Every result of a file scan now has one.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { scanInProcess, tempTree } from './support/scan-output.js';

const UNDECLARED_NAMESPACE = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: registry.example.com/web:1 }] }
`;

describe('SARIF results always carry a physical location for file input', () => {
  it('including namespace findings for a namespace with no Namespace manifest', async () => {
    const dir = tempTree({ 'annexa.yaml': '{}\n', 'web.yaml': UNDECLARED_NAMESPACE });
    const { text } = await scanInProcess([join(dir, 'web.yaml')], { output: 'sarif', config: join(dir, 'annexa.yaml'), failOn: 'never' });
    const results = JSON.parse(text).runs[0].results as Array<{ ruleId: string; locations: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }> }>;
    const namespaceLevel = results.filter((r) => r.ruleId === 'network.default-deny-ingress');
    assert.equal(namespaceLevel.length, 1, 'the namespace finding is reported');
    for (const result of results) {
      const physical = result.locations[0]?.physicalLocation;
      assert.ok(physical, `${result.ruleId} has no physical location`);
      assert.match(physical.artifactLocation.uri, /web\.yaml$/);
      assert.ok((physical.region?.startLine ?? 0) >= 1, `${result.ruleId} has no line`);
    }
  });
});
