/** Kubernetes Pod Security Standards: the upstream pod-security-admission check ids and their level. */
import type { CrosswalkCatalog } from './types.js';

export const PSS_CATALOG: CrosswalkCatalog = {
  key: 'pss',
  framework: 'pod-security-standards',
  title: 'Kubernetes Pod Security Standards (upstream check ids)',
  items: [
    { id: 'hostNamespaces', title: 'Host namespaces (baseline)' },
    { id: 'privileged', title: 'Privileged containers (baseline)' },
    { id: 'capabilities_baseline', title: 'Added capabilities beyond the default set (baseline)' },
    { id: 'hostPathVolumes', title: 'HostPath volumes (baseline)' },
    { id: 'hostPorts', title: 'Host ports (baseline)' },
    { id: 'hostProbesAndHostLifecycle', title: 'Probe and lifecycle handlers targeting the host (baseline)' },
    { id: 'appArmorProfile', title: 'AppArmor profile (baseline)' },
    { id: 'seLinuxOptions', title: 'SELinux options (baseline)' },
    { id: 'procMount', title: '/proc mount type (baseline)' },
    { id: 'seccompProfile_baseline', title: 'Seccomp profile not Unconfined (baseline)' },
    { id: 'sysctls', title: 'Unsafe sysctls (baseline)' },
    { id: 'windowsHostProcess', title: 'Windows HostProcess containers (baseline)' },
    { id: 'restrictedVolumes', title: 'Volume types (restricted)' },
    { id: 'allowPrivilegeEscalation', title: 'Privilege escalation (restricted)' },
    { id: 'runAsNonRoot', title: 'Running as non-root (restricted)' },
    { id: 'runAsUser', title: 'Running as non-root user id (restricted)' },
    { id: 'seccompProfile_restricted', title: 'Seccomp profile required (restricted)' },
    { id: 'capabilities_restricted', title: 'Capabilities dropped, only NET_BIND_SERVICE added (restricted)' },
    { id: 'procMount_restricted', title: '/proc mount type with user namespaces (restricted)' },
  ],
};
