import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod, imageOf, parseImage } from '../workload/util.js';

export default defineCheck({
  id: 'images.latest-tag',
  title: 'Images must not use the latest tag or no tag',
  severity: 'medium',
  domain: 'images',
  scope: 'pod',
  rationale:
    'latest (or no tag, which means latest) is a moving target: the code that runs changes without any change to the manifest, two replicas may run different builds, and a rollback has nothing to roll back to.',
  remediation: 'Reference an immutable version tag, or better a digest (image@sha256:…), and update it through the change process.',
  controls: {
    iso27001: ['A.8.8', 'A.8.9', 'A.8.19', 'A.8.32'],
    nsa: ['Building secure container images'],
    'nist-800-190': ['4.1.5', '4.2.2'],
  },
  equivalents: ['KSV-0013', 'C-0075'],
  *check(pod) {
    for (const c of pod.containers) {
      const image = imageOf(c);
      if (image === undefined) continue;
      const ref = parseImage(image);
      if (ref.digest !== undefined) continue;
      if (ref.tag === undefined) yield { path: `${c.path}.image`, message: `container "${c.name}" uses image "${image}" without a tag (implicitly latest)` };
      else if (ref.tag === 'latest') yield { path: `${c.path}.image`, message: `container "${c.name}" uses the latest tag of "${ref.repository}"` };
    }
  },
  examples: {
    valid: [
      examplePod(`
        containers:
          - { name: app, image: "nginx:1.27.3" }
          - { name: proxy, image: "registry.example.com:5000/envoy@sha256:3f1a7b6c9d0e2f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a" }`),
    ],
    invalid: [
      {
        manifest: exampleDeployment(`
          initContainers: [{ name: init, image: "busybox:latest" }]
          containers: [{ name: app, image: "registry.example.com:5000/team/app" }]`),
        paths: ['spec.template.spec.initContainers[0].image', 'spec.template.spec.containers[0].image'],
      },
    ],
  },
});
