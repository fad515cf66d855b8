import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod, isWindowsPod } from './util.js';

export default defineCheck({
  id: 'workload.host-users',
  title: 'Pods should run in their own user namespace',
  severity: 'info',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'With hostUsers: false the pod gets a user namespace: UID 0 inside maps to an unprivileged UID on the node, which defuses most container escapes that rely on being root or on file ownership.',
  remediation: 'Set spec.hostUsers: false (needs Kubernetes 1.33+ or the UserNamespacesSupport feature, and a runtime and file system that support ID-mapped mounts).',
  controls: {
    iso27001: ['A.8.9'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3', '4.5.2'],
  },
  equivalents: [],
  *check(pod) {
    if (isWindowsPod(pod) || pod.spec.hostUsers === false) return;
    const explicit = pod.spec.hostUsers === true;
    yield {
      path: `${pod.specPath}.hostUsers`,
      message: explicit ? 'pod explicitly shares the node user namespace (hostUsers: true)' : 'pod shares the node user namespace (hostUsers is not false)',
    };
  },
  examples: {
    valid: [examplePod(`
      hostUsers: false
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      { manifest: exampleDeployment(`
          containers: [{ name: app, image: nginx }]`), paths: ['spec.template.spec.hostUsers'] },
      { manifest: examplePod(`
          hostUsers: true
          containers: [{ name: app, image: nginx }]`), paths: ['spec.hostUsers'] },
    ],
  },
});
