import { defineCheck } from '../../engine/check.js';
import { asArray, asObject } from '../../resources/workloads.js';
import { describeValue } from '../../resources/values.js';

export default defineCheck({
  id: 'network.service-external-ips',
  title: 'Services should not set externalIPs',
  severity: 'medium',
  equivalents: ['KSV-0108'],
  domain: 'network',
  scope: 'resource',
  kinds: ['Service'],
  rationale:
    'kube-proxy sends traffic for a Service\'s externalIPs to that Service on every node, whoever owns the address. '
    + 'Anyone who may create Services can thereby intercept traffic meant for another address (CVE-2020-8554), and the exposure '
    + 'bypasses the load balancer\'s source ranges.',
  remediation:
    'Remove spec.externalIPs and expose the Service through a LoadBalancer or an Ingress; deny externalIPs cluster-wide with the '
    + 'DenyServiceExternalIPs admission plugin or a ValidatingAdmissionPolicy.',
  controls: { iso27001: ['A.8.20', 'A.8.22'], nsa: ['network'], 'nist-800-190': ['4.3.3'] },
  references: ['https://github.com/kubernetes/kubernetes/issues/97076'],
  *check(resource) {
    const ips = asArray(asObject(resource.object.spec).externalIPs).map((ip) => describeValue(ip));
    if (ips.length === 0) return;
    yield { path: 'spec.externalIPs', message: `Service "${resource.name}" claims external IP${ips.length === 1 ? '' : 's'} ${ips.join(', ')}` };
  },
  examples: {
    valid: [
      `apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: ClusterIP
  ports: [{ port: 80 }]`,
    ],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  ports: [{ port: 80 }]
  externalIPs: [198.51.100.7]`,
        paths: ['spec.externalIPs'],
      },
    ],
  },
});
