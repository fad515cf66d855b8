import { defineCheck } from '../../engine/check.js';
import type { Violation } from '../../engine/check.js';
import type { PodTemplate } from '../../resources/workloads.js';
import { asObject, containerSecurityContext, exampleCronJob, examplePod, isWindowsPod, podAnnotation, podSecurityContext } from './util.js';

export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function* annotationViolations(pod: PodTemplate): Iterable<Violation> {
  for (const key of Object.keys(asObject(pod.metadata.annotations))) {
    if (key !== SECCOMP_POD_ANNOTATION && !key.startsWith(SECCOMP_CONTAINER_ANNOTATION_PREFIX)) continue;
    const annotation = podAnnotation(pod, key);
    if (annotation?.value !== 'unconfined') continue;
    const who = key === SECCOMP_POD_ANNOTATION ? 'pod' : `container "${key.slice(SECCOMP_CONTAINER_ANNOTATION_PREFIX.length)}"`;
    yield { path: annotation.path, message: `${who} disables seccomp (annotation unconfined)` };
  }
}

export default defineCheck({
  id: 'workload.seccomp-unconfined',
  title: 'Seccomp must not be disabled',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Seccomp filters the system calls a container may make; the Unconfined profile lets it call every syscall, including the rarely used ones behind most kernel privilege-escalation exploits.',
  remediation: 'Replace seccompProfile.type Unconfined with RuntimeDefault (or a reviewed Localhost profile) and remove unconfined seccomp annotations.',
  controls: {
    iso27001: ['A.8.9'],
    cis: ['5.7.2'],
    nsa: ['Hardening container environments: AppArmor, SELinux, seccomp'],
    'nist-800-190': ['4.4.3', '4.5.2'],
    pss: ['seccompProfile_baseline'],
  },
  equivalents: ['KSV-0104', 'C-0055'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    if (asObject(podSecurityContext(pod).seccompProfile).type === 'Unconfined') {
      yield { path: `${pod.specPath}.securityContext.seccompProfile.type`, message: 'pod disables seccomp (Unconfined)' };
    }
    for (const c of pod.containers) {
      if (asObject(containerSecurityContext(c).seccompProfile).type === 'Unconfined') {
        yield { path: `${c.path}.securityContext.seccompProfile.type`, message: `container "${c.name}" disables seccomp (Unconfined)` };
      }
    }
    yield* annotationViolations(pod);
  },
  examples: {
    valid: [examplePod(`
      securityContext: { seccompProfile: { type: RuntimeDefault } }
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      {
        manifest: exampleCronJob(`
          securityContext: { seccompProfile: { type: RuntimeDefault } }
          containers: [{ name: job, image: busybox, securityContext: { seccompProfile: { type: Unconfined } } }]`),
        paths: ['spec.jobTemplate.spec.template.spec.containers[0].securityContext.seccompProfile.type'],
      },
      {
        manifest: examplePod(`
          containers: [{ name: app, image: nginx }]`, `
          name: example
          annotations: { seccomp.security.alpha.kubernetes.io/pod: unconfined }`),
        paths: ['metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]'],
      },
    ],
  },
});
