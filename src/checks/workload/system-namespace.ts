import { defineCheck } from '../../engine/check.js';
import { examplePod } from './util.js';

/** Namespaces reserved for the control plane and cluster add-ons. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export default defineCheck({
  id: 'workload.system-namespace',
  title: 'Application workloads should not run in system namespaces',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'kube-system holds control-plane components and their highly privileged service accounts and secrets; an application placed there shares that trust boundary and escapes the policies applied to application namespaces.',
  remediation: 'Deploy applications to their own namespaces. Keep kube-system (and kube-public, kube-node-lease) for cluster components, and record genuine add-ons as exceptions.',
  controls: {
    iso27001: ['A.5.15', 'A.8.9'],
    cis: ['5.7.1'],
    nsa: ['Namespaces'],
    'nist-800-190': ['4.3.4'],
  },
  equivalents: ['KSV-0037'],
  *check(pod) {
    const namespace = pod.resource.namespace;
    if (namespace === undefined || !SYSTEM_NAMESPACES.has(namespace)) return;
    yield { path: 'metadata.namespace', message: `${pod.resource.kind} "${pod.resource.name}" runs in the system namespace ${namespace}` };
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx }]`, `
      name: example
      namespace: shop`)],
    invalid: [
      {
        manifest: examplePod(`
          containers: [{ name: app, image: nginx }]`, `
          name: example
          namespace: kube-system`),
        paths: ['metadata.namespace'],
      },
    ],
  },
});
