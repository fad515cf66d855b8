import { defineCheck } from '../../engine/check.js';
import { containerSecurityContext, exampleDeployment, examplePod, podSecurityContext } from './util.js';

export default defineCheck({
  id: 'workload.security-context-missing',
  title: 'Pods and containers should declare a security context',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'A container with no security context, in a pod without one, runs entirely on runtime defaults: the image\'s user (often root), a writable root file system, the default capability set and privilege escalation allowed.',
  remediation: 'Declare spec.securityContext (runAsNonRoot, runAsUser, seccompProfile) and a container securityContext (allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities.drop: [ALL]).',
  controls: {
    iso27001: ['A.8.9'],
    cis: ['5.7.3'],
    nsa: ['Pod security enforcement'],
    'nist-800-190': ['4.4.3'],
  },
  equivalents: ['KSV-0118', 'C-0211'],
  *check(pod) {
    if (Object.keys(podSecurityContext(pod)).length > 0) return;
    for (const c of pod.containers) {
      if (Object.keys(containerSecurityContext(c)).length > 0) continue;
      yield { path: `${c.path}.securityContext`, message: `container "${c.name}" runs with no security context at pod or container level` };
    }
  },
  examples: {
    valid: [
      examplePod(`
        securityContext: { runAsNonRoot: true }
        containers: [{ name: app, image: nginx }]`),
      examplePod(`
        containers: [{ name: app, image: nginx, securityContext: { allowPrivilegeEscalation: false } }]`),
    ],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers: [{ name: app, image: nginx }, { name: sidecar, image: envoy, securityContext: { readOnlyRootFilesystem: true } }]`),
        paths: ['spec.template.spec.containers[0].securityContext'],
      },
    ],
  },
});
