import { defineCheck } from '../../engine/check.js';
import { asArray, examplePod, isObject, podSecurityContext } from './util.js';

/** Namespaced sysctls the Pod Security Standards consider safe for any pod. */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

export default defineCheck({
  id: 'workload.unsafe-sysctls',
  title: 'Pods must set only safe sysctls',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Sysctls outside the safe, namespaced set either change the whole node\'s kernel or weaken isolation between pods on it (shared memory limits, network stack tuning).',
  remediation: 'Remove sysctls that are not in the safe set, or tune them on dedicated nodes through the node configuration instead of pod specs.',
  controls: {
    iso27001: ['A.8.9'],
    nsa: ['Pod security enforcement'],
    'nist-800-190': ['4.4.3', '4.5.2'],
    pss: ['sysctls'],
  },
  equivalents: ['KSV-0026'],
  *check(pod) {
    const sysctls = asArray(podSecurityContext(pod).sysctls);
    for (let i = 0; i < sysctls.length; i++) {
      const entry = sysctls[i];
      if (!isObject(entry) || typeof entry.name !== 'string') continue;
      if (SAFE_SYSCTLS.has(entry.name.replace(/\//g, '.'))) continue;
      yield { path: `${pod.specPath}.securityContext.sysctls[${i}].name`, message: `pod sets the unsafe sysctl ${entry.name}` };
    }
  },
  examples: {
    valid: [examplePod(`
      securityContext: { sysctls: [{ name: net.ipv4.ip_local_port_range, value: "1024 65535" }, { name: kernel.shm_rmid_forced, value: "1" }] }
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      {
        manifest: examplePod(`
          securityContext: { sysctls: [{ name: kernel.shm_rmid_forced, value: "1" }, { name: kernel.msgmax, value: "65536" }, { name: net/core/somaxconn, value: "1024" }] }
          containers: [{ name: app, image: nginx }]`),
        paths: ['spec.securityContext.sysctls[1].name', 'spec.securityContext.sysctls[2].name'],
      },
    ],
  },
});
