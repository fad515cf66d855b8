/**
 * Issue 13, "no silent passes": input read as kubectl reads it (pipes to their end), nothing that
 * was not read passes the gate, errors on stderr in one format for every command, reports written
 * atomically, and no terminal control sequence from the input reaches the terminal.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binPath, projectRoot } from './support/paths.js';
import { configKeeping, runCli, tempTree } from './support/scan-output.js';
import { openOutput, problemLine, terminalSafe } from '../src/cli/io.js';
import { yaml11Integer } from '../src/sources/validate.js';
import { parseManifestText } from '../src/sources/yaml-documents.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');
const privilegedFile = join(fixtures, 'privileged.yaml');
const privilegedText = readFileSync(privilegedFile, 'utf8');
const PRIVILEGED = 'workload.privileged-container';
const ESC = '\u001b';

interface JsonReport {
  summary: { resources: number; findings: number };
  findings: Array<{ checkId: string; severity: string; resource: { name: string } }>;
  controls: unknown[];
  errors: Array<{ file: string; line?: number; column?: number; message: string; field?: string }>;
}

const configDir = tempTree();
const onlyPrivileged = configKeeping(configDir, [PRIVILEGED]);

/** Runs `annexa ARGS` in bash, so that pipes and process substitution are real pipes. */
function bashCli(script: string): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ANNEXA: `"${process.execPath}" "${binPath}"` } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('pipes and other files without a size', () => {
  const dir = tempTree({ 'pod.yaml': privilegedText, 'padded.yaml': `${'# padding\n'.repeat(200)}${privilegedText}` });
  const pod = join(dir, 'pod.yaml');

  it('cat pod.yaml | annexa scan /dev/stdin: read to its end', () => {
    const run = bashCli(`cat "${pod}" | eval "$ANNEXA" scan /dev/stdin -o json -q --config "${onlyPrivileged}"`);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.equal(report.summary.resources, 2);
    assert.deepEqual(report.findings.map((f) => `${f.checkId} ${f.resource.name}`), [`${PRIVILEGED} web`]);
    assert.equal(run.code, 1, 'the critical finding fails the gate');
  });

  it('annexa scan <(helm template …): process substitution is read to its end', () => {
    const run = bashCli(`eval "$ANNEXA" scan <(cat "${pod}") -o json -q --config "${onlyPrivileged}"`);
    assert.equal(run.code, 1, run.stderr);
    assert.equal((JSON.parse(run.stdout) as JsonReport).summary.findings, 1);
  });

  it('a pipe is cut off at --max-file-size with a clear error, not buffered without end', () => {
    const run = bashCli(`cat "${join(dir, 'padded.yaml')}" | eval "$ANNEXA" scan /dev/stdin -o json -q --max-file-size 1k --config "${onlyPrivileged}"`);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^annexa: \/dev\/stdin: input is over the 1024-byte limit \(--max-file-size\); refused$/m);
  });

  it('pss check reads a pipe given as a path the same way (one input path)', () => {
    const run = bashCli(`cat "${pod}" | eval "$ANNEXA" pss check /dev/stdin --level baseline -o json`);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as { results: Array<{ allowed: boolean }> }).results.map((r) => r.allowed), [false]);
  });
});

