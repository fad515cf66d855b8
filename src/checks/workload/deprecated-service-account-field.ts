import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.deprecated-service-account-field',
  title: 'Pods should name their service account with serviceAccountName',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'spec.serviceAccount is a deprecated alias of serviceAccountName. Tools and policies that read only the current field may see the wrong identity, and a mismatch between the two fields hides which account the pod really uses.',
  remediation: 'Replace spec.serviceAccount with spec.serviceAccountName.',
  controls: {
    iso27001: ['A.5.16', 'A.8.9'],
  },
  equivalents: ['C-0294'],
  *check(pod) {
    const legacy = pod.spec.serviceAccount;
    if (typeof legacy !== 'string' || legacy === '') return;
    const current = pod.spec.serviceAccountName;
    // The API server copies serviceAccountName into the deprecated field of every object it stores:
    // on a live object an equal value is its default, not the author's choice.
    if (pod.resource.provenance.source === 'cluster' && current === legacy) return;
    const mismatch = typeof current === 'string' && current !== legacy;
    yield {
      path: `${pod.specPath}.serviceAccount`,
      message: mismatch
        ? `pod sets the deprecated serviceAccount "${legacy}", which disagrees with serviceAccountName "${current}"`
        : `pod uses the deprecated serviceAccount field ("${legacy}")`,
    };
  },
  examples: {
    valid: [examplePod(`
      serviceAccountName: web
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          serviceAccount: web
          containers: [{ name: app, image: nginx }]`),
        paths: ['spec.template.spec.serviceAccount'],
      },
    ],
  },
});
