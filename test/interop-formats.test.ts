/** src/interop readers: the third-party samples of test/conformance/interop, format detection, unsupported versions, streaming. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir, projectRoot } from './support/paths.js';
import { tempTree } from './support/scan-output.js';
import { readImportFile } from '../src/interop/read.js';
import { ImportInputError, trivyCheckId } from '../src/interop/formats/common.js';
import { digestOf, normaliseImage, referenceKeys } from '../src/interop/image-ref.js';
import { kubescapeResourceRef } from '../src/interop/formats/kubescape.js';
import { mapPolicy, pathOfResult, pathsAgree } from '../src/interop/policies.js';
import { builtinChecks } from '../src/checks/index.js';
import { makeConfig } from '../src/isms/config.js';
import type { PolicyResult } from '../src/interop/types.js';

const sample = (path: string) => join(conformanceDir, 'interop', path);
const fixture = (path: string) => join(projectRoot, 'test', 'fixtures', 'interop', path);

async function rejection(file: string): Promise<ImportInputError> {
  try {
    await readImportFile(file);
  } catch (error) {
    assert.ok(error instanceof ImportInputError, String(error));
    return error;
  }
  assert.fail(`${file} was read`);
}

describe('image references', () => {
  it('normalises Docker Hub short names, tags and digests', () => {
    assert.equal(normaliseImage('nginx')?.canonical, 'docker.io/library/nginx:latest');
    assert.equal(normaliseImage('docker.io/library/nginx:latest')?.canonical, 'docker.io/library/nginx:latest');
    assert.equal(normaliseImage('index.docker.io/bitnami/redis:7')?.canonical, 'docker.io/bitnami/redis:7');
    assert.equal(normaliseImage('localhost:5000/app')?.canonical, 'localhost:5000/app:latest');
    assert.equal(normaliseImage('ghcr.io/a/b:1.2@sha256:' + 'a'.repeat(64))?.canonical, `ghcr.io/a/b@sha256:${'a'.repeat(64)}`);
    assert.deepEqual(referenceKeys('ghcr.io/a/b:1.2@sha256:' + 'a'.repeat(64)), [`ghcr.io/a/b@sha256:${'a'.repeat(64)}`, 'ghcr.io/a/b:1.2']);
    assert.equal(normaliseImage('testdata/fixtures/images/alpine-39.tar.gz'), undefined);
    assert.equal(digestOf(`nginx@sha256:${'B'.repeat(64)}`), `sha256:${'b'.repeat(64)}`);
  });

  it('normalises the three forms of Trivy check ids', () => {
    for (const id of ['KSV001', 'KSV-0001', 'AVD-KSV-0001']) assert.equal(trivyCheckId(id), 'KSV-0001');
    assert.equal(trivyCheckId('KCV0019'), 'KCV-0019');
  });

  it('reads Kubescape resource ids of file and cluster scans', () => {
    assert.deepEqual(kubescapeResourceRef('path=966824446/api=apps/v1//Deployment/nginx-deployment'), { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx-deployment' });
    assert.deepEqual(kubescapeResourceRef('/v1/default/Pod/web'), { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'default' });
  });
});

describe('vulnerability reports (upstream samples)', () => {
  it('Trivy image golden: 6 vulnerabilities, image from RepoTags and ImageID, not the tarball path', async () => {
    const read = await readImportFile(sample('trivy/image-alpine-39.json'));
    assert.equal(read.format, 'trivy');
    const [report] = read.vulnerabilityReports;
    assert.equal(report?.vulnerabilities.length, 6);
    assert.ok(report!.image.references.includes('ghcr.io/aquasecurity/trivy-test-images:alpine-39'));
    assert.ok(report!.image.digests.includes('sha256:055936d3920576da37aa9bc460d70c5f212028bda1c08c0879aedf03d7a66ea1'));
    assert.ok(report!.vulnerabilities.every((v) => v.fixed !== undefined));
    assert.equal(report!.provenance.reportTime, '2021-08-25T12:20:30.000Z');
  });

  it('Trivy debian golden: the vulnerability without FixedVersion has no fix', async () => {
    const [report] = (await readImportFile(sample('trivy/image-debian-buster.json'))).vulnerabilityReports;
    assert.equal(report!.vulnerabilities.filter((v) => v.fixed === undefined).length, 1);
  });

  it('trivy k8s legacy EKS layout: vulnerabilities per Deployment and image, misconfigurations as KSV results', async () => {
    const read = await readImportFile(sample('trivy/k8s-cluster-legacy-eks.json'));
    const workloads = new Set(read.vulnerabilityReports.map((r) => `${r.workload?.kind}/${r.workload?.name}`));
    assert.ok(workloads.size >= 2, [...workloads].join());
    assert.ok(read.vulnerabilityReports.some((r) => r.image.references.some((ref) => ref.includes('redis:6.0.5'))));
    assert.ok(read.policyResults.length > 0 && read.policyResults.every((r) => /^K[SC]V-\d{4}$/.test(r.policy)));
  });

  it('trivy k8s current layout: cluster-scoped resources without Namespace', async () => {
    const read = await readImportFile(sample('trivy/k8s-cluster-resources-cluster-scoped.json'));
    assert.ok(read.policyResults.some((r) => r.resource?.kind === 'ClusterRole' && r.resource.namespace === undefined));
  });

  it('Grype: fix state, versions, image keyed on manifest digest when userInput is redacted', async () => {
    const real = (await readImportFile(sample('grype/grype-image-debian-real.json'))).vulnerabilityReports[0]!;
    assert.equal(real.provenance.tool, 'grype');
    assert.equal(real.provenance.version, '0.28.0');
    assert.equal(real.vulnerabilities.length, 6);
    const redacted = (await readImportFile(sample('grype/grype-image-oci-fix-available.json'))).vulnerabilityReports[0]!;
    assert.ok(!redacted.image.references.includes('REDACTED') || redacted.image.digests.length > 0);
    assert.ok(redacted.image.digests.length > 0);
    assert.equal(redacted.vulnerabilities.filter((v) => v.fixed).length, 1);
  });

  it('Trivy Operator VulnerabilityReport: image from registry and artifact, workload from labels', async () => {
    const read = await readImportFile(sample('trivy-operator/vulnerabilityreport-nginx-alpine.json'));
    const [report] = read.vulnerabilityReports;
    assert.equal(read.format, 'trivy-operator');
    assert.equal(report?.vulnerabilities.length, 41);
    assert.equal(report?.workload?.kind, 'ReplicaSet');
    assert.ok(report!.image.references[0]!.includes('nginx'));
  });
});

describe('SBOMs and policy results (upstream samples)', () => {
  it('CycloneDX 1.5/1.6 and SPDX 2.3: components per image', async () => {
    const cdx = (await readImportFile(sample('sbom/syft-image.cdx-1.6.golden.json'))).sboms[0]!;
    assert.equal(cdx.spec, 'CycloneDX 1.6');
    assert.ok(cdx.components.length > 0);
    const trivyCdx = (await readImportFile(sample('sbom/trivy-centos7-image.cdx-1.5.json'))).sboms[0]!;
    assert.equal(trivyCdx.spec, 'CycloneDX 1.5');
    assert.ok(trivyCdx.image?.digests.includes('sha256:f1cb7c7d58b73eac859c395882eec49d50651244e342cd6c68a5c7809785f427'));
    assert.ok(trivyCdx.image!.references.includes('ghcr.io/aquasecurity/trivy-test-images:centos-7'));
    assert.equal(trivyCdx.image!.display, 'ghcr.io/aquasecurity/trivy-test-images:centos-7', 'the reference, not the tarball path');
    assert.ok(trivyCdx.components.length > 0);
    const spdx = (await readImportFile(sample('sbom/syft-image.spdx-2.3.golden.json'))).sboms[0]!;
    assert.equal(spdx.spec, 'SPDX-2.3');
    assert.ok(spdx.image, 'the SPDX image root is recognised');
  });

  it('Kyverno per-resource and CLI layouts; VAP reports inside a List', async () => {
    const perResource = await readImportFile(sample('kyverno/policyreport-pod-docs.yaml'));
    assert.deepEqual(perResource.policyResults.map((r) => [r.policy, r.result, r.resource?.kind]), [['disallow-capabilities', 'pass', 'Pod'], ['disallow-host-namespaces', 'fail', 'Pod']]);
    const cli = await readImportFile(sample('kyverno/clusterpolicyreport-cli-docs.yaml'));
    assert.equal(cli.policyResults[0]?.resource?.name, 'nginx-1');
    const list = await readImportFile(sample('kyverno/policyreport-list-vap-docs.yaml'));
    assert.equal(list.policyResults.length, 2);
  });

  it('Gatekeeper: one result per listed violation, and a note when totalViolations is larger', async () => {
    const docs = await readImportFile(sample('gatekeeper/constraint-with-violations-docs.yaml'));
    assert.ok(docs.policyResults.length > 0 && docs.policyResults.every((r) => r.policy === 'K8sRequiredLabels' && r.result === 'fail'));
    const listed = await readImportFile(sample('gatekeeper/constraint-list-status-outdatedimagebases.json'));
    assert.equal(listed.policyResults.length, 4);
  });

  it('Kubescape: failed controls with their failed paths', async () => {
    const read = await readImportFile(sample('kubescape/scan-file-nginx-with-failures-v3.0.3.json'));
    const failed = read.policyResults.filter((r) => r.result === 'fail').map((r) => r.policy).sort();
    assert.deepEqual(failed, ['C-0030', 'C-0055', 'C-0260']);
    assert.equal(read.provenance[0]?.version, 'v3.0.3');
    assert.ok(read.policyResults.every((r) => r.resource?.name === 'nginx-deployment'));
  });

  it('Trivy Operator ConfigAuditReport: KSV checks of the workload', async () => {
    const read = await readImportFile(sample('trivy-operator/configauditreport-nginx-replicaset.json'));
    assert.equal(read.policyResults.length, 13);
    assert.ok(read.policyResults.every((r) => /^KSV-\d{4}$/.test(r.policy) && r.resource?.kind === 'ReplicaSet'));
  });

  it('maps results through the crosswalks: KSV and C- ids to their primary check, Kyverno PSS policies through the PSS id', () => {
    const config = makeConfig({});
    const result = (policy: string, tool = 'kubescape'): PolicyResult => ({ provenance: { tool, file: 'x', format: 'kubescape' }, policy, result: 'fail', message: '' });
    assert.equal(mapPolicy(result('C-0057'), builtinChecks, config).checkId, 'workload.privileged-container');
    assert.equal(mapPolicy(result('KSV-0017', 'trivy'), builtinChecks, config).checkId, 'workload.privileged-container');
    assert.equal(mapPolicy(result('disallow-privileged-containers', 'kyverno'), builtinChecks, config).checkId, 'workload.privileged-container');
    assert.deepEqual(mapPolicy(result('disallow-host-namespaces', 'kyverno'), builtinChecks, config).candidates.sort(), ['pss.baseline', 'workload.host-ipc', 'workload.host-network', 'workload.host-pid']);
    assert.equal(mapPolicy(result('my-own-policy', 'kyverno'), builtinChecks, config).how, 'none');
    const configured = makeConfig({ interop: { policies: [{ policy: 'my-own-policy', controls: ['A.5.9'] }] } });
    assert.deepEqual(mapPolicy(result('my-own-policy', 'kyverno'), builtinChecks, configured).controls.iso27001, ['A.5.9']);
  });

  it('reads the path of a Kyverno message and compares paths by containment', () => {
    const result: PolicyResult = { provenance: { tool: 'kyverno', file: 'x', format: 'policyreport' }, policy: 'p', result: 'fail', message: 'rule x failed at path /spec/template/spec/containers/0/securityContext/privileged/' };
    assert.equal(pathOfResult(result), 'spec.template.spec.containers[0].securityContext.privileged');
    assert.ok(pathsAgree('spec.template.spec.containers[0].securityContext', 'spec.template.spec.containers[0].securityContext.privileged'));
    assert.ok(!pathsAgree('spec.template.spec.containers[0].image', 'spec.template.spec.containers[1].image'));
  });
});

describe('input errors', () => {
  it('names the file and what was expected for unsupported schema versions', async () => {
    assert.match((await rejection(fixture('trivy-schema-v1.json'))).message, /SchemaVersion 1 is not supported \(expected 2/);
    assert.match((await rejection(fixture('cyclonedx-1.4.json'))).message, /specVersion "1\.4" is not supported \(expected 1\.5 or 1\.6/);
    assert.match((await rejection(fixture('spdx-2.2.json'))).message, /spdxVersion "SPDX-2\.2" is not supported \(expected SPDX-2\.3/);
    assert.match((await rejection(fixture('kubescape-format-v1.json'))).message, /formatVersion "v1" is not supported/);
    assert.match((await rejection(fixture('policyreport-v1alpha1.yaml'))).message, /apiVersion "wgpolicyk8s\.io\/v1alpha1" is not supported \(expected wgpolicyk8s\.io\/v1alpha2/);
  });

  it('refuses content of no known format, and names the line of broken JSON', async () => {
    const unknown = await rejection(fixture('not-a-report.json'));
    assert.match(unknown.message, /not-a-report\.json: not a report Annexa imports \(expected Trivy JSON/);
    assert.match((await rejection(sample('trivy/k8s-summary-ids.golden.json'))).message, /not a report Annexa imports/);
    const broken = await rejection(fixture('broken.json'));
    assert.match(broken.message, /not valid JSON/);
    assert.equal(broken.line, 2);
  });

  it('refuses a --format that the content contradicts', async () => {
    await assert.rejects(readImportFile(fixture('trivy-storefront.json'), { format: 'grype' }), /--format grype was given, but the content is a trivy report/);
  });

  it('reads empty results as reports without findings', async () => {
    const trivy = await readImportFile(fixture('trivy-empty-results.json'));
    assert.equal(trivy.vulnerabilityReports[0]?.vulnerabilities.length, 0);
    assert.equal((await readImportFile(fixture('policyreport-empty.yaml'))).policyResults.length, 0);
  });

  it('tolerates fields it does not know', async () => {
    const read = await readImportFile(fixture('trivy-storefront.json'));
    assert.equal(read.vulnerabilityReports[0]?.vulnerabilities.length, 3);
  });
});

describe('streaming large reports', () => {
  /** A Trivy report of `count` vulnerabilities built from the upstream golden's first one. */
  function bigTrivy(dir: string, count: number): string {
    const file = join(dir, 'big.json');
    const vulnerability = { VulnerabilityID: 'CVE-2019-1549', PkgName: 'libcrypto1.1', InstalledVersion: '1.1.1b-r1', FixedVersion: '1.1.1d-r0', Severity: 'HIGH', Description: 'x'.repeat(400) };
    const vulnerabilities = Array.from({ length: count }, (_, i) => ({ ...vulnerability, VulnerabilityID: `CVE-2019-${10000 + i}` }));
    writeFileSync(file, JSON.stringify({ SchemaVersion: 2, CreatedAt: '2026-01-01T00:00:00Z', ArtifactName: 'alpine:3.9', ArtifactType: 'container_image', Metadata: { RepoTags: ['alpine:3.9'], ImageID: `sha256:${'c'.repeat(64)}` }, Results: [{ Target: 'alpine:3.9 (alpine 3.9.4)', Class: 'os-pkgs', Vulnerabilities: vulnerabilities }, { Target: 'app', Class: 'lang-pkgs', Vulnerabilities: vulnerabilities.slice(0, 3) }] }));
    return file;
  }

  it('gives the same report streamed as parsed whole', async () => {
    const file = bigTrivy(tempTree(), 2000);
    const whole = await readImportFile(file);
    const streamed = await readImportFile(file, { streamThresholdBytes: 1 });
    assert.deepEqual(streamed.vulnerabilityReports, whole.vulnerabilityReports);
    assert.equal(streamed.vulnerabilityReports[0]?.vulnerabilities.length, 2003);
  });

  it('gives the same Grype and trivy k8s reports streamed as parsed whole', async () => {
    for (const file of [sample('grype/grype-image-debian-real.json'), sample('trivy/k8s-cluster-legacy-eks.json'), sample('trivy/k8s-cluster-resources-minikube.json')]) {
      const whole = await readImportFile(file);
      const streamed = await readImportFile(file, { streamThresholdBytes: 1 });
      assert.deepEqual(streamed.vulnerabilityReports, whole.vulnerabilityReports, file);
      assert.deepEqual(streamed.policyResults.length, whole.policyResults.length, file);
    }
  });

  it('refuses a large file of another format, naming what it streams', async () => {
    await assert.rejects(readImportFile(sample('sbom/syft-image.cdx-1.6.golden.json'), { streamThresholdBytes: 1 }), /only Trivy and Grype JSON reports are read that way/);
  });
});
