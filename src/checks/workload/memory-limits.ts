import { defineCheck } from '../../engine/check.js';
import { containersMissingResource, exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.memory-limits',
  title: 'Containers should set a memory limit',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Without a memory limit a leaking or abused container grows until the node runs out of memory and the kernel starts killing other workloads.',
  remediation: 'Set resources.limits.memory on every container (or give the namespace a LimitRange default).',
  controls: {
    iso27001: ['A.8.6', 'A.8.9'],
    nsa: ['Resource policies'],
    'nist-800-190': ['4.4.3'],
  },
  equivalents: ['KSV-0018', 'C-0004', 'C-0271'],
  *check(pod) {
    for (const missing of containersMissingResource(pod, 'limits', 'memory')) {
      yield { path: missing.path, message: `container "${missing.value.name}" sets no memory limit` };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, resources: { limits: { memory: 256Mi } } }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          initContainers: [{ name: init, image: busybox, resources: { limits: { memory: 256Mi } } }]
          containers: [{ name: app, image: nginx, resources: { requests: { memory: 256Mi } } }]`),
        paths: ['spec.template.spec.containers[0].resources.limits.memory'],
      },
    ],
  },
});