describe('input that yields nothing does not pass', () => {
  const dir = tempTree({
    'notes/README.md': '# not a manifest\n',
    'notes/script.sh': 'echo hi\n',
    'comments.yaml': '# nothing here\n---\n# nor here\n',
    'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 1.0.0\n',
    'chart/values.yaml': 'replicas: 2\n',
    'chart/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\nspec: {}\n{{- end }}\n',
    'other-chart/Chart.yaml': 'apiVersion: v2\nname: other\nversion: 1.0.0\n',
  });
  const empty = tempTree();

  it('an empty directory exits 2 with a message on stderr; --allow-empty accepts it', () => {
    const run = runCli(['scan', empty, '-o', 'json', '--config', onlyPrivileged]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`^annexa: ${empty}: no manifests \\(\\.yaml, \\.yml, \\.json\\) in this directory`, 'm'));
    const allowed = runCli(['scan', empty, '-o', 'json', '--allow-empty', '--config', onlyPrivileged]);
    assert.equal(allowed.code, 0);
    assert.equal(allowed.stderr, '');
  });

  it('a directory of non-YAML files exits 2', () => {
    const run = runCli(['scan', join(dir, 'notes'), '-o', 'json', '--config', onlyPrivileged]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /notes: no manifests/);
  });

  it('a file that yields no Kubernetes resource exits 2 and prints no control posture', () => {
    const run = runCli(['scan', join(dir, 'comments.yaml'), '-o', 'json', '--config', onlyPrivileged]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /comments\.yaml: no Kubernetes resources \(apiVersion and kind\) in the input; nothing was checked/);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.deepEqual(report.controls, [], 'no 93-control posture for input that was not read');
    const allowed = runCli(['scan', join(dir, 'comments.yaml'), '-o', 'json', '--allow-empty', '--config', onlyPrivileged]);
    assert.equal(allowed.code, 0);
  });

  it('an unrendered Helm chart gets one message per chart telling to render it, and no parser errors', () => {
    const run = runCli(['scan', dir, privilegedFile, '-o', 'json', '--config', onlyPrivileged]);
    assert.equal(run.code, 2);
    const lines = run.stderr.trim().split('\n');
    const charts = lines.filter((line) => /a Helm chart \(Chart\.yaml\), not rendered manifests: render it first, e\.g\. helm template NAME /.test(line));
    assert.deepEqual(charts.map((line) => line.split(': ')[1]), [join(dir, 'chart'), join(dir, 'other-chart')]);
    assert.ok(!run.stderr.includes('deployment.yaml'), 'the templates are not parsed');
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.deepEqual(report.findings.map((f) => f.resource.name), ['web'], 'the other input is still scanned');
  });
});

describe('errors on stderr, one format for every command', () => {
  const dir = tempTree({
    'broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: {a: b\n',
  });
  const broken = join(dir, 'broken.yaml');
  const expected = /^annexa: \S+broken\.yaml:\d+:\d+: .+$/m;

  for (const output of ['table', 'json', 'sarif']) {
    it(`scan -o ${output} --output-file: the input error is on stderr as annexa: FILE:LINE:COL: message`, () => {
      const out = join(tempTree(), 'report');
      const run = runCli(['scan', broken, privilegedFile, '-o', output, '--output-file', out, '--config', onlyPrivileged]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, expected);
      assert.equal(run.stdout, '');
    });
  }

  it('rbac, netpol and pss print input errors in the same format', () => {
    for (const args of [['rbac', 'who-can', 'get', 'pods', broken], ['netpol', 'coverage', broken], ['pss', 'check', broken]]) {
      const run = runCli(args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, expected, args.join(' '));
      assert.doesNotMatch(run.stdout, /broken\.yaml/, `${args.join(' ')}: input errors are not mixed into the answer on stdout`);
    }
  });

  it('a configuration error names the file and the offending key line, each line with the prefix', () => {
    const config = join(tempTree({ 'annexa.yaml': 'checks:\n  disabled:\n    - no.such-check\n    - nor.this-one\n' }), 'annexa.yaml');
    const run = runCli(['scan', privilegedFile, '--config', config]);
    assert.equal(run.code, 2);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.ok(lines.every((line) => line.startsWith(`annexa: ${config}:`)), run.stderr);
    assert.match(lines[0]!, /:3: checks\.disabled\[0\]: no built-in check has the id "no\.such-check"/);
  });

  it('problemLine gives FILE:LINE:COL as far as the position is known', () => {
    assert.equal(problemLine({ file: 'a.yaml', line: 3, column: 5, message: 'bad' }), 'annexa: a.yaml:3:5: bad\n');
    assert.equal(problemLine({ file: 'a.yaml', line: 3, message: 'bad' }), 'annexa: a.yaml:3: bad\n');
    assert.equal(problemLine({ file: 'a.yaml', message: 'bad' }), 'annexa: a.yaml: bad\n');
    assert.equal(problemLine({ file: 'dir/x', message: 'symbolic link skipped' }, 'note'), 'annexa: dir/x: note: symbolic link skipped\n');
  });
});

