import { defineCheck } from '../../engine/check.js';
import { exampleCronJob, examplePod, hostPathVolumes } from './util.js';
import { isRuntimeSocketPath, sensitiveExposureOf } from './sensitive-paths.js';

export default defineCheck({
  id: 'workload.sensitive-host-path',
  title: 'Pods must not mount sensitive node directories',
  severity: 'high',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Mounting the node root, /etc, /proc, /sys, /root, /var/run or the kubelet state directory gives the container node credentials (kubelet and service account keys), kernel tunables or the means to rewrite node configuration.',
  remediation:
    'Remove the hostPath volume, or narrow it to an application-specific directory mounted read-only. Runtime sockets are reported by workload.container-runtime-socket.',
  controls: {
    iso27001: ['A.8.2', 'A.8.3', 'A.8.9'],
    cis: ['5.2.12'],
    nsa: ['Pod security: hostPath volumes'],
    'nist-800-190': ['4.4.3', '4.5.5'],
    pss: ['hostPathVolumes'],
  },
  equivalents: ['KSV-0121', 'C-0045'],
  *check(pod) {
    for (const v of hostPathVolumes(pod)) {
      if (isRuntimeSocketPath(v.hostPath)) continue;
      const exposure = sensitiveExposureOf(v.hostPath);
      if (exposure === undefined) continue;
      const { dir, contains } = exposure;
      const what = dir === '/' ? 'the node root file system' : contains ? `a directory that contains ${dir}` : `a path under ${dir}`;
      yield { path: `${v.path}.hostPath.path`, message: `volume "${v.name}" mounts ${what} ("${v.hostPath || '/'}")` };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx }]
      volumes: [{ name: data, hostPath: { path: /srv/app-data } }]`)],
    invalid: [
      {
        manifest: examplePod(`
          containers: [{ name: app, image: nginx }]
          volumes:
            - { name: root, hostPath: { path: / } }
            - { name: etc, hostPath: { path: /etc/ } }
            - { name: kubelet, hostPath: { path: /var/lib/kubelet/pki } }
            - { name: proc, hostPath: { path: /proc } }`),
        paths: ['spec.volumes[0].hostPath.path', 'spec.volumes[1].hostPath.path', 'spec.volumes[2].hostPath.path', 'spec.volumes[3].hostPath.path'],
      },
      {
        manifest: exampleCronJob(`
          containers: [{ name: job, image: busybox }]
          volumes: [{ name: sys, hostPath: { path: /sys/fs/cgroup } }]`),
        paths: ['spec.jobTemplate.spec.template.spec.volumes[0].hostPath.path'],
      },
      {
        // Review regression: a parent of sensitive directories (/var holds /var/lib/kubelet and /var/run) was not reported.
        manifest: examplePod(`
          containers: [{ name: app, image: nginx }]
          volumes:
            - { name: var, hostPath: { path: /var } }
            - { name: varlib, hostPath: { path: /var/lib/ } }
            - { name: data, hostPath: { path: /srv/app-data } }`),
        paths: ['spec.volumes[0].hostPath.path', 'spec.volumes[1].hostPath.path'],
      },
    ],
  },
});
