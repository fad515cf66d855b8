import { defineCheck } from '../../engine/check.js';
import type { Violation } from '../../engine/check.js';
import type { JsonValue } from '../../resources/types.js';
import type { PodTemplate } from '../../resources/workloads.js';
import { describeValue } from '../../resources/values.js';
import { asObject, containerSecurityContext, exampleDeployment, examplePod, isWindowsPod, podAnnotation, podSecurityContext } from './util.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const FIELD_TYPES = new Set(['RuntimeDefault', 'Localhost']);

/** Why an annotation value is not acceptable, or undefined when it is `runtime/default` or `localhost/<profile>`. */
function annotationProblem(value: string): string | undefined {
  if (value === 'runtime/default' || /^localhost\/.+/.test(value)) return undefined;
  return value === 'unconfined' ? 'runs unconfined' : `uses the unsupported profile "${value}"`;
}

function fieldProblem(profile: JsonValue | undefined): string | undefined {
  const type = asObject(profile).type;
  if (type === undefined || (typeof type === 'string' && FIELD_TYPES.has(type))) return undefined;
  return type === 'Unconfined' ? 'runs unconfined' : `uses the unsupported profile type "${describeValue(type)}"`;
}

function* fieldViolations(pod: PodTemplate): Iterable<Violation> {
  const podProblem = fieldProblem(podSecurityContext(pod).appArmorProfile);
  if (podProblem) yield { path: `${pod.specPath}.securityContext.appArmorProfile.type`, message: `pod ${podProblem} under AppArmor` };
  for (const c of pod.containers) {
    const problem = fieldProblem(containerSecurityContext(c).appArmorProfile);
    if (problem) yield { path: `${c.path}.securityContext.appArmorProfile.type`, message: `container "${c.name}" ${problem} under AppArmor` };
  }
}

export default defineCheck({
  id: 'workload.apparmor',
  title: 'Containers must not run with AppArmor disabled',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'The runtime\'s default AppArmor profile blocks writes to /proc and /sys and mount operations that container escapes rely on; disabling it (unconfined) or naming a profile the node cannot load removes that layer.',
  remediation:
    'Remove the unconfined setting: use securityContext.appArmorProfile.type RuntimeDefault (or Localhost with a reviewed profile), or the legacy annotation value runtime/default.',
  controls: {
    iso27001: ['A.8.9'],
    nsa: ['Hardening container environments: AppArmor, SELinux, seccomp'],
    'nist-800-190': ['4.4.3', '4.5.2'],
    pss: ['appArmorProfile'],
  },
  equivalents: ['KSV-0002', 'C-0055'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    for (const key of Object.keys(asObject(pod.metadata.annotations))) {
      if (!key.startsWith(ANNOTATION_PREFIX)) continue;
      const annotation = podAnnotation(pod, key);
      const problem = annotation ? annotationProblem(annotation.value) : undefined;
      if (annotation && problem) {
        yield { path: annotation.path, message: `container "${key.slice(ANNOTATION_PREFIX.length)}" ${problem} under AppArmor` };
      }
    }
    yield* fieldViolations(pod);
  },
  examples: {
    valid: [
      examplePod(`
        containers: [{ name: app, image: nginx }]`, `
        name: example
        annotations: { container.apparmor.security.beta.kubernetes.io/app: runtime/default }`),
      examplePod(`
        securityContext: { appArmorProfile: { type: RuntimeDefault } }
        containers: [{ name: app, image: nginx, securityContext: { appArmorProfile: { type: Localhost, localhostProfile: k8s-nginx } } }]`),
    ],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers: [{ name: app, image: nginx }, { name: sidecar, image: envoy }]`, `
          annotations:
            container.apparmor.security.beta.kubernetes.io/app: unconfined
            container.apparmor.security.beta.kubernetes.io/sidecar: runtime/default`),
        paths: ['spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]'],
      },
      {
        manifest: examplePod(`
          securityContext: { appArmorProfile: { type: Unconfined } }
          containers: [{ name: app, image: nginx }]`),
        paths: ['spec.securityContext.appArmorProfile.type'],
      },
    ],
  },
});
