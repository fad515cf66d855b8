/** Secret values and credential-looking env literals never appear in any output format. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './support/paths.js';
import { scanInProcess, tempTree } from './support/scan-output.js';
import { REPORT_FORMATS } from '../src/report/index.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');

const SECRET_VALUES = [
  'c3VwZXItc2VjcmV0LWJhc2U2NC12YWx1ZQ==', // Secret data (base64)
  'super-secret-base64-value', // …and decoded
  'plain-string-data-Zx81Qw', // Secret stringData
  'hunter2-env-literal-K9', // env literal under a credential-looking name
  'AKIAIOSFODNN7EXAMPLE', // AWS key id as an env literal
  'ghp_abcdefghijklmnopqrstuvwxyz0123456789', // GitHub token as an env literal
  'tok-unterminated-Qx7', // inside a document that does not parse
];

const BROKEN_SECRET = `apiVersion: v1
kind: Secret
metadata: { name: broken, namespace: shop }
stringData:
  token: "tok-unterminated-Qx7
`;

/** Undoes the escaping of each format (Markdown backslashes, XML entities) so that an escaped leak is still caught. */
function unescaped(text: string): string {
  const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
  return text.replace(/\\(.)/g, '$1').replace(/&(amp|lt|gt|quot|apos);/g, (entity) => entities[entity]!);
}

function assertNoValues(text: string, values: readonly string[], format: string): void {
  for (const candidate of [text, unescaped(text)]) {
    for (const value of values) assert.ok(!candidate.includes(value), `${format} output contains "${value}"`);
  }
}

describe('redaction in every output format', () => {
  const dir = tempTree({ 'annexa.yaml': '{}\n', 'broken-secret.yaml': BROKEN_SECRET });
  const config = join(dir, 'annexa.yaml');
  const inputs = [join(fixtures, 'secrets.yaml'), join(dir, 'broken-secret.yaml')];

  it('catches a value even when the format escaped it', () => {
    assert.throws(() => assertNoValues('| ghp\\_token |', ['ghp_token'], 'markdown'));
    assert.throws(() => assertNoValues('message="a&amp;b"', ['a&b'], 'junit'));
  });

  it('covers every registered format', () => {
    assert.deepEqual([...REPORT_FORMATS].sort(), ['html', 'json', 'junit', 'markdown', 'oscal', 'policyreport', 'sarif', 'table']);
  });

  for (const format of REPORT_FORMATS) {
    it(`-o ${format} names keys, never values`, async () => {
      const { code, text } = await scanInProcess(inputs, { output: format, config, failOn: 'never' });
      assert.equal(code, 2, 'the broken document is an input error');
      assert.match(text, /container (\\"|&quot;|")api(\\"|&quot;|") runs privileged/, 'the workload carrying the env literals was scanned and reported');
      assertNoValues(text, SECRET_VALUES, format);
    });
  }

  it('json still reports the Secret and the workload as resources', async () => {
    const { text } = await scanInProcess(inputs, { output: 'json', config, failOn: 'never' });
    const report = JSON.parse(text) as { summary: { resources: number }; findings: Array<{ resource: { name: string } }> };
    assert.equal(report.summary.resources, 2);
    assert.ok(report.findings.some((f) => f.resource.name === 'api'));
  });

  it('a Secret inside a kind: List is redacted too', async () => {
    const list = join(dir, 'secret-list.yaml');
    writeFileSync(list, `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: { name: in-list, namespace: shop }
    stringData: { password: list-item-secret-77 }
  - apiVersion: v1
    kind: Pod
    metadata: { name: p, namespace: shop }
    spec:
      containers:
        - name: c
          image: registry.example.com/c:1
          env: [{ name: API_TOKEN, value: list-env-token-55 }]
          securityContext: { privileged: true }
`);
    for (const format of REPORT_FORMATS) {
      const { text } = await scanInProcess([list], { output: format, config, failOn: 'never' });
      assertNoValues(text, ['list-item-secret-77', 'list-env-token-55'], format);
    }
  });
});
