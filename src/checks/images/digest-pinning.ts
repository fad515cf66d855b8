import { defineCheck } from '../../engine/check.js';
import { exampleCronJob, examplePod, imageOf, isDigest, parseImage } from '../workload/util.js';

export default defineCheck({
  id: 'images.digest-pinning',
  title: 'Images should be pinned by digest',
  severity: 'low',
  domain: 'images',
  scope: 'pod',
  rationale:
    'Tags can be moved to another image by anyone with push rights to the repository; only a content digest guarantees that the image running is the one that was scanned, signed and approved.',
  remediation: 'Reference images as repository@sha256:<digest> (keeping the tag for readability: repository:tag@sha256:<digest>), and let automation update digests.',
  controls: {
    iso27001: ['A.8.19', 'A.8.32', 'A.5.21'],
    nsa: ['Building secure container images'],
    'nist-800-190': ['4.1.5', '4.2.2'],
  },
  equivalents: ['C-0306'],
  *check(pod) {
    for (const c of pod.containers) {
      const image = imageOf(c);
      if (image === undefined || isDigest(parseImage(image).digest)) continue;
      yield { path: `${c.path}.image`, message: `container "${c.name}" image "${image}" is not pinned by digest` };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: "nginx:1.27.3@sha256:3f1a7b6c9d0e2f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a" }]`)],
    invalid: [
      {
        manifest: exampleCronJob(`
          containers: [{ name: job, image: "busybox:1.36" }]`),
        paths: ['spec.jobTemplate.spec.template.spec.containers[0].image'],
      },
    ],
  },
});
