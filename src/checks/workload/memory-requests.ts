import { defineCheck } from '../../engine/check.js';
import { containersMissingResource, exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.memory-requests',
  title: 'Containers should set a memory request',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Memory requests let the scheduler avoid overcommitting nodes, which otherwise end in out-of-memory evictions of unrelated pods.',
  remediation: 'Set resources.requests.memory on every container.',
  controls: {
    iso27001: ['A.8.6', 'A.8.9'],
    nsa: ['Resource policies'],
    'nist-800-190': ['4.4.3'],
  },
  equivalents: ['KSV-0016', 'C-0004', 'C-0269'],
  *check(pod) {
    for (const missing of containersMissingResource(pod, 'requests', 'memory')) {
      yield { path: missing.path, message: `container "${missing.value.name}" sets no memory request` };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, resources: { requests: { memory: 128Mi } } }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          initContainers: [{ name: init, image: busybox, resources: { requests: { memory: 128Mi } } }]
          containers: [{ name: app, image: nginx, resources: { limits: { memory: 1Gi } } }, { name: sidecar, image: envoy }]`),
        paths: ['spec.template.spec.containers[1].resources.requests.memory'],
      },
    ],
  },
});
