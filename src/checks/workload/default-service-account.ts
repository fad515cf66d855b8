import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod } from './util.js';
import { serviceAccountNameOf } from './automount-token.js';

export default defineCheck({
  id: 'workload.default-service-account',
  title: 'Workloads should run under a dedicated service account',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Pods that run as the namespace\'s default service account share one identity: any permission granted to it for one workload is granted to all, and API audit logs cannot tell them apart.',
  remediation: 'Create a ServiceAccount per workload, set spec.serviceAccountName, and grant it only the roles that workload needs.',
  controls: {
    iso27001: ['A.5.16', 'A.5.18', 'A.8.9'],
    cis: ['5.1.5'],
    nsa: ['Protecting Pod service account tokens'],
    'nist-800-190': ['4.3.2'],
  },
  equivalents: ['C-0189'],
  *check(pod) {
    if (serviceAccountNameOf(pod) !== 'default') return;
    const explicit = typeof pod.spec.serviceAccountName === 'string';
    yield {
      path: `${pod.specPath}.serviceAccountName`,
      message: explicit ? 'pod runs as the default service account' : 'pod sets no serviceAccountName and runs as the default service account',
    };
  },
  examples: {
    valid: [exampleDeployment(`
      serviceAccountName: web
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      { manifest: examplePod(`
          containers: [{ name: app, image: nginx }]`), paths: ['spec.serviceAccountName'] },
      { manifest: exampleDeployment(`
          serviceAccountName: default
          containers: [{ name: app, image: nginx }]`), paths: ['spec.template.spec.serviceAccountName'] },
    ],
  },
});
