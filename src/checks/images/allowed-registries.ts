import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod, imageOf, parseImage, qualifiedName } from '../workload/util.js';

/** True when the image comes from one of the allowed registry prefixes (`registry.example.com/`, `ghcr.io/acme/`). */
export function isAllowedImage(image: string, allowed: readonly string[]): boolean {
  const candidates = [image, qualifiedName(parseImage(image))];
  return allowed.some((prefix) => {
    const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`;
    return candidates.some((candidate) => candidate.startsWith(withSlash));
  });
}

export default defineCheck({
  id: 'images.allowed-registries',
  title: 'Images must come from an allowed registry',
  severity: 'medium',
  domain: 'images',
  scope: 'pod',
  rationale:
    'Pulling from arbitrary registries bypasses the scanning, signing and retention controls of the organisation\'s own registry and exposes the cluster to typosquatted or hijacked public images.',
  remediation: 'Mirror the image into an approved registry and reference it there, or add the registry to checks.allowedRegistries in annexa.yaml after review.',
  controls: {
    iso27001: ['A.5.21', 'A.8.19'],
    nsa: ['Building secure container images'],
    'nist-800-190': ['4.1.5'],
  },
  equivalents: ['KSV-0125', 'KSV-0032', 'KSV-0033', 'KSV-0034', 'KSV-0035', 'C-0001', 'C-0078'],
  *check(pod, ctx) {
    const allowed = ctx.config.checks.allowedRegistries;
    if (allowed.length === 0) return;
    for (const c of pod.containers) {
      const image = imageOf(c);
      if (image === undefined || isAllowedImage(image, allowed)) continue;
      yield { path: `${c.path}.image`, message: `container "${c.name}" image "${image}" is not from an allowed registry` };
    }
  },
  examples: {
    valid: [
      examplePod(`
        containers: [{ name: app, image: "nginx:1.27" }]`),
      {
        manifest: examplePod(`
          containers: [{ name: app, image: "registry.example.com/shop/web:1.4" }, { name: proxy, image: "ghcr.io/acme/envoy:1.31" }]`),
        config: { checks: { allowedRegistries: ['registry.example.com', 'ghcr.io/acme/'], disabled: [], severity: {} } },
      },
    ],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers:
            - { name: app, image: "registry.example.com/shop/web:1.4" }
            - { name: proxy, image: "envoyproxy/envoy:v1.31" }
            - { name: look-alike, image: "registry.example.com.evil.io/shop/web:1.4" }`),
        config: { checks: { allowedRegistries: ['registry.example.com'], disabled: [], severity: {} } },
        paths: ['spec.template.spec.containers[1].image', 'spec.template.spec.containers[2].image'],
      },
    ],
  },
});
