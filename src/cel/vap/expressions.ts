/**
 * Built-in checks written in CEL, for `annexa vap generate`. Each expression is true when the
 * object passes; it reads the pod spec through `variables.spec` (a Pod's spec, or the pod template
 * of any workload kind) and `variables.containers` (init, regular and ephemeral containers), so one
 * policy covers Pods and every workload. Standard CEL with optional syntax (`a.?b.orValue(x)`,
 * Kubernetes 1.29+); no Kubernetes-specific library function is needed for these checks.
 * test/vap-parity.test.ts evaluates each against every example of its check.
 */

export const POD_SPEC_VARIABLE = "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.kind == 'PodTemplate' ? object.template.spec : object.spec.template.spec";
export const CONTAINERS_VARIABLE = 'variables.spec.?initContainers.orValue([]) + variables.spec.?containers.orValue([]) + variables.spec.?ephemeralContainers.orValue([])';

const notWindows = "variables.spec.?os.?name.orValue('') != 'windows'";

export interface CelCheck {
  expression: string;
  /** Names what failed, evaluated when the expression is false. */
  messageExpression: string;
}

const podFlag = (field: string, what: string): CelCheck => ({
  expression: `variables.spec.?${field}.orValue(false) != true`,
  messageExpression: `'pod ${what} (${field}: true)'`,
});

export const CEL_CHECKS: ReadonlyMap<string, CelCheck> = new Map<string, CelCheck>([
  ['workload.privileged-container', {
    expression: 'variables.containers.all(c, c.?securityContext.?privileged.orValue(false) != true)',
    messageExpression: "'privileged containers: ' + variables.containers.filter(c, c.?securityContext.?privileged.orValue(false) == true).map(c, c.name).join(', ')",
  }],
  ['workload.host-pid', podFlag('hostPID', 'shares the host PID namespace')],
  ['workload.host-ipc', podFlag('hostIPC', 'shares the host IPC namespace')],
  ['workload.host-network', podFlag('hostNetwork', 'uses the host network namespace')],
  ['workload.share-process-namespace', podFlag('shareProcessNamespace', 'shares one process namespace between its containers')],
  ['workload.host-path-volume', {
    expression: '!variables.spec.?volumes.orValue([]).exists(v, type(v.?hostPath.orValue(null)) == map)',
    messageExpression: "'hostPath volumes: ' + variables.spec.?volumes.orValue([]).filter(v, type(v.?hostPath.orValue(null)) == map).map(v, v.name).join(', ')",
  }],
  ['workload.allow-privilege-escalation', {
    expression: `!(${notWindows}) || variables.containers.all(c, c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false)`,
    messageExpression: "'containers without allowPrivilegeEscalation: false: ' + variables.containers.filter(c, c.?securityContext.?allowPrivilegeEscalation.orValue(true) != false).map(c, c.name).join(', ')",
  }],
  ['workload.read-only-root-filesystem', {
    expression: `!(${notWindows}) || variables.containers.all(c, c.?securityContext.?readOnlyRootFilesystem.orValue(false) == true)`,
    messageExpression: "'containers with a writable root file system: ' + variables.containers.filter(c, c.?securityContext.?readOnlyRootFilesystem.orValue(false) != true).map(c, c.name).join(', ')",
  }],
  ['workload.host-ports', {
    expression: "!variables.containers.exists(c, c.?ports.orValue([]).exists(p, type(p) == map && (type(p.?hostPort.orValue('')) == int || type(p.?hostPort.orValue('')) == double) && p.hostPort != 0))",
    messageExpression: "'containers binding host ports: ' + variables.containers.filter(c, c.?ports.orValue([]).exists(p, type(p) == map && (type(p.?hostPort.orValue('')) == int || type(p.?hostPort.orValue('')) == double) && p.hostPort != 0)).map(c, c.name).join(', ')",
  }],
  ['workload.proc-mount', {
    expression: "variables.containers.all(c, c.?securityContext.?procMount.orValue(null) == null || c.?securityContext.?procMount.orValue(null) == 'Default')",
    messageExpression: "'containers with a non-default procMount: ' + variables.containers.filter(c, !(c.?securityContext.?procMount.orValue(null) == null || c.?securityContext.?procMount.orValue(null) == 'Default')).map(c, c.name).join(', ')",
  }],
  ['workload.windows-host-process', {
    expression: 'variables.spec.?securityContext.?windowsOptions.?hostProcess.orValue(false) != true && variables.containers.all(c, c.?securityContext.?windowsOptions.?hostProcess.orValue(false) != true)',
    messageExpression: "'pod or containers run as Windows HostProcess containers'",
  }],
  ['workload.host-users', {
    expression: `!(${notWindows}) || variables.spec.?hostUsers.orValue(true) == false`,
    messageExpression: "'pod shares the node user namespace (hostUsers is not false)'",
  }],
  ['workload.host-aliases', {
    expression: 'size(variables.spec.?hostAliases.orValue([])) == 0',
    messageExpression: "'pod overrides /etc/hosts with hostAliases'",
  }],
]);
