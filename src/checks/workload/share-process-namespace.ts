import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.share-process-namespace',
  title: 'Pods should not share one process namespace between containers',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'With shareProcessNamespace every container of the pod sees and can signal the others\' processes and read their /proc entries, including environment variables and the file system through /proc/<pid>/root.',
  remediation: 'Remove spec.shareProcessNamespace unless a sidecar truly needs it (debugging, process supervision).',
  controls: {
    iso27001: ['A.8.9'],
    nsa: ['Pod security enforcement'],
    'nist-800-190': ['4.4.3'],
  },
  equivalents: [],
  *check(pod) {
    if (pod.spec.shareProcessNamespace === true) {
      yield { path: `${pod.specPath}.shareProcessNamespace`, message: 'containers of the pod share one process namespace' };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx }, { name: sidecar, image: envoy }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          shareProcessNamespace: true
          containers: [{ name: app, image: nginx }, { name: sidecar, image: envoy }]`),
        paths: ['spec.template.spec.shareProcessNamespace'],
      },
    ],
  },
});
