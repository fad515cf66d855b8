import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod, hostPathVolumes } from './util.js';

export default defineCheck({
  id: 'workload.host-path-volume',
  title: 'Pods should not mount hostPath volumes',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'A hostPath volume ties the pod to a node and exposes part of the node file system to the container; writable or sensitive paths are a known route to node compromise, and even read-only ones can leak node data.',
  remediation: 'Replace hostPath volumes with emptyDir, configMap, secret, projected or persistent volumes. Keep node agents that need host files as reviewed exceptions.',
  controls: {
    iso27001: ['A.8.3', 'A.8.9'],
    cis: ['5.2.12'],
    nsa: ['Pod security: hostPath volumes'],
    'nist-800-190': ['4.4.3', '4.5.5'],
    pss: ['hostPathVolumes'],
  },
  equivalents: ['KSV-0023', 'C-0048'],
  *check(pod) {
    for (const v of hostPathVolumes(pod)) {
      yield { path: `${v.path}.hostPath`, message: `volume "${v.name}" mounts host path "${v.hostPath}"` };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, volumeMounts: [{ name: cache, mountPath: /cache }] }]
      volumes: [{ name: cache, emptyDir: {} }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers: [{ name: app, image: nginx }]
          volumes:
            - { name: cache, emptyDir: {} }
            - { name: logs, hostPath: { path: /var/log/app } }`),
        paths: ['spec.template.spec.volumes[1].hostPath'],
      },
    ],
  },
});
