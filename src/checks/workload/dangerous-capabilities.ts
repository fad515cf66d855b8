import { defineCheck } from '../../engine/check.js';
import { capabilityEntries, exampleCronJob, examplePod, isWindowsPod } from './util.js';

/** Capabilities that give a container a way out of its isolation or control over the node, and why. */
export const DANGEROUS_CAPABILITIES: Readonly<Record<string, string>> = {
  ALL: 'every capability',
  SYS_ADMIN: 'mounts, namespaces and most kernel administration, close to root on the node',
  SYS_MODULE: 'loading kernel modules',
  SYS_PTRACE: 'tracing and injecting into other processes',
  SYS_RAWIO: 'raw device and I/O port access',
  SYS_BOOT: 'rebooting the node and loading new kernels',
  SYS_TIME: 'changing the node clock',
  NET_ADMIN: 'reconfiguring network interfaces, routes and firewall rules',
  NET_RAW: 'raw sockets: spoofing and sniffing traffic',
  BPF: 'loading eBPF programs into the kernel',
  PERFMON: 'kernel performance monitoring interfaces',
  DAC_READ_SEARCH: 'bypassing file read permissions (open_by_handle_at escapes)',
  MAC_ADMIN: 'changing the mandatory access control policy',
  MAC_OVERRIDE: 'overriding the mandatory access control policy',
  SYSLOG: 'reading the kernel log and kernel addresses',
};

export default defineCheck({
  id: 'workload.dangerous-capabilities',
  title: 'Containers must not add dangerous capabilities',
  severity: 'high',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Capabilities such as SYS_ADMIN, SYS_MODULE, SYS_PTRACE, NET_ADMIN, NET_RAW and BPF are the building blocks of most container escapes and of traffic interception on the node network.',
  remediation: 'Remove the capability from securityContext.capabilities.add and redesign the workload so it does not need kernel-level privileges; run node agents that do as reviewed exceptions.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9', 'A.8.18'],
    cis: ['5.2.8', '5.2.9'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3', '4.5.2'],
    pss: ['capabilities_baseline'],
  },
  equivalents: ['KSV-0005', 'KSV-0119', 'KSV-0120', 'C-0046'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    for (const c of pod.containers) {
      for (const cap of capabilityEntries(c, 'add')) {
        const why = DANGEROUS_CAPABILITIES[cap.value];
        if (why === undefined) continue;
        yield {
          path: cap.path,
          message: `container "${c.name}" adds ${cap.value} (${why})`,
          ...(cap.value === 'ALL' || cap.value === 'SYS_ADMIN' ? { severity: 'critical' as const } : {}),
        };
      }
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, securityContext: { capabilities: { drop: [ALL], add: [NET_BIND_SERVICE] } } }]`)],
    invalid: [
      {
        manifest: examplePod(`
          containers:
            - { name: app, image: nginx, securityContext: { capabilities: { add: [SYS_ADMIN, CHOWN] } } }
            - { name: sniffer, image: tcpdump, securityContext: { capabilities: { add: [CAP_NET_RAW, net_admin] } } }`),
        paths: [
          'spec.containers[0].securityContext.capabilities.add[0]',
          'spec.containers[1].securityContext.capabilities.add[0]',
          'spec.containers[1].securityContext.capabilities.add[1]',
        ],
      },
      {
        manifest: exampleCronJob(`
          containers: [{ name: job, image: busybox, securityContext: { capabilities: { add: [SYS_MODULE] } } }]`),
        paths: ['spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities.add[0]'],
      },
    ],
  },
});
