/** The Pod Security evaluator beyond the upstream fixtures: wording, version history, overrides, paths, labels. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import {
  checksFor, evaluatePod, evaluateTemplate, namespacePolicy, parsePolicyVersion, policyVersionOrLatest, rejectionMessage,
  LATEST, NEWEST_POLICY_MINOR, PSS_CHECK_IDS, type PssLevel,
} from '../src/pss/index.js';
import type { JsonObject } from '../src/resources/types.js';
import { podTemplateOf } from '../src/resources/workloads.js';
import { parseResources } from './support/run-checks.js';

function pod(yaml: string): { spec: JsonObject; metadata: JsonObject } {
  const doc = parse(yaml) as JsonObject;
  return { spec: (doc.spec ?? {}) as JsonObject, metadata: (doc.metadata ?? {}) as JsonObject };
}

function at(level: PssLevel, version: string) {
  const parsed = parsePolicyVersion(version);
  assert.ok(parsed, version);
  return { level, version: parsed };
}

function checkIds(level: PssLevel, minor: number): string[] {
  return checksFor(level, minor).map((c) => c.id);
}

const RESTRICTED_OK = `
spec:
  securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
  containers:
    - name: app
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }`;

describe('policy versions', () => {
  it('parses latest and v1.N like upstream', () => {
    assert.deepEqual(parsePolicyVersion('latest'), LATEST);
    assert.deepEqual(parsePolicyVersion('v1.0'), { latest: false, minor: 0 });
    assert.deepEqual(parsePolicyVersion('v1.30'), { latest: false, minor: 30 });
    for (const bad of ['1.30', 'v1.030', 'v2.0', 'v1', 'Latest', 'v1.30.1', '']) assert.equal(parsePolicyVersion(bad), undefined, bad);
  });

  it('treats an invalid version as latest and a future version as the newest policy', () => {
    assert.deepEqual(policyVersionOrLatest('v1.3x'), LATEST);
    const future = evaluatePod(pod(RESTRICTED_OK), at('restricted', 'v1.99'));
    assert.equal(future.version, 'v1.99');
    assert.equal(future.effectiveVersion, `v1.${NEWEST_POLICY_MINOR}`);
  });
});

describe('which checks run', () => {
  it('covers every upstream check id', () => {
    assert.deepEqual([...PSS_CHECK_IDS].sort(), [
      'allowPrivilegeEscalation', 'appArmorProfile', 'capabilities_baseline', 'capabilities_restricted', 'hostNamespaces',
      'hostPathVolumes', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'procMount', 'procMount_restricted',
      'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'sysctls', 'seLinuxOptions', 'seccompProfile_baseline',
      'seccompProfile_restricted', 'windowsHostProcess',
    ].sort());
  });

  it('privileged runs nothing; baseline gains hostProbesAndHostLifecycle at v1.34', () => {
    assert.deepEqual(checkIds('privileged', 37), []);
    assert.ok(!checkIds('baseline', 33).includes('hostProbesAndHostLifecycle'));
    assert.ok(checkIds('baseline', 34).includes('hostProbesAndHostLifecycle'));
    assert.ok(checkIds('baseline', 37).every((id) => !['runAsNonRoot', 'restrictedVolumes'].includes(id)));
  });

  it('restricted checks replace the baseline checks they override, from their first version', () => {
    const v1Dot0 = checkIds('restricted', 0);
    assert.ok(v1Dot0.includes('capabilities_baseline') && v1Dot0.includes('seccompProfile_baseline'));
    assert.ok(!v1Dot0.includes('hostPathVolumes') && v1Dot0.includes('restrictedVolumes'));
    assert.ok(!v1Dot0.includes('allowPrivilegeEscalation') && !v1Dot0.includes('runAsUser'));
    const v1Dot22 = checkIds('restricted', 22);
    assert.ok(!v1Dot22.includes('capabilities_baseline') && v1Dot22.includes('capabilities_restricted'));
    assert.ok(!v1Dot22.includes('seccompProfile_baseline') && v1Dot22.includes('seccompProfile_restricted'));
    assert.ok(checkIds('restricted', 34).includes('procMount'));
    const v1Dot35 = checkIds('restricted', 35);
    assert.ok(!v1Dot35.includes('procMount') && v1Dot35.includes('procMount_restricted'));
  });
});

describe('upstream wording', () => {
  it('renders a restricted rejection as upstream does', () => {
    const result = evaluatePod(pod(`
spec:
  hostNetwork: true
  initContainers:
    - name: init
      securityContext: { runAsUser: 0, capabilities: { add: [SYS_ADMIN, NET_BIND_SERVICE] } }
  containers:
    - name: app
      ports: [{ containerPort: 80, hostPort: 8080 }]
    - name: side
      securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: false, capabilities: { drop: [ALL] } }
  volumes:
    - name: docker
      hostPath: { path: /var/run/docker.sock }`), at('restricted', 'latest'));
    assert.equal(result.allowed, false);
    assert.equal(rejectionMessage(result), 'violates PodSecurity "restricted:latest": '
      + 'host namespaces (hostNetwork=true), '
      + 'hostPort (container "app" uses hostPort 8080), '
      + 'allowPrivilegeEscalation != false (containers "init", "app" must set securityContext.allowPrivilegeEscalation=false), '
      + 'unrestricted capabilities (containers "init", "app" must set securityContext.capabilities.drop=["ALL"]; '
      + 'container "init" must not include "SYS_ADMIN" in securityContext.capabilities.add), '
      + 'restricted volume types (volume "docker" uses restricted volume type "hostPath"), '
      + 'runAsNonRoot != true (container "side" must not set securityContext.runAsNonRoot=false), '
      + 'runAsUser=0 (container "init" must not set runAsUser=0), '
      + 'seccompProfile (pod or containers "init", "app", "side" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
  });

  it('renders baseline checks with pod and container setters', () => {
    const result = evaluatePod(pod(`
metadata:
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
spec:
  securityContext:
    seLinuxOptions: { type: spc_t, user: root }
    seccompProfile: { type: Unconfined }
    windowsOptions: { hostProcess: true }
    sysctls: [{ name: kernel.msgmax, value: "1" }, { name: net.ipv4.tcp_syncookies, value: "1" }]
  containers:
    - name: app
      securityContext: { privileged: true, procMount: Unmasked, capabilities: { add: [NET_RAW] } }
      livenessProbe: { httpGet: { host: 10.0.0.1, port: 80 } }`), at('baseline', 'v1.37'));
    const byCheck = Object.fromEntries(result.violations.map((v) => [v.check, `${v.reason} (${v.detail})`]));
    assert.deepEqual(byCheck, {
      appArmorProfile: 'forbidden AppArmor profile (annotation must not set AppArmor profile type to container.apparmor.security.beta.kubernetes.io/app="unconfined")',
      capabilities_baseline: 'non-default capabilities (container "app" must not include "NET_RAW" in securityContext.capabilities.add)',
      hostProbesAndHostLifecycle: 'probe or lifecycle host (container "app" uses probe or lifecycle host "10.0.0.1")',
      privileged: 'privileged (container "app" must not set securityContext.privileged=true)',
      procMount: 'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
      seLinuxOptions: 'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)',
      seccompProfile_baseline: 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
      sysctls: 'forbidden sysctls (kernel.msgmax)',
      windowsHostProcess: 'hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)',
    });
  });

  it('reports fields of the wrong type (maps with their own toString or valueOf) as violations, never converting them', () => {
    const result = evaluatePod(pod(`
spec:
  containers:
    - name: app
      securityContext: { procMount: { toString: 1 }, capabilities: { add: [{ valueOf: 1 }, SYS_ADMIN, { toString: 1 }], drop: [{ toString: 1 }] } }`),
    at('restricted', 'latest'));
    const byCheck = Object.fromEntries(result.violations.map((v) => [v.check, v.detail]));
    assert.equal(byCheck.procMount_restricted, 'container "app" must not set securityContext.procMount to {"toString":1}');
    assert.equal(byCheck.capabilities_restricted, 'container "app" must set securityContext.capabilities.drop=["ALL"]; '
      + 'container "app" must not include "SYS_ADMIN", {"toString":1}, {"valueOf":1} in securityContext.capabilities.add');
    const baseline = evaluatePod(pod(`
spec:
  containers:
    - name: app
      securityContext: { procMount: [Unmasked], capabilities: { add: [{ toString: 1 }, NET_BIND_SERVICE] } }`), at('baseline', 'latest'));
    assert.deepEqual(Object.fromEntries(baseline.violations.map((v) => [v.check, v.detail])), {
      capabilities_baseline: 'container "app" must not include {"toString":1} in securityContext.capabilities.add',
      procMount: 'container "app" must not set securityContext.procMount to ["Unmasked"]',
    });
  });

  it('checks the seccomp annotations before v1.19 and the fields after', () => {
    const annotated = pod(`
metadata:
  annotations: { seccomp.security.alpha.kubernetes.io/pod: unconfined }
spec:
  containers: [{ name: app }]`);
    const old = evaluatePod(annotated, at('baseline', 'v1.18'));
    assert.equal(rejectionMessage(old), 'violates PodSecurity "baseline:v1.18": seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")');
    assert.equal(evaluatePod(annotated, at('baseline', 'v1.19')).allowed, true);
  });
});

describe('version history', () => {
  it('exempts Windows pods from three restricted checks from v1.25', () => {
    const windows = pod(`
spec:
  os: { name: windows }
  securityContext: { runAsNonRoot: true }
  containers: [{ name: app }]`);
    assert.deepEqual(evaluatePod(windows, at('restricted', 'v1.24')).violations.map((v) => v.check),
      ['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted']);
    assert.equal(evaluatePod(windows, at('restricted', 'v1.25')).allowed, true);
  });

  it('relaxes runAsNonRoot, runAsUser and baseline procMount for hostUsers: false from v1.35, but not procMount_restricted', () => {
    const userNamespaced = pod(`
spec:
  hostUsers: false
  securityContext: { runAsUser: 0, seccompProfile: { type: RuntimeDefault } }
  containers:
    - name: app
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] }, procMount: Unmasked }`);
    assert.deepEqual(evaluatePod(userNamespaced, at('restricted', 'v1.34')).violations.map((v) => v.check), ['procMount', 'runAsNonRoot', 'runAsUser']);
    assert.deepEqual(evaluatePod(userNamespaced, at('restricted', 'v1.35')).violations.map((v) => v.check), ['procMount_restricted']);
    assert.equal(evaluatePod(userNamespaced, at('baseline', 'v1.34')).allowed, false);
    assert.equal(evaluatePod(userNamespaced, at('baseline', 'v1.35')).allowed, true);
  });

  it('grows the safe sysctls and SELinux types by version', () => {
    const sysctl = (name: string) => pod(`
spec:
  securityContext: { sysctls: [{ name: ${name}, value: "1" }] }
  containers: [{ name: app }]`);
    const cases: Array<[string, string, string]> = [
      ['net.ipv4.ip_local_reserved_ports', 'v1.26', 'v1.27'],
      ['net.ipv4.tcp_keepalive_time', 'v1.28', 'v1.29'],
      ['net.ipv4.tcp_rmem', 'v1.31', 'v1.32'],
      ['net.ipv4.tcp_notsent_lowat', 'v1.36', 'v1.37'],
    ];
    for (const [name, before, from] of cases) {
      assert.equal(evaluatePod(sysctl(name), at('baseline', before)).allowed, false, `${name} at ${before}`);
      assert.equal(evaluatePod(sysctl(name), at('baseline', from)).allowed, true, `${name} at ${from}`);
    }
    const engine = pod(`
spec:
  containers: [{ name: app, securityContext: { seLinuxOptions: { type: container_engine_t } } }]`);
    assert.equal(evaluatePod(engine, at('baseline', 'v1.30')).allowed, false);
    assert.equal(evaluatePod(engine, at('baseline', 'v1.31')).allowed, true);
  });

  it('allows defaulted (sourceless) and image volumes under restricted, and names unknown sources', () => {
    const volumes = pod(`${RESTRICTED_OK}
  volumes:
    - name: scratch
    - name: tools
      image: { reference: registry.example/tools:1 }
    - name: odd
      somethingNew: {}`);
    const result = evaluatePod(volumes, at('restricted', 'latest'));
    assert.equal(rejectionMessage(result), 'violates PodSecurity "restricted:latest": restricted volume types (volume "odd" uses restricted volume type "unknown")');
  });
});

describe('paths', () => {
  it('points at offending fields inside a workload template, or at the nearest existing parent', () => {
    const [deployment] = parseResources(`apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    metadata:
      annotations: { container.apparmor.security.beta.kubernetes.io/app: unconfined }
    spec:
      containers:
        - name: app
          securityContext: { allowPrivilegeEscalation: true }`);
    const template = podTemplateOf(deployment!);
    assert.ok(template);
    const fields = Object.fromEntries(evaluateTemplate(template, at('restricted', 'latest')).violations.map((v) => [v.check, v.fields]));
    assert.deepEqual(fields, {
      appArmorProfile: ['spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]'],
      allowPrivilegeEscalation: ['spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation'],
      capabilities_restricted: ['spec.template.spec.containers[0].securityContext'],
      runAsNonRoot: ['spec.template.spec.containers[0].securityContext'],
      seccompProfile_restricted: ['spec.template.spec.containers[0].securityContext'],
    });
  });
});

describe('namespace labels', () => {
  it('reads the policy of each mode, failing closed on invalid values', () => {
    const policy = namespacePolicy({
      metadata: {
        labels: {
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/enforce-version': 'v1.30',
          'pod-security.kubernetes.io/warn': 'strict',
          'pod-security.kubernetes.io/audit-version': 'v1.x',
        },
      },
    });
    assert.deepEqual(policy.enforce, { level: 'baseline', version: { latest: false, minor: 30 }, levelLabelled: true, versionLabelled: true });
    assert.equal(policy.warn.level, 'restricted');
    assert.equal(policy.audit.level, 'privileged');
    assert.deepEqual(policy.audit.version, LATEST);
    assert.deepEqual(policy.problems.map((p) => p.label), ['pod-security.kubernetes.io/audit-version', 'pod-security.kubernetes.io/warn']);
  });

  it('fails closed on label values that are maps or lists, describing them', () => {
    const policy = namespacePolicy(parse(`
metadata:
  labels:
    pod-security.kubernetes.io/enforce: { toString: 1 }
    pod-security.kubernetes.io/enforce-version: { valueOf: 1 }
    pod-security.kubernetes.io/audit: [baseline]
    pod-security.kubernetes.io/warn: baseline
    pod-security.kubernetes.io/warn-version: v1.30
    pod-security.kubernetes.io/enforce-verison: { toString: 1 }`) as JsonObject);
    assert.deepEqual(policy.enforce, { level: 'restricted', version: LATEST, levelLabelled: true, versionLabelled: true });
    assert.equal(policy.audit.level, 'restricted');
    assert.deepEqual(policy.warn, { level: 'baseline', version: { latest: false, minor: 30 }, levelLabelled: true, versionLabelled: true });
    assert.deepEqual(policy.problems.map((p) => `${p.label}=${p.value}`), [
      'pod-security.kubernetes.io/enforce={"toString":1}',
      'pod-security.kubernetes.io/enforce-version={"valueOf":1}',
      'pod-security.kubernetes.io/audit=["baseline"]',
      'pod-security.kubernetes.io/enforce-verison={"toString":1}',
    ]);
  });
});
