import { defineCheck } from '../../engine/check.js';
import { asArray, exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.host-aliases',
  title: 'Pods should not override name resolution with hostAliases',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'hostAliases write fixed entries into the pod\'s /etc/hosts: they silently redirect names away from cluster DNS, survive changes to the real addresses, and are a quiet way to point a workload at an impostor endpoint.',
  remediation: 'Remove spec.hostAliases and publish the names through DNS (a Service, an ExternalName Service or the DNS zone).',
  controls: {
    iso27001: ['A.8.9', 'A.8.20'],
    'nist-800-190': ['4.4.3'],
  },
  equivalents: ['KSV-0007'],
  *check(pod) {
    const aliases = asArray(pod.spec.hostAliases);
    if (aliases.length > 0) yield { path: `${pod.specPath}.hostAliases`, message: `pod overrides /etc/hosts with ${aliases.length} hostAliases entr${aliases.length === 1 ? 'y' : 'ies'}` };
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          hostAliases: [{ ip: 10.0.0.5, hostnames: [db.example.com] }]
          containers: [{ name: app, image: nginx }]`),
        paths: ['spec.template.spec.hostAliases'],
      },
    ],
  },
});
