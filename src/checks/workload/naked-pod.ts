import { defineCheck } from '../../engine/check.js';
import { asArray, exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.naked-pod',
  title: 'Pods should be managed by a controller',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'A bare Pod is not rescheduled when its node fails, cannot be rolled out or rolled back, and escapes the review that Deployments and Jobs usually get: it is a common shape for one-off, untracked changes.',
  remediation: 'Run the workload from a Deployment, StatefulSet, DaemonSet or Job.',
  controls: {
    iso27001: ['A.8.14', 'A.8.32'],
    'nist-800-190': ['4.4.5'],
  },
  equivalents: ['C-0073'],
  *check(pod) {
    if (pod.resource.kind !== 'Pod') return;
    const metadata = pod.resource.object.metadata;
    const owners = metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? asArray(metadata.ownerReferences) : [];
    if (owners.length > 0) return;
    yield { path: 'metadata', message: `Pod "${pod.resource.name}" is not owned by any controller` };
  },
  examples: {
    valid: [
      exampleDeployment(`
        containers: [{ name: app, image: nginx }]`),
      examplePod(`
        containers: [{ name: app, image: nginx }]`, `
        name: web-5d8f7-abcde
        ownerReferences: [{ apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f7, uid: 0b1c2d3e-0000-4000-8000-000000000000, controller: true }]`),
    ],
    invalid: [
      { manifest: examplePod(`
          containers: [{ name: app, image: nginx }]`), paths: ['metadata'] },
    ],
  },
});