describe('write failures', () => {
  it('stdout on a full device: one line, exit 2, no stack trace', () => {
    const run = spawnSync('sh', ['-c', `"${process.execPath}" "${binPath}" scan "${privilegedFile}" -o json > /dev/full`], { encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.equal(run.stderr, 'annexa: cannot write standard output: no space left on device (ENOSPC)\n');
  });

  it('--output-file on a full device: one line, exit 2', () => {
    const run = runCli(['scan', privilegedFile, '-o', 'json', '--output-file', '/dev/full']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'annexa: cannot write "/dev/full": no space left on device (ENOSPC)\n');
  });

  it('a reader that stops early (| head -c 1) ends the run quietly with the exit code of the findings', () => {
    const run = spawnSync('bash', ['-c', `"${process.execPath}" "${binPath}" scan "${join(projectRoot, 'examples')}" -o json | head -c 1 > /dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    assert.equal(run.stdout.trim(), '1');
    assert.equal(run.stderr, '');
  });

  it('--output-file is replaced whole: until the report is complete the previous one stays, and no temporary file is left', () => {
    const dir = tempTree({ 'report.json': '{"previous":true}\n' });
    const target = join(dir, 'report.json');
    const output = openOutput(target);
    output.write('{"new":');
    assert.equal(readFileSync(target, 'utf8'), '{"previous":true}\n', 'readers never see a half-written report');
    output.write('true}\n');
    output.close();
    assert.equal(readFileSync(target, 'utf8'), '{"new":true}\n');
    assert.deepEqual(readdirSync(dir), ['report.json']);
  });

  it('two scans writing the same --output-file leave one complete report', async () => {
    const dir = tempTree();
    const target = join(dir, 'report.json');
    const scan = () => new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [binPath, 'scan', join(projectRoot, 'examples'), '-o', 'json', '-q', '--output-file', target], { stdio: 'ignore' });
      child.on('close', resolve);
    });
    const codes = await Promise.all([scan(), scan()]);
    assert.deepEqual(codes, [1, 1]);
    const report = JSON.parse(readFileSync(target, 'utf8')) as JsonReport;
    assert.ok(report.summary.resources > 0);
    assert.deepEqual(readdirSync(dir), ['report.json']);
  });
});

describe('terminal escape injection', () => {
  it('terminalSafe escapes C0, DEL, C1, line separators and bidirectional overrides', () => {
    assert.equal(terminalSafe(`a${ESC}]52;c;aGk=\u0007b\u009bc\u2028d\u202ee\u2066f\u007f`), 'a\\u001b]52;c;aGk=\\u0007b\\u009bc\\u2028d\\u202ee\\u2066f\\u007f');
    assert.equal(terminalSafe('plain ü 日本'), 'plain ü 日本');
  });

  const hostile = `shop${ESC}]52;c;ZWNobyBoaQ==${ESC}\\${ESC}[2J`;
  const dir = tempTree({
    'netpol.yaml': JSON.stringify({
      apiVersion: 'v1', kind: 'List', items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: hostile, namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
        { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `deny${ESC}[31m`, namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
      ],
    }),
    [`bad${ESC}[2J.yaml`]: 'a: [\n',
  });

  it('netpol coverage prints names from the input escaped', () => {
    const run = runCli(['netpol', 'coverage', join(dir, 'netpol.yaml')]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes('\\u001b]52'), 'the name is shown, escaped');
    assert.ok(!run.stdout.includes(ESC));
  });

  it('file names on stderr are escaped for rbac, netpol, pss, soa and scan', () => {
    for (const args of [['rbac', 'who-can', 'get', 'pods', dir], ['netpol', 'coverage', dir], ['pss', 'check', dir], ['soa', dir], ['scan', dir, '-o', 'json']]) {
      const run = runCli(args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /bad\\u001b\[2J\.yaml/, args.join(' '));
      assert.ok(!run.stderr.includes(ESC), `${args[0]}: no raw escape on stderr`);
    }
  });
});

describe('bounds', () => {
  it('--workers outside 0…64 is a usage error', () => {
    for (const value of ['1000', '-1', '1.5', 'x', '']) {
      const run = runCli(['scan', privilegedFile, '--workers', value]);
      assert.equal(run.code, 2, value);
      assert.match(run.stderr, /--workers must be a whole number from 0 to 64/, value);
    }
  });
});

describe('skipped special files', () => {
  it('a symbolic link inside a directory is listed as a note on stderr, not read', () => {
    const dir = tempTree({ 'pod.yaml': privilegedText });
    writeFileSync(join(dir, 'README'), 'x');
    spawnSync('ln', ['-s', privilegedFile, join(dir, 'link.yaml')]);
    const run = runCli(['scan', dir, '-o', 'json', '--config', onlyPrivileged]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `annexa: ${join(dir, 'link.yaml')}: note: symbolic link skipped: only regular files are read inside a directory\n`);
  });
});

describe('YAML 1.1 scalars in fields the API types as booleans and integers, as kubectl sends them', () => {
  const pod = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n${spec}`;
  const scanText = (name: string, text: string, keep: string[] = [PRIVILEGED, 'workload.host-network', 'workload.host-pid', 'workload.root-user']) => {
    const dir = tempTree({ [name]: text });
    const config = configKeeping(dir, keep);
    const run = runCli(['scan', join(dir, name), '-o', 'json', '-q', '--config', config]);
    return { run, report: JSON.parse(run.stdout) as JsonReport };
  };

  for (const on of ['on', 'yes', 'Y', 'ON', 'True']) {
    it(`privileged: ${on}, hostNetwork: ${on}, hostPID: ${on} are true: findings, not a pass`, () => {
      const { run, report } = scanText('yes.yaml', pod(`  hostNetwork: ${on}\n  hostPID: ${on}\n  containers:\n    - name: app\n      image: x\n      securityContext:\n        privileged: ${on}\n`));
      assert.equal(run.code, 1, run.stderr);
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.findings.map((f) => f.checkId).sort(), ['workload.host-network', 'workload.host-pid', PRIVILEGED]);
    });
  }

  it('pss check says rejected for privileged: on', () => {
    const dir = tempTree({ 'on.yaml': pod('  containers:\n    - name: app\n      image: x\n      securityContext: { privileged: on }\n') });
    const run = runCli(['pss', 'check', join(dir, 'on.yaml'), '--level', 'baseline', '-o', 'json']);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as { results: Array<{ allowed: boolean }> }).results.map((r) => r.allowed), [false]);
  });

  it('off and no are false; 0o0 and 0x0 are user 0 (root), as kubectl reads them', () => {
    const { run, report } = scanText('ints.yaml', pod('  securityContext: { runAsUser: 0x0 }\n  containers:\n    - name: app\n      image: x\n      securityContext: { privileged: off, runAsUser: 0_0 }\n'), [PRIVILEGED, 'workload.low-user-id']);
    assert.deepEqual(report.errors, [], run.stderr);
    assert.ok(!report.findings.some((f) => f.checkId === PRIVILEGED));
    assert.ok(report.findings.some((f) => f.checkId === 'workload.low-user-id'), 'user 0 is flagged');
  });

  it('a quoted "yes" where the API wants a boolean is an input error naming file, line and field', () => {
    const { run, report } = scanText('quoted.yaml', pod('  containers:\n    - name: app\n      image: x\n      securityContext:\n        privileged: "yes"\n'));
    assert.equal(run.code, 2);
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0]!.field, 'spec.containers[0].securityContext.privileged');
    assert.match(run.stderr, /^annexa: \S+quoted\.yaml:11:9: Pod shop\/p: spec\.containers\[0\]\.securityContext\.privileged: must be true or false, not a string/m);
  });

  it('a list where a name belongs, and a fractional runAsUser, are input errors', () => {
    const { run, report } = scanText('wrong.yaml', pod('  securityContext: { runAsUser: 1.5 }\n  containers:\n    - name: [a, b]\n      image: x\n'));
    assert.equal(run.code, 2);
    assert.deepEqual(report.errors.map((e) => e.field).sort(), ['spec.containers[0].name', 'spec.securityContext.runAsUser']);
  });
});

describe('structurally invalid objects are input errors, not clean resources', () => {
  for (const [what, spec] of [
    ['a sequence', '\n  - a\n  - b'],
    ['null', ' null'],
    ['a tagged set', ' !!set { a, b }'],
    ['an unknown tag', ' !foo { x: 1 }'],
    ['a python object', ' !!python/object/apply:os.system ["ls"]'],
  ] as const) {
    it(`a Pod whose spec is ${what}: exit 2 with the file, line and field`, () => {
      const dir = tempTree({ 'pod.yaml': `apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: shop }\nspec:${spec}\n` });
      const run = runCli(['scan', join(dir, 'pod.yaml'), '-o', 'json', '-q', '--config', onlyPrivileged]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /^annexa: \S+pod\.yaml:4:\d+: Pod shop\/p: spec(\.containers)?: /m);
    });
  }

  it('a Service whose spec is a list, and a Deployment without a pod template', () => {
    const dir = tempTree({ 'x.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec: [1]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec: {}\n' });
    const run = runCli(['scan', join(dir, 'x.yaml'), '-o', 'json', '-q', '--config', onlyPrivileged]);
    assert.equal(run.code, 2);
    assert.deepEqual((JSON.parse(run.stdout) as { errors: Array<{ field?: string }> }).errors.map((e) => e.field), ['spec', 'spec.template']);
  });
});

describe('templated values never reach the checks', () => {
  it('a rendered-looking file with {{ }} in names and subjects: one error per value, the object not checked', () => {
    const dir = tempTree({
      'binding.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: admins }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\nsubjects:\n  - kind: User\n    name: "{{ .Values.admin }}"\n',
      'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: "{{ .Release.Name }}", namespace: shop }\nspec:\n  containers: [{ name: app, image: x, securityContext: { privileged: true } }]\n',
    });
    const run = runCli(['rbac', 'who-can', 'get', 'secrets', join(dir, 'binding.yaml'), '-o', 'json']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /binding\.yaml:7:\d+: ClusterRoleBinding admins: subjects\[0\]\.name: an unrendered template expression/);
    // system:masters holds cluster-admin through the built-in baseline (issue 14); the templated subject is not listed.
    const listed = (JSON.parse(run.stdout) as { subjects: Array<{ name: string; via: Array<{ builtin?: true }> }> }).subjects;
    assert.deepEqual(listed.filter((s) => s.via.some((v) => !v.builtin)), [], 'the templated subject is not a user');
    const scan = runCli(['scan', join(dir, 'pod.yaml'), '-o', 'json', '-q', '--config', onlyPrivileged]);
    assert.equal(scan.code, 2);
    assert.deepEqual((JSON.parse(scan.stdout) as JsonReport).findings, []);
  });
});

describe('parse error positions point at where the construct starts', () => {
  const cases: Array<[string, string, string]> = [
    ['an unclosed flow sequence at the end of the file', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  b: c\n  a: [1, 2\n', '7:6'],
    ['an unclosed flow sequence followed by more keys', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1, [2], 3\n  b: c\n', '6:6'],
    ['an unclosed flow map', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\ndata:\n  b: c\n', '3:11'],
    ['an unclosed double quote', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x\n', '4:9'],
  ];
  for (const [what, text, position] of cases) {
    it(what, () => {
      const dir = tempTree({ 'f.yaml': text });
      const run = runCli(['scan', join(dir, 'f.yaml'), '-o', 'json', '-q']);
      assert.equal(run.code, 2);
      const first = run.stderr.split('\n')[0]!;
      assert.equal(/f\.yaml:(\d+:\d+):/.exec(first)?.[1], position, first);
      assert.ok(Number(position.split(':')[0]) <= text.split('\n').length - 1, 'a line of the file');
    });
  }
});

describe('scope and configuration that hide risk', () => {
  const estate = (excludedPrivileged: boolean) => [
    ...['a', 'b', 'c'].map((ns) => `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${ns} }\n`),
    `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: { name: agent, namespace: a }\nspec:\n  selector: { matchLabels: { app: agent } }\n  template:\n    metadata: { labels: { app: agent } }\n    spec:\n      containers: [{ name: agent, image: x, securityContext: { privileged: ${excludedPrivileged} } }]\n`,
    'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: b }\nspec:\n  containers: [{ name: app, image: x }]\n',
  ].join('---\n');
  const config = (exclude: string) => `scope:\n  namespaces:\n    exclude:\n${exclude}`;

  it('a placeholder justification is rejected with the key line', () => {
    for (const placeholder of ['"."', '"-"', 'n/a', 'TODO', 'tbd', '"..."', 'x']) {
      const dir = tempTree({ 'annexa.yaml': config(`      - { name: a, justification: ${placeholder} }\n`) });
      const run = runCli(['scan', privilegedFile, '--config', join(dir, 'annexa.yaml')]);
      assert.equal(run.code, 2, placeholder);
      assert.match(run.stderr, /annexa\.yaml:4: scope\.namespaces\.exclude\[0\]\.justification: a placeholder is not a justification/, placeholder);
    }
  });

  it('exclusions that put most resources out of scope are warned about', () => {
    const dir = tempTree({ 'estate.yaml': estate(false), 'annexa.yaml': config('      - { name: "*", justification: "everything is somebody else\'s" }\n') });
    const run = runCli(['scan', join(dir, 'estate.yaml'), '-o', 'json', '--config', join(dir, 'annexa.yaml')]);
    assert.match(run.stderr, /^annexa: \S+annexa\.yaml: warning: exclusions put 5 of 5 resources \(100%\) out of scope/m);
    const narrow = runCli(['scan', join(dir, 'estate.yaml'), '-o', 'json', '--config', configKeeping(tempTree(), [PRIVILEGED], {}, { scope: { namespaces: { exclude: [{ name: 'c', justification: 'an empty sandbox namespace' }] } } })]);
    assert.doesNotMatch(narrow.stderr, /warning/);
  });

  it('an excluded privileged DaemonSet next to in-scope workloads is warned about', () => {
    const dir = tempTree({ 'estate.yaml': estate(true), 'annexa.yaml': config('      - { name: a, justification: "vendor-managed monitoring agent" }\n') });
    const run = runCli(['scan', join(dir, 'estate.yaml'), '-o', 'json', '--config', join(dir, 'annexa.yaml')]);
    assert.match(run.stderr, /warning: DaemonSet\/a\/agent is out of scope but can control the in-scope workloads on its nodes \(privileged-container\)/);
    const unprivileged = tempTree({ 'estate.yaml': estate(false), 'annexa.yaml': config('      - { name: a, justification: "vendor-managed monitoring agent" }\n') });
    assert.doesNotMatch(runCli(['scan', join(unprivileged, 'estate.yaml'), '-o', 'json', '--config', join(unprivileged, 'annexa.yaml')]).stderr, /can control/);
  });

  it('says on stderr when ./annexa.yaml is picked up from the working directory', () => {
    const dir = tempTree({ 'annexa.yaml': 'checks:\n  disabled: [workload.privileged-container]\n' });
    const run = runCli(['scan', privilegedFile, '-o', 'json'], { cwd: dir });
    assert.match(run.stderr, new RegExp(`^annexa: ${join(dir, 'annexa.yaml')}: note: using this configuration from the working directory`, 'm'));
  });

  it('a configuration over 1 MiB or nested 600 or 5,000 deep is refused with a clear message', () => {
    const dir = tempTree({
      'big.yaml': `checks:\n  disabled: []\n${'# padding\n'.repeat(110_000)}`,
      'deep.yaml': `scope: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      'deep-block.yaml': `checks:\n${Array.from({ length: 600 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')}\n`,
    });
    const big = runCli(['scan', privilegedFile, '--config', join(dir, 'big.yaml')]);
    assert.equal(big.code, 2);
    assert.match(big.stderr, /big\.yaml: file is \d+ bytes, over the 1048576-byte limit for a configuration; refused/);
    for (const file of ['deep.yaml', 'deep-block.yaml']) {
      const deep = runCli(['scan', privilegedFile, '--config', join(dir, file)]);
      assert.equal(deep.code, 2, file);
      assert.match(deep.stderr, /nested deeper than 32 levels; refused/, file);
      assert.doesNotMatch(deep.stderr, /call stack|\n\s+at /, file);
    }
  });
});

describe('amplification: names longer than the API accepts', () => {
  it('a 1 MB metadata.name is an input error shown shortened; the table stays small', () => {
    const name = 'a'.repeat(1_000_000);
    const dir = tempTree({ 'long.yaml': `apiVersion: v1\nkind: Pod\nmetadata: { name: ${name}, namespace: shop }\nspec:\n  containers: [{ name: app, image: x, securityContext: { privileged: true } }]\n` });
    const run = runCli(['scan', join(dir, 'long.yaml'), '--config', onlyPrivileged]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /metadata\.name: is 1000000 characters, over the 253 the API server accepts; the object is not checked/);
    assert.ok(run.stdout.length + run.stderr.length < 10_000, `${run.stdout.length + run.stderr.length} bytes of output`);
  });
});

describe('CLI habits', () => {
  it('-o JSON, -o=json and --fail-on HIGH are accepted', () => {
    for (const args of [['-o', 'JSON'], ['-o=json'], ['--output=Json']]) {
      const run = runCli(['scan', privilegedFile, ...args, '--fail-on', 'HIGH', '-q', '--config', onlyPrivileged]);
      assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
      assert.equal((JSON.parse(run.stdout) as JsonReport).summary.findings, 1);
    }
    assert.equal(runCli(['pss', 'check', privilegedFile, '-o', 'JSON', '--level', 'Baseline']).code, 1);
  });

  it('annexa version and --version print the version; -v is not taken by it', () => {
    const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(runCli(['version']).stdout, `${version}\n`);
    assert.equal(runCli(['--version']).stdout, `${version}\n`);
    const v = runCli(['-v']);
    assert.equal(v.code, 2);
    assert.doesNotMatch(v.stdout, new RegExp(`^${version.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('scan -n and --severity report only the findings asked for; the posture still counts all', () => {
    const dir = tempTree({
      'two.yaml': `${privilegedText}---\napiVersion: v1\nkind: Pod\nmetadata: { name: other, namespace: jobs }\nspec:\n  containers: [{ name: app, image: x, securityContext: { privileged: true } }]\n`,
    });
    const keep = configKeeping(tempTree(), [PRIVILEGED, 'workload.host-users']);
    const all = JSON.parse(runCli(['scan', join(dir, 'two.yaml'), '-o', 'json', '-q', '--config', keep]).stdout) as JsonReport & { controls: Array<{ id: string; status: string }> };
    const shop = runCli(['scan', join(dir, 'two.yaml'), '-o', 'json', '-q', '--config', keep, '-n', 'shop']);
    const onlyShop = JSON.parse(shop.stdout) as typeof all;
    assert.deepEqual([...new Set(onlyShop.findings.map((f) => f.resource.name))], ['web']);
    assert.ok(all.findings.some((f) => f.resource.name === 'other'));
    assert.deepEqual(onlyShop.controls, all.controls, 'a filtered view never makes a control pass');
    const critical = JSON.parse(runCli(['scan', join(dir, 'two.yaml'), '-o', 'json', '-q', '--config', keep, '--severity', 'CRITICAL']).stdout) as JsonReport;
    assert.deepEqual([...new Set(critical.findings.map((f) => f.severity))], ['critical']);
    assert.ok(critical.findings.length < all.findings.length);
    const bad = runCli(['scan', privilegedFile, '--severity', 'urgent']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--severity takes a list of critical, high, medium, low, info, not "urgent"/);
  });

  it('rbac takes --config: grants through bindings of excluded namespaces are marked out of scope', () => {
    const dir = tempTree({
      'rbac.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: { name: readers, namespace: sandbox }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }\nsubjects: [{ kind: User, name: alice }]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: view }\nrules: [{ apiGroups: [""], resources: [pods], verbs: [get] }]\n',
      'annexa.yaml': 'scope:\n  namespaces:\n    exclude:\n      - { name: sandbox, justification: "throw-away sandbox without data" }\n',
    });
    const run = runCli(['rbac', 'who-can', 'get', 'pods', join(dir, 'rbac.yaml'), '-A', '-o', 'json', '--config', join(dir, 'annexa.yaml')]);
    assert.equal(run.code, 0, run.stderr);
    const answer = JSON.parse(run.stdout) as { subjects: Array<{ name: string; via: Array<{ namespace?: string; outOfScope?: string }> }> };
    assert.deepEqual(answer.subjects.map((s) => [s.name, s.via.map((v) => v.outOfScope)]),
      [['system:masters', [undefined]], ['alice', ['throw-away sandbox without data']]], 'system:masters: the built-in cluster-admin binding, in scope');
    const table = runCli(['rbac', 'who-can', 'get', 'pods', join(dir, 'rbac.yaml'), '-A', '--config', join(dir, 'annexa.yaml')]);
    assert.match(table.stdout, /User alice\s+sandbox \(out of scope\)\s+RoleBinding/);
  });

  it('rbac who-can rejects an unknown verb with the known ones, unless --allow-custom-verb', () => {
    const dir = tempTree({ 'x.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n' });
    const typo = runCli(['rbac', 'who-can', 'gte', 'pods', join(dir, 'x.yaml')]);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /"gte" is not a Kubernetes API verb; known verbs: get, list, watch, .*--allow-custom-verb/);
    assert.equal(runCli(['rbac', 'who-can', 'frobnicate', 'pods', join(dir, 'x.yaml'), '--allow-custom-verb']).code, 0);
  });

  it('checks -o markdown is a table', () => {
    const run = runCli(['checks', '-o', 'markdown']);
    assert.equal(run.code, 0);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], '| Check | Severity | Domain | ISO/IEC 27001 | Title |');
    assert.match(lines[2]!, /^\| `workload\.[a-z-]+` \| (critical|high|medium|low|info) \| workload \| /);
  });

  it('SARIF artifact URIs are relative to the repository root (git top level), wherever the scan runs; --sarif-root overrides', () => {
    const repo = tempTree({ 'deploy/app/pod.yaml': privilegedText });
    spawnSync('git', ['init', '-q', repo]);
    const uris = (cwd: string, extra: string[] = []) => {
      const run = runCli(['scan', 'pod.yaml', '-o', 'sarif', '-q', '--config', onlyPrivileged, ...extra], { cwd });
      return (JSON.parse(run.stdout) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> })
        .runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    };
    assert.deepEqual(uris(join(repo, 'deploy', 'app')), ['deploy/app/pod.yaml']);
    assert.deepEqual(uris(join(repo, 'deploy', 'app'), ['--sarif-root', '..']), ['app/pod.yaml']);
  });
});

describe('a template file given directly', () => {
  it('gets one message telling to render it, not the raw parser errors', () => {
    const dir = tempTree({
      'deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\n  labels:\n{{- include "shop.labels" . | nindent 4 }}\nspec:\n  replicas: {{ .Values.replicas }}\n',
    });
    const run = runCli(['scan', join(dir, 'deployment.yaml'), '-o', 'json', '-q', '--config', onlyPrivileged]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, `annexa: ${join(dir, 'deployment.yaml')}:4:9: an unrendered template (Helm or Go {{ … }} expressions) that does not parse as YAML: render it first, e.g. helm template NAME CHART | annexa scan -\n`);
  });
});

describe('no posture for input that yields nothing', () => {
  for (const output of ['table', 'markdown']) {
    it(`-o ${output}`, () => {
      const run = runCli(['scan', tempTree(), '-o', output, '--config', onlyPrivileged]);
      assert.equal(run.code, 2);
      assert.doesNotMatch(run.stdout, /Annex A posture/);
    });
  }
});

describe('integers as kubectl reads them (go-yaml v2: strconv.ParseInt base 0, underscores dropped)', () => {
  it('yaml11Integer', () => {
    assert.deepEqual(['0755', '0o17', '0x1F', '0b101', '1_000', '-010', '+7', '0', '42'].map(yaml11Integer), [493, 15, 31, 5, 1000, -8, 7, 0, 42]);
    // A leading zero with an 8 or 9 is no octal: go-yaml v2 falls back to the float, 8 and 8080.
    assert.deepEqual(['08', '0_8080'].map(yaml11Integer), [8, 8080]);
    assert.deepEqual(['1.5', 'x', '', '0x', '0o', '_', '0x_'].map(yaml11Integer), [undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('runAsUser: 0755 in a manifest is user 493, as the API server receives it; "0755" quoted is an error', () => {
    const manifest = 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, labels: { app: data-004 } }\nspec:\n  securityContext: { runAsUser: 0755, fsGroup: 1_000 }\n  containers:\n    - name: app\n      image: x\n      securityContext: { runAsUser: "0755" }\n';
    const parsed = parseManifestText(manifest, { source: 'file', file: 'p.yaml' });
    parsed.release();
    const spec = parsed.resources[0]!.object.spec as { securityContext: { runAsUser: number; fsGroup: number } };
    assert.deepEqual(spec.securityContext, { runAsUser: 493, fsGroup: 1000 });
    assert.deepEqual(parsed.errors.map((e) => [e.line, e.field]), [[9, 'spec.containers[0].securityContext.runAsUser']]);
  });
});
