/** `-o html`: everything from input escaped, no network reference, the sections an auditor needs, written in pieces. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { generateCorpus } from '../bench/corpus.js';
import { builtinChecks } from '../src/checks/index.js';
import { runScan } from '../src/engine/scan.js';
import { makeConfig } from '../src/isms/config.js';
import { assessScan } from '../src/posture/outcome.js';
import { prepareInputs } from '../src/sources/input.js';
import { htmlReporter, barChart } from '../src/report/html.js';
import { projectRoot } from './support/paths.js';
import { scanInProcess, tempTree } from './support/scan-output.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');

const HOSTILE = `apiVersion: v1
kind: Pod
metadata:
  name: "x<script>alert(1)</script>"
  namespace: "ns\\" onerror=\\"alert(2)"
  annotations: { note: "</style><script>alert(3)</script>" }
spec:
  containers:
  - name: "c<img src=x onerror=alert(4)>"
    image: "evil.example/<script>alert(5)</script>:latest"
    securityContext: { privileged: true }
`;

const HOSTILE_CONFIG = JSON.stringify({
  scope: { name: 'Estate </style><script>alert(6)</script>', namespaces: { exclude: [{ name: 'kube-<b>system</b>', justification: '<iframe src="https://evil.example/">' }] } },
  document: { version: '1.0 <svg onload=alert(7)>', approver: 'CISO "><script>alert(8)</script>' },
  exceptions: [{ check: 'workload.cpu-limits', resource: { kind: 'Pod', namespace: 'ns" onerror="alert(2)', name: 'x<script>alert(1)</script>' }, justification: 'legacy <img src=x onerror=alert(9)>', approvedBy: 'ciso <a href="javascript:alert(10)">', expires: '2099-01-01' }],
});

/** Tags and attributes the report itself writes; anything else would have come from input. */
const TAGS = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3', 'p', 'div', 'b', 'span', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'ul', 'li', 'svg', 'text', 'rect']);
const ATTRIBUTES = new Set(['lang', 'charset', 'name', 'content', 'class', 'id', 'colspan', 'role', 'aria-label', 'width', 'height', 'viewbox', 'x', 'y', 'text-anchor', 'font-weight']);

function assertOnlyOwnMarkup(html: string): void {
  const style = html.match(/<style>([\s\S]*?)<\/style>/g) ?? [];
  assert.equal(style.length, 1, 'one style element');
  const body = html.replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  for (const tag of body.matchAll(/<\/?([a-zA-Z!][\w-]*)([^>]*)>/g)) {
    assert.ok(TAGS.has(tag[1]!.toLowerCase()), `unexpected tag ${tag[0]}`);
    for (const attribute of tag[2]!.matchAll(/\s([^\s=]+)=("[^"]*"|[^\s"]*)/g)) {
      assert.ok(ATTRIBUTES.has(attribute[1]!.toLowerCase()), `unexpected attribute ${attribute[0]} in ${tag[0]}`);
    }
  }
}

