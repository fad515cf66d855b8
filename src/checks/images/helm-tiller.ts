import { defineCheck } from '../../engine/check.js';
import { asObject, exampleDeployment, imageOf, parseImage } from '../workload/util.js';

/** True for Helm 2 Tiller images (`…/tiller`, `…/helm-tiller`). */
export function isTillerImage(image: string): boolean {
  const repository = parseImage(image).repository.toLowerCase();
  const last = repository.slice(repository.lastIndexOf('/') + 1);
  return last === 'tiller' || last.endsWith('-tiller') || last.startsWith('tiller-');
}

export default defineCheck({
  id: 'images.helm-tiller',
  title: 'Helm Tiller must not be deployed',
  severity: 'critical',
  domain: 'images',
  scope: 'pod',
  rationale:
    'Tiller, the server side of Helm 2, is unmaintained since 2020 and usually runs with cluster-admin rights behind an unauthenticated gRPC port: any pod that reaches it can install anything in the cluster.',
  remediation: 'Migrate releases to Helm 3 (client only) and delete the Tiller Deployment, Service and service account binding.',
  controls: {
    iso27001: ['A.8.2', 'A.8.8', 'A.8.19'],
    nsa: ['Building secure container images'],
    'nist-800-190': ['4.3.1', '4.3.2'],
  },
  equivalents: ['KSV-0102'],
  *check(pod) {
    for (const c of pod.containers) {
      const image = imageOf(c);
      if (image !== undefined && isTillerImage(image)) {
        yield { path: `${c.path}.image`, message: `container "${c.name}" runs Helm Tiller (image "${image}")` };
      }
    }
    const labels = asObject(pod.metadata.labels);
    if (labels.app === 'helm' && labels.name === 'tiller' && !pod.containers.some((c) => isTillerImage(imageOf(c) ?? ''))) {
      yield { path: `${pod.metadataPath}.labels`, message: 'pod is labelled as Helm Tiller (app=helm, name=tiller)' };
    }
  },
  examples: {
    valid: [exampleDeployment(`
      containers: [{ name: app, image: "registry.example.com/shop/web:1.4" }, { name: proxy, image: "distiller:1.0" }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers: [{ name: tiller, image: "gcr.io/kubernetes-helm/tiller:v2.16.12" }]`),
        paths: ['spec.template.spec.containers[0].image'],
      },
      {
        manifest: exampleDeployment(`
          containers: [{ name: server, image: "registry.example.com/mirror/helm-server:2.16" }]`, 'labels: { app: helm, name: tiller }'),
        paths: ['spec.template.metadata.labels'],
      },
    ],
  },
});
