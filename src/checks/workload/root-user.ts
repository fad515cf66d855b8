import { defineCheck } from '../../engine/check.js';
import { effectiveField, exampleDeployment, examplePod, isWindowsPod } from './util.js';

export default defineCheck({
  id: 'workload.root-user',
  title: 'Containers must not run with user ID 0',
  severity: 'high',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'runAsUser: 0 runs the container process as root explicitly, overriding a non-root USER in the image; a process with UID 0 keeps root-owned files and many kernel paths within reach.',
  remediation: 'Set runAsUser to a non-zero UID (above 10000 avoids overlap with node accounts) or remove it and rely on the image USER with runAsNonRoot: true.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9'],
    cis: ['5.2.7'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3'],
    pss: ['runAsUser'],
  },
  equivalents: ['KSV-0105', 'C-0013'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    const reported = new Set<string>();
    for (const c of pod.containers) {
      const uid = effectiveField(pod, c, 'runAsUser');
      if (uid?.value !== 0 || reported.has(uid.path)) continue;
      reported.add(uid.path);
      const who = uid.path.startsWith(c.path) ? `container "${c.name}"` : 'pod';
      yield { path: uid.path, message: `${who} runs as UID 0 (root)` };
    }
  },
  examples: {
    valid: [examplePod(`
      securityContext: { runAsUser: 10001 }
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          securityContext: { runAsUser: 0 }
          containers:
            - { name: app, image: nginx }
            - { name: sidecar, image: envoy }
            - { name: ok, image: busybox, securityContext: { runAsUser: 10001 } }`),
        paths: ['spec.template.spec.securityContext.runAsUser'],
      },
      {
        manifest: examplePod(`
          containers: [{ name: app, image: nginx, securityContext: { runAsUser: 0 } }]`),
        paths: ['spec.containers[0].securityContext.runAsUser'],
      },
    ],
  },
});