function assertNoNetwork(html: string): void {
  for (const tag of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    assert.doesNotMatch(tag[0], /\s(src|href|action|xlink:href|srcset|poster|data|style)\s*=/i, `an attribute that loads or links something: ${tag[0]}`);
  }
  const css = html.match(/<style>([\s\S]*?)<\/style>/)![1]!;
  assert.doesNotMatch(css, /url\s*\(|@import|https?:/i, 'no CSS that loads anything');
  assert.doesNotMatch(html, /<(script|link|iframe|img|object|embed|base|form)\b/i);
  // Any http(s) URL left is text (a check's or document's reference), escaped, never in markup.
  for (const match of html.matchAll(/https?:\/\//g)) {
    const before = html.slice(Math.max(0, match.index - 200), match.index);
    assert.ok(before.lastIndexOf('<') < before.lastIndexOf('>'), `URL inside a tag: ${before.slice(-60)}${match[0]}`);
  }
}

describe('-o html', () => {
  const dir = tempTree({ 'hostile.yaml': HOSTILE, 'annexa.yaml': HOSTILE_CONFIG });

  it('escapes names, namespaces, annotations, images, messages and configuration values', async () => {
    const { code, text } = await scanInProcess([join(dir, 'hostile.yaml')], { output: 'html', config: join(dir, 'annexa.yaml') });
    assert.equal(code, 1);
    assertOnlyOwnMarkup(text);
    assertNoNetwork(text);
    assert.doesNotMatch(text, /<script/i);
    // The hostile values are in the report, as text.
    assert.match(text, /x&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'resource name');
    assert.match(text, /ns&quot; onerror=&quot;alert\(2\)/, 'namespace');
    assert.match(text, /evil\.example\/&lt;script&gt;alert\(5\)&lt;\/script&gt;/, 'image in a message');
    assert.match(text, /Estate &lt;\/style&gt;&lt;script&gt;alert\(6\)&lt;\/script&gt;/, 'scope name');
    assert.match(text, /1\.0 &lt;svg onload=alert\(7\)&gt;/, 'document version');
    assert.match(text, /legacy &lt;img src=x onerror=alert\(9\)&gt;/, 'exception justification');
  });

  it('has the sections an auditor reads: summary, charts, posture by theme and control, SoA with document control, findings, exceptions, scope, errors', async () => {
    const { text } = await scanInProcess([fixtures, join(dir, 'hostile.yaml')], { output: 'html', config: join(dir, 'annexa.yaml') });
    for (const id of ['summary', 'posture', 'soa', 'by-control', 'by-resource', 'exceptions', 'scope', 'errors']) assert.match(text, new RegExp(`<h2 id="${id}">`), id);
    assert.match(text, /<svg role="img" aria-label="Findings by severity"/);
    assert.match(text, /<svg role="img" aria-label="Findings by control \(top 15\)"/);
    assert.match(text, /<h2>Document control<\/h2>/);
    assert.match(text, /<th>Approver<\/th><td>CISO &quot;&gt;&lt;script&gt;alert\(8\)&lt;\/script&gt;<\/td>/);
    assert.match(text, /Config digest|sha256:[0-9a-f]{64}/);
    assert.match(text, /annexa \d+\.\d+\.\d+ · generated \d{4}-\d\d-\d\dT/);
    assert.match(text, /<td>2099-01-01<\/td>/, 'exception expiry');
    const byControl = text.slice(text.indexOf('<h2 id="by-control">'), text.indexOf('<h2 id="by-resource">'));
    const byResource = text.slice(text.indexOf('<h2 id="by-resource">'), text.indexOf('<h2 id="exceptions">'));
    for (const section of [byControl, byResource]) assert.match(section, /class="remediation"><code>workload\.privileged-container<\/code>: /);
    // Once per resource group, not per row: the hostile Pod's group has one remediation per distinct check.
    const hostileGroup = byResource.slice(byResource.indexOf('x&lt;script&gt;alert(1)'));
    const group = hostileGroup.slice(0, hostileGroup.indexOf('<h3>') === -1 ? undefined : hostileGroup.indexOf('<h3>'));
    const checks = new Set([...group.matchAll(/<td class="sev sev-\w+">\w+<\/td><td><code>([^<]+)<\/code>/g)].map((m) => m[1]));
    assert.equal((group.match(/class="remediation"/g) ?? []).length, checks.size);
    assertOnlyOwnMarkup(text);
    assertNoNetwork(text);
  });

  it('the bar chart escapes its labels and scales to its largest value', () => {
    const svg = barChart('<b>t</b>', [{ label: '<script>', value: 10, cls: 'high' }, { label: 'b', value: 5, cls: 'low' }, { label: 'c', value: 0, cls: 'info' }]);
    assert.doesNotMatch(svg, /<script|<b>/);
    const widths = [...svg.matchAll(/<rect class="bar-\w+" x="\d+" y="\d+" width="(\d+)"/g)].map((m) => Number(m[1]));
    assert.equal(widths.length, 3);
    assert.equal(widths[1], Math.round(widths[0]! / 2));
    assert.equal(widths[2], 0);
  });

  it('streams: a large scan is written in many small pieces; every finding is in the by-resource and by-control tables', async () => {
    const corpus = join(tempTree(), 'corpus');
    generateCorpus(corpus, 2_000, 3);
    const writes: string[] = [];
    const config = makeConfig({});
    const reporter = htmlReporter({ write: (chunk) => writes.push(chunk), color: false, toolVersion: 'test' });
    const { units, errors } = prepareInputs({ paths: [corpus], kustomize: [], maxFileBytes: 2 ** 24, allowEmpty: false });
    const result = await runScan(units, { config, checks: builtinChecks, workers: 0 }, reporter, errors);
    const outcome = assessScan(result, config, builtinChecks);
    reporter.finish(outcome);
    const total = writes.reduce((n, w) => n + w.length, 0);
    const longest = Math.max(...writes.map((w) => w.length));
    assert.ok(outcome.summary.findings > 1_000, `${outcome.summary.findings} findings`);
    assert.ok(writes.length > outcome.summary.findings, `${writes.length} writes`);
    assert.ok(longest < 64 * 1024 && longest < total / 100, `longest write ${longest} of ${total}`);
    const html = writes.join('');
    const section = (id: string) => html.slice(html.indexOf(`<h2 id="${id}">`), html.indexOf('<h2 id=', html.indexOf(`<h2 id="${id}">`) + 5));
    const rows = (text: string) => (text.match(/<tr><td class="sev sev-/g) ?? []).length;
    assert.equal(rows(section('by-resource')), outcome.summary.findings);
    const controlMappings = outcome.checks.length > 0 ? rows(section('by-control')) : 0;
    assert.ok(controlMappings >= outcome.summary.findings, 'each finding under each of its controls');
    assertNoNetwork(html);
  });

  it('an empty scan still writes a whole page', async () => {
    const empty = tempTree({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: a }\ndata: { k: v }\n' });
    writeFileSync(join(empty, 'annexa.yaml'), '{}\n');
    const { code, text } = await scanInProcess([join(empty, 'cm.yaml')], { output: 'html', config: join(empty, 'annexa.yaml') });
    assert.equal(code, 0);
    assert.match(text, /^<!DOCTYPE html>/);
    assert.match(text, /<\/body><\/html>\n$/);
    assert.match(text, /<h2 id="by-resource">Findings by resource<\/h2>\n<p>No findings\.<\/p>/);
  });
});
