import { defineCheck } from '../../engine/check.js';
import type { Violation } from '../../engine/check.js';
import type { PodTemplate } from '../../resources/workloads.js';
import { asArray, exampleDeployment, examplePod, isObject } from './util.js';

/** Where the kubelet mounts the service account token; a volume mounted here is a hand-made token mount. */
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

function* explicitTokenMounts(pod: PodTemplate): Iterable<Violation> {
  for (const c of pod.containers) {
    const mounts = asArray(c.container.volumeMounts);
    for (let i = 0; i < mounts.length; i++) {
      const mount = mounts[i];
      if (!isObject(mount) || typeof mount.mountPath !== 'string' || mount.mountPath.replace(/\/+$/, '') !== TOKEN_MOUNT_PATH) continue;
      yield { path: `${c.path}.volumeMounts[${i}].mountPath`, message: `container "${c.name}" mounts a volume at the service account token path` };
    }
  }
}

export default defineCheck({
  id: 'workload.automount-token-enabled',
  title: 'Pods should not explicitly mount a service account token',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'automountServiceAccountToken: true (or a volume mounted by hand at the token path) puts an API credential in every container of the pod, even when the service account itself opts out; anyone who reaches a shell or a file-read bug in the pod can call the API server with it.',
  remediation:
    'Set automountServiceAccountToken: false, and mount a projected, audience-bound token only into the container that calls the API.',
  controls: {
    iso27001: ['A.5.17', 'A.8.3'],
    cis: ['5.1.6'],
    nsa: ['Protecting Pod service account tokens'],
    'nist-800-190': ['4.3.2'],
  },
  equivalents: ['KSV-0036', 'C-0261'],
  *check(pod) {
    const setting = pod.spec.automountServiceAccountToken;
    if (setting === true) {
      yield { path: `${pod.specPath}.automountServiceAccountToken`, message: 'pod explicitly mounts its service account token (automountServiceAccountToken: true)' };
    } else if (setting === undefined || setting === null) {
      yield* explicitTokenMounts(pod);
    }
  },
  examples: {
    valid: [examplePod(`
      automountServiceAccountToken: false
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          serviceAccountName: app
          automountServiceAccountToken: true
          containers: [{ name: app, image: nginx }]`),
        paths: ['spec.template.spec.automountServiceAccountToken'],
      },
      {
        manifest: examplePod(`
          containers: [{ name: app, image: nginx, volumeMounts: [{ name: token, mountPath: /var/run/secrets/kubernetes.io/serviceaccount }] }]
          volumes: [{ name: token, projected: { sources: [{ serviceAccountToken: { path: token } }] } }]`),
        paths: ['spec.containers[0].volumeMounts[0].mountPath'],
      },
    ],
  },
});
