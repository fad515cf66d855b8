import { defineCheck } from '../../engine/check.js';
import { asArray, asObject } from '../../resources/workloads.js';
import { examplePod, hostPathVolumes } from './util.js';

export default defineCheck({
  id: 'workload.mount-propagation',
  title: 'Volume mounts must not propagate mounts to or from the host',
  severity: 'high',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'mountPropagation: Bidirectional lets mounts made in the container appear on the node (and in every pod sharing the volume): a '
    + 'compromised container can shadow host paths. HostToContainer on a hostPath volume lets later host mounts, such as other pods\' '
    + 'Secret volumes, appear inside the container.',
  remediation: 'Remove mountPropagation (the default is None); keep Bidirectional to reviewed node agents (CSI drivers) that need it.',
  severityAdjustments: 'medium for HostToContainer on a hostPath volume; high for Bidirectional (which the API server only admits in privileged containers).',
  controls: { iso27001: ['A.8.2', 'A.8.9'], nsa: ['Pod security: non-root and unprivileged containers'], 'nist-800-190': ['4.4.3'] },
  *check(pod) {
    const hostPaths = new Set(hostPathVolumes(pod).map((v) => v.name));
    for (const c of pod.containers) {
      const mounts = asArray(c.container.volumeMounts);
      for (let i = 0; i < mounts.length; i++) {
        const mount = asObject(mounts[i]);
        const path = `${c.path}.volumeMounts[${i}].mountPropagation`;
        if (mount.mountPropagation === 'Bidirectional') {
          yield { path, message: `container "${c.name}" mounts volume "${String(mount.name)}" with Bidirectional propagation: its mounts reach the node` };
        } else if (mount.mountPropagation === 'HostToContainer' && typeof mount.name === 'string' && hostPaths.has(mount.name)) {
          yield {
            path, severity: 'medium', severityReason: 'high → medium: HostToContainer only receives host mounts, it does not create them',
            message: `container "${c.name}" mounts hostPath volume "${mount.name}" with HostToContainer propagation: later host mounts appear in it`,
          };
        }
      }
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, volumeMounts: [{ name: data, mountPath: /data, mountPropagation: HostToContainer }] }]
      volumes: [{ name: data, emptyDir: {} }]`)],
    invalid: [
      {
        manifest: examplePod(`
          containers:
            - name: csi
              image: driver
              securityContext: { privileged: true }
              volumeMounts:
                - { name: pods, mountPath: /var/lib/kubelet/pods, mountPropagation: Bidirectional }
                - { name: host, mountPath: /host, mountPropagation: HostToContainer }
          volumes:
            - { name: pods, hostPath: { path: /var/lib/kubelet/pods } }
            - { name: host, hostPath: { path: / } }`),
        paths: ['spec.containers[0].volumeMounts[0].mountPropagation', 'spec.containers[0].volumeMounts[1].mountPropagation'],
      },
    ],
  },
});
