import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod, hostPathVolumes } from './util.js';
import { isRuntimeSocketPath } from './sensitive-paths.js';

export default defineCheck({
  id: 'workload.container-runtime-socket',
  title: 'Pods must not mount the container runtime socket',
  severity: 'critical',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'The Docker, containerd or CRI-O socket accepts requests to start privileged containers with the host file system mounted: a container that can reach it controls the node and every workload on it.',
  remediation:
    'Remove hostPath volumes that point at runtime sockets (docker.sock, containerd.sock, crio.sock) or runtime state directories. Build images with rootless builders (BuildKit rootless, kaniko) instead of Docker-in-Docker.',
  controls: {
    iso27001: ['A.8.2', 'A.8.3', 'A.8.9', 'A.8.18'],
    cis: ['5.2.12'],
    nsa: ['Pod security: hostPath volumes'],
    'nist-800-190': ['4.4.3', '4.5.5'],
    pss: ['hostPathVolumes'],
  },
  equivalents: ['KSV-0006', 'C-0074'],
  *check(pod) {
    for (const v of hostPathVolumes(pod)) {
      if (isRuntimeSocketPath(v.hostPath)) {
        yield { path: `${v.path}.hostPath.path`, message: `volume "${v.name}" mounts the container runtime socket "${v.hostPath}"` };
      }
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx }]
      volumes: [{ name: data, hostPath: { path: /srv/data } }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers: [{ name: agent, image: agent:1.0 }]
          volumes:
            - { name: docker, hostPath: { path: /var/run/docker.sock, type: Socket } }
            - { name: containerd, hostPath: { path: /run/containerd/containerd.sock } }
            - { name: crio, hostPath: { path: /var/run/crio/crio.sock } }`),
        paths: [
          'spec.template.spec.volumes[0].hostPath.path',
          'spec.template.spec.volumes[1].hostPath.path',
          'spec.template.spec.volumes[2].hostPath.path',
        ],
      },
    ],
  },
});
