import { defineDetection } from '../detection.js';
import { workloadKindOf } from '../workload.js';
import { auditEvent, CONTROLLER, KUBELET } from './examples.js';
import { actorOf, objectName, routineOrRefused } from './common.js';

const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

const create = (namespace: string, fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'create',
  requestURI: `/apis/apps/v1/namespaces/${namespace}/daemonsets`,
  objectRef: { resource: 'daemonsets', namespace, name: 'agent', apiGroup: 'apps', apiVersion: 'v1' },
  responseStatus: { code: 201 },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.kube-system-workload',
  title: 'Workload created in kube-system, kube-public or kube-node-lease',
  severity: 'medium',
  rationale: 'kube-system holds the control plane\'s own components and their powerful service accounts; a workload placed there by a person hides among them and can use them.',
  remediation: 'Run add-ons in their own namespaces; confirm the workload is an approved platform component.',
  controls: { iso27001: ['A.8.2', 'A.8.32', 'A.8.16'] },
  equivalents: ['Falco: Pod Created in Kube Namespace', 'Panther: Kubernetes.Pod.SystemNamespace'],
  detect(event) {
    const kind = workloadKindOf(event);
    const namespace = event.objectRef?.namespace ?? '';
    if (event.verb !== 'create' || !kind || !SYSTEM_NAMESPACES.has(namespace) || routineOrRefused(event)) return undefined;
    return { message: `${actorOf(event)} created ${objectName(event, kind.toLowerCase())} in a system namespace` };
  },
  examples: {
    fire: [create('kube-system'), create('kube-public', { objectRef: { resource: 'pods', namespace: 'kube-public', name: 'x', apiVersion: 'v1' } })],
    quiet: [create('shop'), create('kube-system', { user: CONTROLLER }), create('kube-system', { user: KUBELET }), create('kube-system', { verb: 'delete' })],
  },
});
