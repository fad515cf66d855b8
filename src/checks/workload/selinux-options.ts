import { defineCheck } from '../../engine/check.js';
import type { Violation } from '../../engine/check.js';
import type { JsonValue } from '../../resources/types.js';
import { asObject, containerSecurityContext, exampleDeployment, examplePod, isWindowsPod, podSecurityContext } from './util.js';

/** SELinux types the Pod Security Standards allow containers to request. */
export const ALLOWED_SELINUX_TYPES: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

function* optionViolations(options: JsonValue | undefined, base: string, who: string): Iterable<Violation> {
  const o = asObject(options);
  if (typeof o.type === 'string' && !ALLOWED_SELINUX_TYPES.has(o.type)) {
    yield { path: `${base}.type`, message: `${who} requests the custom SELinux type "${o.type}"` };
  }
  for (const field of ['user', 'role'] as const) {
    const value = o[field];
    if (typeof value === 'string' && value !== '') yield { path: `${base}.${field}`, message: `${who} sets a custom SELinux ${field} "${value}"` };
  }
}

export default defineCheck({
  id: 'workload.selinux-options',
  title: 'Containers must not set custom SELinux types, users or roles',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'On SELinux nodes the container_t type confines containers; a custom type (spc_t, unconfined_t…), user or role can lift that confinement entirely.',
  remediation: 'Remove seLinuxOptions.user and .role, and use only container_t, container_init_t, container_kvm_t or container_engine_t as the type (or leave it unset).',
  controls: {
    iso27001: ['A.8.9'],
    nsa: ['Hardening container environments: AppArmor, SELinux, seccomp'],
    'nist-800-190': ['4.4.3', '4.5.2'],
    pss: ['seLinuxOptions'],
  },
  equivalents: ['KSV-0025', 'C-0055'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    yield* optionViolations(podSecurityContext(pod).seLinuxOptions, `${pod.specPath}.securityContext.seLinuxOptions`, 'pod');
    for (const c of pod.containers) {
      yield* optionViolations(containerSecurityContext(c).seLinuxOptions, `${c.path}.securityContext.seLinuxOptions`, `container "${c.name}"`);
    }
  },
  examples: {
    valid: [examplePod(`
      securityContext: { seLinuxOptions: { type: container_t, level: "s0:c123,c456" } }
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          securityContext: { seLinuxOptions: { type: spc_t } }
          containers: [{ name: app, image: nginx, securityContext: { seLinuxOptions: { user: system_u, role: system_r } } }]`),
        paths: [
          'spec.template.spec.securityContext.seLinuxOptions.type',
          'spec.template.spec.containers[0].securityContext.seLinuxOptions.user',
          'spec.template.spec.containers[0].securityContext.seLinuxOptions.role',
        ],
      },
    ],
  },
});
