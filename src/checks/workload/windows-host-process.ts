import { defineCheck } from '../../engine/check.js';
import { asObject, containerSecurityContext, exampleDeployment, examplePod, podSecurityContext } from './util.js';

export default defineCheck({
  id: 'workload.windows-host-process',
  title: 'Windows pods must not run HostProcess containers',
  severity: 'high',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'A Windows HostProcess container runs directly on the node as a host process with access to the node\'s network, file system and, typically, SYSTEM privileges: the Windows counterpart of a privileged container.',
  remediation: 'Remove windowsOptions.hostProcess (pod and containers) or set it to false; keep node management agents as reviewed exceptions.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9', 'A.8.18'],
    cis: ['5.2.11'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3'],
    pss: ['windowsHostProcess'],
  },
  equivalents: ['KSV-0103'],
  *check(pod) {
    if (asObject(podSecurityContext(pod).windowsOptions).hostProcess === true) {
      yield { path: `${pod.specPath}.securityContext.windowsOptions.hostProcess`, message: 'pod runs its containers as Windows HostProcess containers' };
    }
    for (const c of pod.containers) {
      if (asObject(containerSecurityContext(c).windowsOptions).hostProcess === true) {
        yield { path: `${c.path}.securityContext.windowsOptions.hostProcess`, message: `container "${c.name}" is a Windows HostProcess container` };
      }
    }
  },
  examples: {
    valid: [examplePod(`
      os: { name: windows }
      securityContext: { windowsOptions: { runAsUserName: ContainerUser } }
      containers: [{ name: app, image: mcr.microsoft.com/windows/nanoserver:ltsc2022 }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          os: { name: windows }
          hostNetwork: true
          securityContext: { windowsOptions: { hostProcess: true, runAsUserName: "NT AUTHORITY\\\\SYSTEM" } }
          containers: [{ name: agent, image: agent:1.0, securityContext: { windowsOptions: { hostProcess: true } } }]`),
        paths: ['spec.template.spec.securityContext.windowsOptions.hostProcess', 'spec.template.spec.containers[0].securityContext.windowsOptions.hostProcess'],
      },
    ],
  },
});
