import { defineCheck } from '../../engine/check.js';
import { asArray, asObject } from '../../resources/workloads.js';
import { describeValue } from '../../resources/values.js';

export default defineCheck({
  id: 'network.nodeport-service',
  title: 'Services should not be of type NodePort',
  severity: 'low',
  domain: 'network',
  scope: 'resource',
  kinds: ['Service'],
  rationale:
    'A NodePort Service opens the same port on every node of the cluster, on every node address. Node firewalls and security groups, '
    + 'not NetworkPolicies, are then all that stands between the service and whoever can reach a node.',
  remediation:
    'Use a ClusterIP Service behind an Ingress or gateway, or a LoadBalancer with loadBalancerSourceRanges; if a NodePort is required, '
    + 'restrict the node port range at the firewall.',
  controls: { iso27001: ['A.8.20', 'A.8.22'], nsa: ['network'], 'nist-800-190': ['4.3.3'] },
  equivalents: ['C-0044'],
  *check(resource) {
    const spec = asObject(resource.object.spec);
    if (spec.type !== 'NodePort') return;
    const ports = asArray(spec.ports).map((p) => asObject(p).nodePort).filter((p) => p !== undefined).map((p) => describeValue(p));
    yield {
      path: 'spec.type',
      message: `Service "${resource.name}" is a NodePort: it listens on every node${ports.length ? ` (node port ${ports.join(', ')})` : ''}`,
    };
  },
  examples: {
    valid: [
      `apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]`,
    ],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, nodePort: 30080 }]`,
        paths: ['spec.type'],
      },
    ],
  },
});
