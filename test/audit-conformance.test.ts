/**
 * Annexa's audit detections against third-party expectations, event by event: Panther's Kubernetes
 * rule tests and Falco's k8saudit test cases (test/conformance/audit/, README there). Only rules
 * that correspond to an Annexa detection are compared; the deliberate differences are listed here
 * with their reasons (and in docs/audit.md), and asserted, so the list stays true.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles, analyzeRecords, type AuditAnalysis } from '../src/audit/analyze.js';
import { eventsOfValue, type ReadError } from '../src/audit/reader.js';
import { auditWorkloadChecks, workloadVerdict } from '../src/audit/workload.js';
import { makeConfig } from '../src/isms/config.js';
import { conformanceDir } from './support/paths.js';

const AUDIT_DIR = join(conformanceDir, 'audit');

/** Annexa detection (and, for workloads, the reused check) that corresponds to each third-party rule. */
interface Target {
  /** Any of these detections counts (Falco's "Attach/Exec Pod" is two Annexa detections). */
  ruleIds: string[];
  /** For audit.risky-workload: the workload check(s) that must (or must not) be among its findings. */
  checks?: string[];
}

function fires(result: AuditAnalysis, target: Target): boolean {
  return result.detections.some((d) => target.ruleIds.includes(d.ruleId)
    && (target.checks === undefined || target.checks.some((c) => ((d.details?.checks ?? []) as string[]).includes(c))));
}

const PANTHER: Record<string, Target> = {
  'Kubernetes.Pod.Exec': { ruleIds: ['audit.pod-exec'] },
  'Kubernetes.Kubectl.CP.Operation': { ruleIds: ['audit.kubectl-cp'] },
  'Kubernetes.API.AnonymousAccess': { ruleIds: ['audit.anonymous-request'] },
  'Amazon.EKS.AnonymousAPIAccess': { ruleIds: ['audit.anonymous-request'] },
  'Kubernetes.ClusterRoleBinding.Privileged': { ruleIds: ['audit.privileged-binding'] },
  'Kubernetes.BulkSecretAccess': { ruleIds: ['audit.secret-read'] },
  'Kubernetes.Role.Wildcard': { ruleIds: ['audit.powerful-role'] },
  'Kubernetes.Pod.Privileged.Created': { ruleIds: ['audit.risky-workload'], checks: ['workload.privileged-container'] },
  'Kubernetes.Pod.Host.IPC': { ruleIds: ['audit.risky-workload'], checks: ['workload.host-ipc'] },
  'Kubernetes.Pod.Host.PID': { ruleIds: ['audit.risky-workload'], checks: ['workload.host-pid'] },
  'Kubernetes.Pod.Host.Network': { ruleIds: ['audit.risky-workload'], checks: ['workload.host-network'] },
  'Kubernetes.Pod.HostPath.Volume': { ruleIds: ['audit.risky-workload'], checks: ['workload.host-path-volume'] },
  'Kubernetes.Pod.Dangerous.Capabilities': { ruleIds: ['audit.risky-workload'], checks: ['workload.dangerous-capabilities'] },
  'Kubernetes.Service.NodePort.Deployed': { ruleIds: ['audit.nodeport-service'] },
  'Kubernetes.Pod.SystemNamespace': { ruleIds: ['audit.kube-system-workload'] },
  'Kubernetes.AdmissionController.Created': { ruleIds: ['audit.control-change'] },
  'Kubernetes.ServiceAccount.TokenCreated': { ruleIds: ['audit.token-request'] },
  'Kubernetes.ClientCertificate.Created': { ruleIds: ['audit.certificate-request'] },
};

