/**
 * Annexa's own deployment: the Kustomize base and the overlay with every optional component are
 * rendered with `kubectl kustomize` (no helm binary exists for these machines: the Helm chart is
 * checked for the rules it includes and the flags it passes, not rendered) and must pass Annexa's
 * own checks, and the restricted Pod Security level; the RBAC in deploy/ is the one generated
 * from the kinds Annexa reads; the arguments the manifests pass are options the commands accept.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { projectRoot } from './support/paths.js';
import { runCli, tempTree } from './support/scan-output.js';
import { kustomizeBuild } from '../src/sources/kustomize.js';
import { runScan } from '../src/engine/scan.js';
import { builtinChecks } from '../src/checks/index.js';
import { makeConfig } from '../src/isms/config.js';
import { deployRbacFiles, readOnlyRules } from '../src/watch/rbac.js';
import { WANTED_KINDS } from '../src/sources/cluster/discovery.js';
import { watchCommand } from '../src/cli/watch.js';
import type { Finding } from '../src/resources/types.js';

const deploy = join(projectRoot, 'deploy');

function render(dir: string): string {
  const unit = kustomizeBuild(join(deploy, 'kustomize', dir), 16 * 1024 * 1024);
  if (!('text' in unit) || unit.text === undefined) throw new Error(`kubectl kustomize ${dir} failed: ${'message' in unit ? unit.message : ''}`);
  return unit.text;
}

async function findingsOf(text: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  await runScan([{ source: 'kustomize', file: 'rendered.yaml', text }], { config: makeConfig(), checks: builtinChecks, workers: 0 }, {
    resource: (scanned) => { findings.push(...scanned.findings); },
    inventoryFindings: (list) => { findings.push(...list); },
  });
  return findings;
}

for (const dir of ['base', 'overlays/all']) {
  describe(`deploy/kustomize/${dir} rendered with kubectl kustomize`, () => {
    const text = render(dir);
    const objects = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } });

    it('passes Annexa\'s own checks: no finding above info but the image digest, which a release pins', async () => {
      const findings = await findingsOf(text);
      const left = findings.filter((f) => f.severity !== 'info' && f.checkId !== 'images.digest-pinning');
      assert.deepEqual(left.map((f) => `${f.checkId} ${f.resource.kind}/${f.resource.name} ${f.path}`), []);
      assert.ok(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'annexa-watch'));
    });

    it('is allowed at the restricted Pod Security level (annexa pss check)', () => {
      const file = join(tempTree({ 'rendered.yaml': text }), 'rendered.yaml');
      const run = runCli(['pss', 'check', file, '--level', 'restricted', '--version', 'latest', '-o', 'json']);
      const results = (JSON.parse(run.stdout) as { results: Array<{ allowed: boolean; resource: { name: string } }> }).results;
      assert.ok(results.length >= (dir === 'base' ? 1 : 4));
      assert.deepEqual(results.filter((r) => !r.allowed).map((r) => r.resource.name), []);
    });

    it('keeps every object in the annexa namespace and passes the watcher only flags annexa watch accepts', () => {
      const namespaced = objects.filter((o) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind));
      assert.deepEqual(namespaced.filter((o) => o.metadata.namespace !== 'annexa').map((o) => `${o.kind}/${o.metadata.name}`), []);
      const deployment = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec?: { template: { spec: { containers: Array<{ args: string[] }> } } } })
        .find((o) => o.kind === 'Deployment' && o.metadata.name === 'annexa-watch')!;
      const [command, ...args] = deployment.spec!.template.spec.containers[0]!.args;
      assert.equal(command, 'watch');
      const parsed = watchCommand().parseOptions(args);
      assert.deepEqual(parsed.unknown, [], 'every argument is an option of annexa watch');
      if (dir === 'overlays/all') assert.ok(args.includes('--policyreports'));
    });
  });
}

describe('the RBAC in deploy/ is the one generated from the kinds Annexa reads', () => {
  it('matches src/watch/rbac.ts (npx tsx scripts/gen-deploy-rbac.ts regenerates it)', () => {
    for (const [file, text] of deployRbacFiles()) assert.equal(readFileSync(join(projectRoot, file), 'utf8'), text, `${file} is out of date`);
  });

  it('grants get, list and watch only, on every kind the watcher reads but Secrets', () => {
    const rules = readOnlyRules();
    assert.ok(rules.every((rule) => rule.verbs.join() === 'get,list,watch'));
    const granted = new Set(rules.flatMap((rule) => rule.resources));
    assert.equal(granted.size, WANTED_KINDS.length - 1);
    assert.ok(!granted.has('secrets'));
  });

  it('the Helm chart includes the generated rule files and passes the same watch flags', () => {
    const template = readFileSync(join(deploy, 'helm', 'annexa', 'templates', 'watch.yaml'), 'utf8');
    for (const file of ['files/read-rules.yaml', 'files/secret-rules.yaml', 'files/policyreport-rules.yaml']) assert.ok(template.includes(`.Files.Get "${file}"`), file);
    const flags = [...template.matchAll(/^\s+- (--[a-z-]+)/gm)].map((m) => m[1]!);
    assert.ok(flags.length >= 6);
    const known = new Set(watchCommand().options.flatMap((o) => [o.long, o.short].filter((x): x is string => x !== undefined)));
    assert.deepEqual(flags.filter((flag) => !known.has(flag)), []);
    const values = parseAllDocuments(readFileSync(join(deploy, 'helm', 'annexa', 'values.yaml'), 'utf8'))[0]!.toJS() as { securityContext: Record<string, unknown>; podSecurityContext: Record<string, unknown> };
    assert.equal(values.securityContext.readOnlyRootFilesystem, true);
    assert.equal(values.securityContext.allowPrivilegeEscalation, false);
    assert.equal(values.podSecurityContext.runAsNonRoot, true);
  });
});
