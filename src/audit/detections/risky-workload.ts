import { defineDetection } from '../detection.js';
import { severityRank, type Severity } from '../../resources/types.js';
import { workloadKindOf, workloadVerdict, writesWorkload } from '../workload.js';
import { auditEvent, CONTROLLER } from './examples.js';
import { actorOf, objectName, routineOrRefused } from './common.js';
import type { JsonObject } from '../../resources/types.js';

const pod = (spec: JsonObject, fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'create',
  level: 'Request',
  requestURI: '/api/v1/namespaces/shop/pods',
  objectRef: { resource: 'pods', namespace: 'shop', name: 'debug', apiVersion: 'v1' },
  responseStatus: { code: 201 },
  requestObject: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'shop' }, spec },
  ...fields,
});

const privileged = { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] };
const hostPath = { hostPID: true, containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'root', hostPath: { path: '/' } }] };
const plain = { containers: [{ name: 'c', image: 'busybox' }] };

export default defineDetection({
  kind: 'event',
  id: 'audit.risky-workload',
  title: 'Workload created with privileged, host-namespace, hostPath or dangerous-capability pods',
  severity: 'high',
  rationale: 'A pod that is privileged, shares the host\'s network, PID or IPC namespace, mounts the host file system or adds dangerous capabilities can take over its node. The audit log shows who created it and when, whatever admission allowed.',
  remediation: 'Confirm the workload is an approved exception (node agents); otherwise delete it and enforce the Pod Security Standards baseline in its namespace.',
  controls: { iso27001: ['A.8.2', 'A.8.9', 'A.8.16', 'A.8.32'] },
  equivalents: ['Falco: Create Privileged Pod', 'Falco: Create Sensitive Mount Pod', 'Falco: Create HostNetwork Pod', 'Panther: Kubernetes.Pod.Privileged.Created', 'Panther: Kubernetes.Pod.Host.Network', 'Panther: Kubernetes.Pod.Host.PID', 'Panther: Kubernetes.Pod.Host.IPC', 'Panther: Kubernetes.Pod.HostPath.Volume', 'Panther: Kubernetes.Pod.Dangerous.Capabilities'],
  detect(event, ctx) {
    if (!writesWorkload(event) || routineOrRefused(event)) return undefined;
    const verdict = workloadVerdict(event, ctx.workloadChecks, ctx.checkContext);
    if ('undetermined' in verdict) return verdict;
    if (verdict.findings.length === 0) return undefined;
    let severity: Severity = 'info';
    for (const f of verdict.findings) if (severityRank(f.severity) > severityRank(severity)) severity = f.severity;
    const kind = (workloadKindOf(event) ?? 'workload').toLowerCase();
    const checks = [...new Set(verdict.findings.map((f) => f.checkId))];
    return {
      message: `${actorOf(event)} ${event.verb === 'create' ? 'created' : 'changed'} ${objectName(event, kind)}: ${verdict.findings.map((f) => f.message).join('; ')}`,
      severity,
      details: { checks, findings: verdict.findings.map((f) => ({ checkId: f.checkId, path: f.path, message: f.message })) },
    };
  },
  examples: {
    fire: [pod(privileged), pod(hostPath)],
    quiet: [pod(plain), pod(privileged, { user: CONTROLLER }), pod(privileged, { responseStatus: { code: 403 } })],
    undetermined: [pod(privileged, { level: 'Metadata', requestObject: undefined })],
  },
});
