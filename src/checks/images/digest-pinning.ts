import { defineCheck } from '../../engine/check.js';
import { digestProblem, exampleCronJob, examplePod, imageOf, parseImage } from '../workload/util.js';

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
      if (image === undefined) continue;
      const { digest } = parseImage(image);
      const problem = digest === undefined ? undefined : digestProblem(digest);
      if (digest !== undefined && problem === undefined) continue;
      yield {
        path: `${c.path}.image`,
        message: problem ? `container "${c.name}" image "${image}" has a malformed digest: ${problem}` : `container "${c.name}" image "${image}" is not pinned by digest`,
      };
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
      {
        // Malformed digests: 63 characters, upper case, sha512 of sha256's length, an unknown algorithm.
        manifest: examplePod(`
          containers:
            - { name: a, image: "nginx@sha256:${'a'.repeat(63)}" }
            - { name: b, image: "nginx@sha256:${'A'.repeat(64)}" }
            - { name: c, image: "nginx@sha512:${'a'.repeat(64)}" }
            - { name: d, image: "nginx@md5:${'a'.repeat(32)}" }
            - { name: e, image: "nginx@sha512:${'b'.repeat(128)}" }`),
        paths: ['spec.containers[0].image', 'spec.containers[1].image', 'spec.containers[2].image', 'spec.containers[3].image'],
      },
    ],
  },
});
