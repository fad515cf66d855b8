import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod, imageOf, parseImage } from '../workload/util.js';

/** Registries that no longer receive updates, and where the images moved. */
export const FROZEN_REGISTRIES: Readonly<Record<string, string>> = {
  'k8s.gcr.io': 'registry.k8s.io',
  'gcr.io/google-containers': 'registry.k8s.io',
  'gcr.io/google_containers': 'registry.k8s.io',
};

function frozenRegistryOf(image: string): string | undefined {
  const ref = parseImage(image);
  const name = ref.registry ? `${ref.registry}/${ref.repository}` : ref.repository;
  return Object.keys(FROZEN_REGISTRIES).find((registry) => name.startsWith(`${registry}/`));
}

export default defineCheck({
  id: 'images.deprecated-registry',
  title: 'Images must not come from frozen Kubernetes registries',
  severity: 'medium',
  domain: 'images',
  scope: 'pod',
  rationale:
    'k8s.gcr.io was frozen in 2023: images there receive no security fixes, and new versions are published only to registry.k8s.io. Pulls may also fail as the old registry is wound down.',
  remediation: 'Replace the registry prefix with registry.k8s.io and move to a supported version of the image.',
  controls: {
    iso27001: ['A.8.8', 'A.8.19'],
    nsa: ['Building secure container images'],
    'nist-800-190': ['4.1.1', '4.2.2'],
  },
  equivalents: ['C-0253'],
  *check(pod) {
    for (const c of pod.containers) {
      const image = imageOf(c);
      const frozen = image === undefined ? undefined : frozenRegistryOf(image);
      if (frozen === undefined) continue;
      yield { path: `${c.path}.image`, message: `container "${c.name}" pulls from the frozen registry ${frozen} (use ${FROZEN_REGISTRIES[frozen]})` };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: proxy, image: "registry.k8s.io/kube-proxy:v1.31.0" }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers: [{ name: proxy, image: "k8s.gcr.io/kube-proxy:v1.21.0" }]`),
        paths: ['spec.template.spec.containers[0].image'],
      },
    ],
  },
});
