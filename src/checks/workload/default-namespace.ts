import { defineCheck } from '../../engine/check.js';
import { examplePod } from './util.js';

export default defineCheck({
  id: 'workload.default-namespace',
  title: 'Workloads should not be placed in the default namespace',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'The default namespace collects whatever is deployed without thought; workloads there share RBAC, quotas and network policies with unrelated objects, which blurs ownership and access boundaries.',
  remediation: 'Create a namespace per application or team and deploy the workload there, with its own RBAC, quotas and NetworkPolicies.',
  controls: {
    iso27001: ['A.5.15', 'A.8.9'],
    cis: ['5.7.4'],
    nsa: ['Namespaces'],
    'nist-800-190': ['4.3.4'],
  },
  equivalents: ['KSV-0110', 'C-0061', 'C-0212'],
  *check(pod) {
    if (pod.resource.namespace !== 'default') return;
    yield { path: 'metadata.namespace', message: `${pod.resource.kind} "${pod.resource.name}" is placed in the default namespace` };
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx }]`, `
      name: example
      namespace: shop`)],
    invalid: [
      {
        manifest: examplePod(`
          containers: [{ name: app, image: nginx }]`, `
          name: example
          namespace: default`),
        paths: ['metadata.namespace'],
      },
    ],
  },
});
