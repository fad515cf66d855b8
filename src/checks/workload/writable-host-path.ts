import { defineCheck } from '../../engine/check.js';
import { asArray, exampleDeployment, hostPathVolumes, isObject } from './util.js';

export default defineCheck({
  id: 'workload.writable-host-path',
  title: 'hostPath volumes must be mounted read-only',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'A writable hostPath mount lets a compromised container plant files on the node (binaries, cron entries, kubelet manifests) or tamper with data other pods read from the same directory.',
  remediation: 'Set readOnly: true on every volumeMount of a hostPath volume, or replace the hostPath volume.',
  controls: {
    iso27001: ['A.8.3', 'A.8.9', 'A.8.18'],
    cis: ['5.2.12'],
    nsa: ['Pod security: hostPath volumes'],
    'nist-800-190': ['4.5.5'],
  },
  equivalents: ['C-0045'],
  *check(pod) {
    const hostPaths = new Set(hostPathVolumes(pod).map((v) => v.name));
    if (hostPaths.size === 0) return;
    for (const c of pod.containers) {
      const mounts = asArray(c.container.volumeMounts);
      for (let i = 0; i < mounts.length; i++) {
        const mount = mounts[i];
        if (!isObject(mount) || typeof mount.name !== 'string' || !hostPaths.has(mount.name)) continue;
        if (mount.readOnly === true) continue;
        yield { path: `${c.path}.volumeMounts[${i}]`, message: `container "${c.name}" mounts hostPath volume "${mount.name}" writable` };
      }
    }
  },
  examples: {
    valid: [exampleDeployment(`
      containers: [{ name: app, image: nginx, volumeMounts: [{ name: data, mountPath: /data, readOnly: true }] }]
      volumes: [{ name: data, hostPath: { path: /srv/data } }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers:
            - name: app
              image: nginx
              volumeMounts: [{ name: cache, mountPath: /cache }, { name: data, mountPath: /data }]
          volumes: [{ name: cache, emptyDir: {} }, { name: data, hostPath: { path: /srv/data } }]`),
        paths: ['spec.template.spec.containers[0].volumeMounts[1]'],
      },
    ],
  },
});