/** Panther rows (line of events.jsonl) where Annexa decides otherwise on purpose. */
const PANTHER_DIFFERENCES: Record<number, string> = {
  3: 'GET /version is public by design (system:public-info-viewer); Annexa does not report anonymous /version, /healthz, /livez, /readyz',
  7: 'anonymous /healthz from a load balancer: a health endpoint, public by design',
  8: 'a denied anonymous request is not access; denials count towards audit.authorization-failures (Falco agrees: "Anonymous Request Allowed")',
  23: 'an update of a webhook configuration can switch the control off (failurePolicy, rules): Annexa reports creates, updates and deletes',
  44: 'a RoleBinding to cluster-admin gives full control of the namespace: Annexa reports RoleBindings as well as ClusterRoleBindings',
  75: 'kubectl cp into a pod changes a running workload outside its build: Annexa reports both directions (details.direction)',
  91: 'a Deployment placed in kube-system is the decision that creates its pods there: Annexa reports every workload kind, not only Pods',
  119: 'running as root is not privileged mode: workload.root-user and workload.run-as-non-root report it in scans, not this detection',
  120: 'as line 119',
  146: 'updating a role to add wildcards grants them as much as creating it: Annexa reports create, update and patch',
  165: 'a denied Secret read is not access; denials count towards audit.authorization-failures',
  186: 'system:kube-controller-manager requesting tokens is routine control-plane traffic, which raises nothing',
};

describe('audit conformance: Panther Kubernetes rule tests', () => {
  const dir = join(AUDIT_DIR, 'panther-k8s-rule-tests');
  const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n');
  const rows = readFileSync(join(dir, 'expected.csv'), 'utf8').trim().split('\n').slice(1);
  let compared = 0;
  let agreed = 0;
  for (const row of rows) {
    // Test names may contain commas (quoted); line and rule id come first, the result after the name.
    const match = /^(\d+),([^,]+),(.*),(true|false),(True|False),/.exec(row);
    assert.ok(match, `unreadable expected.csv row: ${row}`);
    const [, lineText, rule, name, expected] = match!;
    const target = PANTHER[rule!];
    if (!target) continue;
    const line = Number(lineText);
    compared += 1;
    it(`line ${line} ${rule}: ${name}`, () => {
      const errors: ReadError[] = [];
      const records = [...eventsOfValue(JSON.parse(lines[line - 1]!), 'events.jsonl', line, (e) => errors.push(e))];
      assert.deepEqual(errors, []);
      const result = analyzeRecords(records);
      const difference = PANTHER_DIFFERENCES[line];
      if (difference === undefined) {
        assert.equal(fires(result, target), expected === 'true', `Annexa ${target.ruleIds.join(' or ')}: ${JSON.stringify(result.detections.map((d) => d.message))}`);
        agreed += 1;
      } else {
        assert.equal(fires(result, target), expected !== 'true', `listed as a deliberate difference (${difference}) but Annexa agrees`);
      }
    });
  }
  it('compares every mapped rule and agrees on all rows but the listed differences', () => {
    assert.equal(compared, 114);
    assert.equal(agreed, compared - Object.keys(PANTHER_DIFFERENCES).length);
  });
});

const FALCO: Record<string, Target> = {
  'Create Privileged Pod': { ruleIds: ['audit.risky-workload'], checks: ['workload.privileged-container'] },
  'Create Sensitive Mount Pod': { ruleIds: ['audit.risky-workload'], checks: ['workload.sensitive-host-path', 'workload.container-runtime-socket'] },
  'Create HostNetwork Pod': { ruleIds: ['audit.risky-workload'], checks: ['workload.host-network'] },
  'Create NodePort Service': { ruleIds: ['audit.nodeport-service'] },
  'Anonymous Request Allowed': { ruleIds: ['audit.anonymous-request'] },
  'Attach/Exec Pod': { ruleIds: ['audit.pod-exec', 'audit.pod-attach'] },
  'Pod Created in Kube Namespace': { ruleIds: ['audit.kube-system-workload'] },
  'Attach to cluster-admin Role': { ruleIds: ['audit.privileged-binding'] },
  'ClusterRole With Wildcard Created': { ruleIds: ['audit.powerful-role'] },
};

