import { defineCheck } from '../../engine/check.js';
import { examplePod, volumesOf } from './util.js';

/** Volume sources the restricted Pod Security Standard allows (hostPath has its own checks). */
export const CORE_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
  'hostPath',
]);

export default defineCheck({
  id: 'workload.volume-types',
  title: 'Pods should use only core volume types',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'In-tree network and cloud volume plugins (nfs, iscsi, rbd, scaleIO, flexVolume, gitRepo…) are mounted by the kubelet with node privileges and often carry their own credentials; persistent volume claims and CSI keep that outside the pod spec.',
  remediation: 'Replace in-tree volume sources with a persistentVolumeClaim (backed by a CSI driver), or with configMap, secret, projected, downwardAPI, emptyDir or ephemeral volumes.',
  controls: {
    iso27001: ['A.8.9'],
    nsa: ['Pod security enforcement'],
    'nist-800-190': ['4.4.3'],
    pss: ['restrictedVolumes'],
  },
  equivalents: ['KSV-0028'],
  *check(pod) {
    for (const v of volumesOf(pod)) {
      for (const source of Object.keys(v.volume)) {
        if (source === 'name' || CORE_VOLUME_SOURCES.has(source)) continue;
        yield { path: `${v.path}.${source}`, message: `volume "${v.name}" uses the non-core volume type ${source}` };
      }
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx }]
      volumes:
        - { name: data, persistentVolumeClaim: { claimName: data } }
        - { name: config, configMap: { name: app } }
        - { name: token, projected: { sources: [{ serviceAccountToken: { path: token } }] } }`)],
    invalid: [
      {
        manifest: examplePod(`
          containers: [{ name: app, image: nginx }]
          volumes:
            - { name: share, nfs: { server: nfs.example.com, path: /exports } }
            - { name: repo, gitRepo: { repository: "https://example.com/repo.git" } }`),
        paths: ['spec.volumes[0].nfs', 'spec.volumes[1].gitRepo'],
      },
    ],
  },
});
