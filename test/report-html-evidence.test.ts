/** `annexa evidence export -o html`: the latest recorded scan of a period as the HTML report, with the store's verification. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configKeeping, runCli, tempTree } from './support/scan-output.js';

const PRIVILEGED = 'workload.privileged-container';

const HOSTILE = `apiVersion: v1
kind: Pod
metadata: { name: "p<script>alert(1)</script>", namespace: shop }
spec:
  containers:
  - name: app
    image: "evil.example/<img src=x onerror=alert(2)>:1"
    securityContext: { privileged: true }
`;

describe('evidence export -o html', () => {
  const dir = tempTree({ 'hostile.yaml': HOSTILE, 'clean.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: shop }\ndata: { k: v }\n' });
  configKeeping(dir, [PRIVILEGED], {}, { scope: { name: 'shop' }, owners: [{ control: 'A.8.9', owner: 'Platform <team>' }] });
  const run = (args: string[]) => runCli(args, { cwd: dir });

  it('without a store: exit 2, a message, no file', () => {
    const out = join(dir, 'none.html');
    const result = run(['evidence', 'export', '--store', 'empty.db', '-o', 'html', '--out', out]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /no evidence store at empty\.db/);
    assert.equal(existsSync(out), false);
  });

  it('shows the latest scan of the period, the chain verification and the records, everything escaped', () => {
    assert.equal(run(['scan', 'clean.yaml', '-q', '--store', 'annexa.db']).code, 0);
    assert.equal(run(['scan', 'hostile.yaml', '-q', '--store', 'annexa.db']).code, 1);
    const out = join(dir, 'report.html');
    const result = run(['evidence', 'export', '--store', 'annexa.db', '-o', 'html', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /wrote .*report\.html: scan record \d+ of /);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /<h2 id="evidence">Evidence<\/h2>/);
    assert.match(html, /the hash chain <span class="status status-pass">verifies<\/span>/);
    assert.equal((html.match(/<tr><td>\d+<\/td><td>scan<\/td>/g) ?? []).length, 2, 'both scan records listed');
    // The posture and findings are the second scan's: one privileged container.
    assert.match(html, /<h2 id="by-resource">[\s\S]*Pod\/shop\/p&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /container &quot;app&quot; runs privileged/);
    assert.match(html, /<td>Platform &lt;team&gt;<\/td>/, 'the owner from the recorded config');
    assert.match(html, /<h2>Document control<\/h2>/);
    assert.doesNotMatch(html, /<script|<img/i);
    const section = html.slice(html.indexOf('<h2 id="by-resource">'), html.indexOf('<h2 id="exceptions">'));
    assert.equal((section.match(/<tr><td class="sev sev-/g) ?? []).length, 1);
  });

  it('a period without a scan record: exit 2, a message, no file', () => {
    const out = join(dir, 'later.html');
    const result = run(['evidence', 'export', '--store', 'annexa.db', '-o', 'html', '--out', out, '--since', '2999-01-01']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /no scan record from 2999-01-01/);
    assert.equal(existsSync(out), false);
  });
});
