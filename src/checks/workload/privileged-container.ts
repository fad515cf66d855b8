import { defineCheck } from '../../engine/check.js';
import { asObject } from '../../resources/workloads.js';

export default defineCheck({
  id: 'workload.privileged-container',
  title: 'Containers must not run privileged',
  severity: 'critical',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'A privileged container has every capability and sees the host devices: a compromise of it is a compromise of the node and of every pod on it.',
  remediation: 'Remove securityContext.privileged or set it to false; grant only the specific capabilities the process needs.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9', 'A.8.18'],
    cis: ['5.2.2'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3'],
    pss: ['privileged'],
  },
  equivalents: ['KSV-0017', 'C-0057'],
  *check(pod) {
    for (const c of pod.containers) {
      if (asObject(c.container.securityContext).privileged === true) {
        yield { path: `${c.path}.securityContext.privileged`, message: `container "${c.name}" runs privileged` };
      }
    }
  },
  examples: {
    valid: [
      `apiVersion: v1
kind: Pod
metadata: { name: ok }
spec:
  containers:
    - name: app
      image: nginx
      securityContext: { privileged: false }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: apps/v1
kind: Deployment
metadata: { name: bad }
spec:
  template:
    spec:
      initContainers:
        - name: setup
          image: busybox
          securityContext: { privileged: true }
      containers:
        - name: app
          image: nginx`,
        paths: ['spec.template.spec.initContainers[0].securityContext.privileged'],
      },
    ],
  },
});
