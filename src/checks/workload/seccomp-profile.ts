import { defineCheck } from '../../engine/check.js';
import type { ContainerRef, PodTemplate } from '../../resources/workloads.js';
import { asObject, effectiveField, exampleDeployment, examplePod, isWindowsPod, podAnnotation } from './util.js';
import { SECCOMP_CONTAINER_ANNOTATION_PREFIX, SECCOMP_POD_ANNOTATION } from './seccomp-unconfined.js';

const CONFINING_TYPES = new Set(['RuntimeDefault', 'Localhost']);
const CONFINING_ANNOTATION = /^(runtime\/default|docker\/default|localhost\/.+)$/;

/** The effective seccomp profile type of a container: field (container, then pod), then legacy annotations. */
function profileOf(pod: PodTemplate, c: ContainerRef): { type: string | undefined; path: string | undefined } {
  const field = effectiveField(pod, c, 'seccompProfile');
  if (field) {
    const type = asObject(field.value).type;
    return { type: typeof type === 'string' ? type : undefined, path: `${field.path}.type` };
  }
  const annotation = podAnnotation(pod, SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name) ?? podAnnotation(pod, SECCOMP_POD_ANNOTATION);
  if (annotation) return { type: CONFINING_ANNOTATION.test(annotation.value) ? 'RuntimeDefault' : annotation.value, path: annotation.path };
  return { type: undefined, path: undefined };
}

export default defineCheck({
  id: 'workload.seccomp-profile',
  title: 'Containers must run with the RuntimeDefault or a Localhost seccomp profile',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Unless a profile is set, most runtimes start containers without any syscall filter. RuntimeDefault blocks the syscalls containers do not need at negligible cost.',
  remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod (or Localhost with a reviewed profile on specific containers).',
  controls: {
    iso27001: ['A.8.9'],
    cis: ['5.7.2'],
    nsa: ['Hardening container environments: AppArmor, SELinux, seccomp'],
    'nist-800-190': ['4.4.3', '4.5.2'],
    pss: ['seccompProfile_restricted'],
  },
  equivalents: ['KSV-0030', 'C-0210'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    for (const c of pod.containers) {
      const profile = profileOf(pod, c);
      // Unconfined is reported by workload.seccomp-unconfined.
      if ((profile.type !== undefined && CONFINING_TYPES.has(profile.type)) || profile.type === 'Unconfined' || profile.type === 'unconfined') continue;
      yield profile.type === undefined
        ? { path: `${c.path}.securityContext.seccompProfile`, message: `container "${c.name}" runs without a seccomp profile` }
        : { path: profile.path ?? `${c.path}.securityContext.seccompProfile`, message: `container "${c.name}" sets the unknown seccomp profile type "${profile.type}"` };
    }
  },
  examples: {
    valid: [
      examplePod(`
        securityContext: { seccompProfile: { type: RuntimeDefault } }
        containers: [{ name: app, image: nginx }]`),
      exampleDeployment(`
        containers: [{ name: app, image: nginx, securityContext: { seccompProfile: { type: Localhost, localhostProfile: profiles/app.json } } }]`),
    ],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers:
            - { name: app, image: nginx }
            - { name: sidecar, image: envoy, securityContext: { seccompProfile: { type: LocalPort } } }`),
        paths: ['spec.template.spec.containers[0].securityContext.seccompProfile', 'spec.template.spec.containers[1].securityContext.seccompProfile.type'],
      },
    ],
  },
});
