import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.host-network',
  title: 'Pods must not use the host network namespace',
  severity: 'high',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'A pod on the host network bypasses NetworkPolicy, can bind any node port, reach services listening only on the node loopback (kubelet, metadata proxies) and sniff node traffic when it also holds NET_RAW.',
  remediation: 'Remove spec.hostNetwork or set it to false; expose the workload through a Service instead.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9', 'A.8.18', 'A.8.22'],
    cis: ['5.2.5'],
    nsa: ['Pod security: host namespaces', 'Network separation and hardening'],
    'nist-800-190': ['4.4.2', '4.4.3'],
    pss: ['hostNamespaces'],
  },
  equivalents: ['KSV-0009', 'C-0041'],
  *check(pod) {
    if (pod.spec.hostNetwork === true) yield { path: `${pod.specPath}.hostNetwork`, message: 'pod uses the host network namespace (hostNetwork: true)' };
  },
  examples: {
    valid: [examplePod(`
      hostNetwork: false
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      { manifest: exampleDeployment(`
        hostNetwork: true
        containers: [{ name: app, image: nginx }]`), paths: ['spec.template.spec.hostNetwork'] },
    ],
  },
});
