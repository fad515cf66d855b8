import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.host-ipc',
  title: 'Pods must not share the host IPC namespace',
  severity: 'high',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'With hostIPC the containers share System V shared memory and message queues with every host process, which lets them read or corrupt data exchanged by processes outside the pod.',
  remediation: 'Remove spec.hostIPC or set it to false.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9', 'A.8.18'],
    cis: ['5.2.4'],
    nsa: ['Pod security: host namespaces'],
    'nist-800-190': ['4.4.3', '4.5.2'],
    pss: ['hostNamespaces'],
  },
  equivalents: ['KSV-0008', 'C-0038', 'C-0276'],
  *check(pod) {
    if (pod.spec.hostIPC === true) yield { path: `${pod.specPath}.hostIPC`, message: 'pod shares the host IPC namespace (hostIPC: true)' };
  },
  examples: {
    valid: [examplePod(`
      hostIPC: false
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      { manifest: exampleDeployment(`
        hostIPC: true
        containers: [{ name: app, image: nginx }]`), paths: ['spec.template.spec.hostIPC'] },
    ],
  },
});
