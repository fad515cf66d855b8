import { defineCheck } from '../../engine/check.js';
import { containersMissingResource, exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.cpu-limits',
  title: 'Containers should set a CPU limit',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Without a CPU limit one container can take every idle core of its node and starve its neighbours, including node agents, which turns a bug or a cryptominer into an availability incident.',
  remediation: 'Set resources.limits.cpu on every container (or give the namespace a LimitRange default).',
  controls: {
    iso27001: ['A.8.6', 'A.8.9'],
    nsa: ['Resource policies'],
    'nist-800-190': ['4.4.3'],
  },
  equivalents: ['KSV-0011', 'C-0050', 'C-0270'],
  *check(pod) {
    for (const missing of containersMissingResource(pod, 'limits', 'cpu')) {
      yield { path: missing.path, message: `container "${missing.value.name}" sets no cpu limit` };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, resources: { limits: { cpu: 500m } } }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          initContainers: [{ name: init, image: busybox, resources: { limits: { cpu: 500m } } }]
          containers: [{ name: app, image: nginx, resources: { requests: { cpu: 500m } } }]`),
        paths: ['spec.template.spec.containers[0].resources.limits.cpu'],
      },
    ],
  },
});
