import { defineCheck } from '../../engine/check.js';
import { containersMissingResource, exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.cpu-requests',
  title: 'Containers should set a CPU request',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'CPU requests let the scheduler place pods on nodes with spare capacity and give each container a guaranteed share under contention.',
  remediation: 'Set resources.requests.cpu on every container.',
  controls: {
    iso27001: ['A.8.6', 'A.8.9'],
    nsa: ['Resource policies'],
    'nist-800-190': ['4.4.3'],
  },
  equivalents: ['KSV-0015', 'C-0050', 'C-0268'],
  *check(pod) {
    for (const missing of containersMissingResource(pod, 'requests', 'cpu')) {
      yield { path: missing.path, message: `container "${missing.value.name}" sets no cpu request` };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, resources: { requests: { cpu: 250m } } }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          initContainers: [{ name: init, image: busybox, resources: { requests: { cpu: 250m } } }]
          containers: [{ name: app, image: nginx, resources: { limits: { cpu: 1 } } }, { name: sidecar, image: envoy }]`),
        paths: ['spec.template.spec.containers[1].resources.requests.cpu'],
      },
    ],
  },
});
