import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod, imageOf, isDigest, parseImage } from '../workload/util.js';

export default defineCheck({
  id: 'images.pull-policy',
  title: 'Images not pinned by digest should be pulled with imagePullPolicy: Always',
  severity: 'low',
  domain: 'images',
  scope: 'pod',
  rationale:
    'With IfNotPresent or Never a node reuses whatever image it cached under the tag: nodes drift apart, a moved tag is not picked up, and a pod may run an image the registry no longer holds or would not authorise.',
  remediation: 'Pin the image by digest (then any policy is safe), or set imagePullPolicy: Always.',
  controls: {
    iso27001: ['A.8.19', 'A.8.32'],
    nsa: ['Building secure container images'],
    'nist-800-190': ['4.2.2'],
  },
  equivalents: ['C-0075'],
  *check(pod) {
    for (const c of pod.containers) {
      const image = imageOf(c);
      if (image === undefined) continue;
      const ref = parseImage(image);
      if (isDigest(ref.digest)) continue;
      const explicit = c.container.imagePullPolicy;
      const floating = ref.tag === undefined || ref.tag === 'latest';
      const policy = typeof explicit === 'string' ? explicit : floating ? 'Always' : 'IfNotPresent';
      if (policy === 'Always') continue;
      yield {
        path: `${c.path}.imagePullPolicy`,
        message: `container "${c.name}" pulls tag-referenced image "${image}" with policy ${policy}${typeof explicit === 'string' ? '' : ' (default)'}`,
      };
    }
  },
  examples: {
    valid: [examplePod(`
      containers:
        - { name: app, image: "nginx:1.27", imagePullPolicy: Always }
        - { name: pinned, image: "envoy@sha256:3f1a7b6c9d0e2f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a", imagePullPolicy: IfNotPresent }`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers:
            - { name: app, image: "nginx:1.27" }
            - { name: cached, image: "busybox:latest", imagePullPolicy: IfNotPresent }`),
        paths: ['spec.template.spec.containers[0].imagePullPolicy', 'spec.template.spec.containers[1].imagePullPolicy'],
      },
    ],
  },
});
