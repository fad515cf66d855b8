import { defineCheck } from '../../engine/check.js';
import { containerSecurityContext, exampleDeployment, examplePod, isWindowsPod } from './util.js';

export default defineCheck({
  id: 'workload.read-only-root-filesystem',
  title: 'Containers should use a read-only root file system',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'A writable root file system lets an intruder drop tools, modify binaries or persist changes for the container\'s lifetime; a read-only one confines writes to declared volumes.',
  remediation: 'Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes for the paths the application writes (/tmp, caches).',
  controls: {
    iso27001: ['A.8.7', 'A.8.9'],
    nsa: ['Immutable container file systems'],
    'nist-800-190': ['4.4.3', '4.4.4'],
  },
  equivalents: ['KSV-0014', 'C-0017'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    for (const c of pod.containers) {
      const value = containerSecurityContext(c).readOnlyRootFilesystem;
      if (value === true) continue;
      yield { path: `${c.path}.securityContext.readOnlyRootFilesystem`, message: `container "${c.name}" has a writable root file system` };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, securityContext: { readOnlyRootFilesystem: true }, volumeMounts: [{ name: tmp, mountPath: /tmp }] }]
      volumes: [{ name: tmp, emptyDir: {} }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers:
            - { name: app, image: nginx, securityContext: { readOnlyRootFilesystem: false } }
            - { name: sidecar, image: envoy }`),
        paths: ['spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem', 'spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem'],
      },
    ],
  },
});