/** Falco cases that expect no alert, with the Annexa detection that must stay quiet too. */
const FALCO_QUIET: Record<string, Target> = {
  create_unprivileged_pod: FALCO['Create Privileged Pod']!,
  create_unsensitive_mount_pod: FALCO['Create Sensitive Mount Pod']!,
  create_nohostnetwork_pod: FALCO['Create HostNetwork Pod']!,
  create_nonodeport_service: FALCO['Create NodePort Service']!,
};

/** The pod-creation traces were recorded as the replicaset controller creating pods from a Deployment's template. */
const CONTROLLER_CREATED = 'the pod was created by system:serviceaccount:kube-system:replicaset-controller: routine control-plane traffic raises nothing; Annexa reports the Deployment or ReplicaSet written by a person, and the reused checks agree on the pod (asserted below)';

const BASE_RULE_FILES = new Set(['falco_rules.yaml', 'k8s_audit_rules.yaml', 'disallow_kactivity.yaml']);

describe('audit conformance: Falco k8saudit test cases', () => {
  const dir = join(AUDIT_DIR, 'falco-k8s_audit');
  const rows = readFileSync(join(dir, 'expected.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
  const workloadChecks = auditWorkloadChecks();
  const checkCtx = { config: makeConfig() };
  let compared = 0;
  for (const [name, file, detect, , counts, rulesFiles] of rows) {
    // Cases with rule overrides (allow-lists, trusted images) test Falco's configuration, not the rules.
    if (!rulesFiles!.split(';').every((f) => BASE_RULE_FILES.has(f))) continue;
    const expectedRule = counts ? counts.split('=')[0]! : undefined;
    const target = detect === 'True' ? (expectedRule ? FALCO[expectedRule] : undefined) : FALCO_QUIET[name!];
    if (name === 'fal_01_003') {
      it('fal_01_003: a non-event is an input error naming file and line, and nothing is detected', async () => {
        const result = await analyzeFiles([join(dir, file!)]);
        assert.equal(result.events, 0);
        assert.equal(result.errors.length, 1);
        assert.equal(result.errors[0]!.line, 1);
        assert.match(result.errors[0]!.message, /not a k8s audit event/);
      });
      continue;
    }
    if (!target) continue;
    compared += 1;
    it(`${name}: ${detect === 'True' ? `${expectedRule} fires` : 'nothing fires'}`, async () => {
      const result = await analyzeFiles([join(dir, file!)]);
      assert.deepEqual(result.errors, []);
      const events = readFileSync(join(dir, file!), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      // Some traces hold the kubelet's reads of the pod too: the request under test is the write.
      const request = events.find((e) => e.verb === 'create') ?? events[0];
      const byController = request.user?.username === 'system:serviceaccount:kube-system:replicaset-controller';
      if (byController && detect === 'True') {
        assert.equal(fires(result, target), false, CONTROLLER_CREATED);
        if (target.ruleIds.includes('audit.risky-workload')) {
          const verdict = workloadVerdict(request, workloadChecks, checkCtx);
          assert.ok('findings' in verdict);
          assert.ok(verdict.findings.some((f) => target.checks!.includes(f.checkId)), `reused checks: ${JSON.stringify(verdict)}`);
        }
        return;
      }
      assert.equal(fires(result, target), detect === 'True', JSON.stringify(result.detections.map((d) => d.message)));
      // A quiet pod-creation case: the reused checks find nothing of what the Falco rule looks for either.
      if (detect === 'False' && request.verb === 'create' && target.ruleIds.includes('audit.risky-workload')) {
        const verdict = workloadVerdict(request, workloadChecks, checkCtx);
        assert.ok('findings' in verdict && !verdict.findings.some((f) => target.checks!.includes(f.checkId)), JSON.stringify(verdict));
      }
    });
  }
  it('compares the mapped cases', () => assert.equal(compared, 19));
});
