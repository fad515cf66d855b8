/** Pod and container hardening checks, and the Secret-handling checks that read pod specs and ConfigMaps. */
import type { Check } from '../../engine/check.js';
import privilegedContainer from './privileged-container.js';
import hostPid from './host-pid.js';
import hostIpc from './host-ipc.js';
import hostNetwork from './host-network.js';
import hostPathVolume from './host-path-volume.js';
import containerRuntimeSocket from './container-runtime-socket.js';
import sensitiveHostPath from './sensitive-host-path.js';
import writableHostPath from './writable-host-path.js';
import addedCapabilities from './added-capabilities.js';
import dangerousCapabilities from './dangerous-capabilities.js';
import capabilitiesDropAll from './capabilities-drop-all.js';
import runAsNonRoot from './run-as-non-root.js';
import rootUser from './root-user.js';
import rootGroup from './root-group.js';
import lowUserId from './low-user-id.js';
import lowGroupId from './low-group-id.js';
import allowPrivilegeEscalation from './allow-privilege-escalation.js';
import readOnlyRootFilesystem from './read-only-root-filesystem.js';
import procMount from './proc-mount.js';
import apparmor from './apparmor.js';
import seccompUnconfined from './seccomp-unconfined.js';
import seccompProfile from './seccomp-profile.js';
import selinuxOptions from './selinux-options.js';
import shareProcessNamespace from './share-process-namespace.js';
import hostPorts from './host-ports.js';
import unsafeSysctls from './unsafe-sysctls.js';
import windowsHostProcess from './windows-host-process.js';
import hostUsers from './host-users.js';
import ephemeralContainer from './ephemeral-container.js';
import volumeTypes from './volume-types.js';
import cpuLimits from './cpu-limits.js';
import memoryLimits from './memory-limits.js';
import cpuRequests from './cpu-requests.js';
import memoryRequests from './memory-requests.js';
import livenessProbe from './liveness-probe.js';
import readinessProbe from './readiness-probe.js';
import automountTokenEnabled from './automount-token-enabled.js';
import automountToken from './automount-token.js';
import defaultServiceAccount from './default-service-account.js';
import systemNamespace from './system-namespace.js';
import defaultNamespace from './default-namespace.js';
import credentialInEnv from './credential-in-env.js';
import secretKeyRefEnv from './secret-key-ref-env.js';
import secretEnvFrom from './secret-env-from.js';
import configmapCredentials from './configmap-credentials.js';
import sshPort from './ssh-port.js';
import mountPropagation from './mount-propagation.js';
import literalSecret from './literal-secret.js';
import hostAliases from './host-aliases.js';
import privilegedPort from './privileged-port.js';
import securityContextMissing from './security-context-missing.js';
import sudoInCommand from './sudo-in-command.js';
import nakedPod from './naked-pod.js';
import duplicateEnvVar from './duplicate-env-var.js';
import deprecatedServiceAccountField from './deprecated-service-account-field.js';

export const workloadChecks: Check[] = [
  privilegedContainer,
  hostPid,
  hostIpc,
  hostNetwork,
  hostPathVolume,
  containerRuntimeSocket,
  sensitiveHostPath,
  writableHostPath,
  addedCapabilities,
  dangerousCapabilities,
  capabilitiesDropAll,
  runAsNonRoot,
  rootUser,
  rootGroup,
  lowUserId,
  lowGroupId,
  allowPrivilegeEscalation,
  readOnlyRootFilesystem,
  procMount,
  apparmor,
  seccompUnconfined,
  seccompProfile,
  selinuxOptions,
  shareProcessNamespace,
  hostPorts,
  unsafeSysctls,
  windowsHostProcess,
  hostUsers,
  ephemeralContainer,
  volumeTypes,
  cpuLimits,
  memoryLimits,
  cpuRequests,
  memoryRequests,
  livenessProbe,
  readinessProbe,
  automountTokenEnabled,
  automountToken,
  defaultServiceAccount,
  systemNamespace,
  defaultNamespace,
  hostAliases,
  privilegedPort,
  securityContextMissing,
  sudoInCommand,
  nakedPod,
  duplicateEnvVar,
  deprecatedServiceAccountField,
  credentialInEnv,
  secretKeyRefEnv,
  secretEnvFrom,
  configmapCredentials,
  sshPort,
  mountPropagation,
  literalSecret,
];
