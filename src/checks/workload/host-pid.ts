import { defineCheck } from '../../engine/check.js';
import { exampleCronJob, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.host-pid',
  title: 'Pods must not share the host PID namespace',
  severity: 'high',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'With hostPID the containers see every process on the node: they can read other processes\' environment and memory maps, signal them, and with ptrace rights step into them.',
  remediation: 'Remove spec.hostPID or set it to false. Use a dedicated node agent (DaemonSet reviewed as an exception) when host process visibility is truly needed.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9', 'A.8.18'],
    cis: ['5.2.3'],
    nsa: ['Pod security: host namespaces'],
    'nist-800-190': ['4.4.3', '4.5.2'],
    pss: ['hostNamespaces'],
  },
  equivalents: ['KSV-0010', 'C-0038', 'C-0275'],
  *check(pod) {
    if (pod.spec.hostPID === true) yield { path: `${pod.specPath}.hostPID`, message: 'pod shares the host PID namespace (hostPID: true)' };
  },
  examples: {
    valid: [examplePod(`
      hostPID: false
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      { manifest: examplePod(`
        hostPID: true
        containers: [{ name: app, image: nginx }]`), paths: ['spec.hostPID'] },
      { manifest: exampleCronJob(`
        hostPID: true
        containers: [{ name: job, image: busybox }]`), paths: ['spec.jobTemplate.spec.template.spec.hostPID'] },
    ],
  },
});
