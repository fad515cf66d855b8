import { defineCheck, type Violation } from '../../engine/check.js';
import type { JsonObject } from '../../resources/types.js';
import { asArray, asObject } from '../../resources/workloads.js';
import { parseCidr } from '../../inventory/netpol/index.js';

const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/** Annotations that make the cloud provider create an internal (private) load balancer. */
const INTERNAL_ANNOTATIONS: Record<string, RegExp> = {
  'service.beta.kubernetes.io/aws-load-balancer-internal': /^(true|0\.0\.0\.0\/0)$/i,
  'service.beta.kubernetes.io/aws-load-balancer-scheme': /^internal$/i,
  'networking.gke.io/load-balancer-type': /^internal$/i,
  'cloud.google.com/load-balancer-type': /^internal$/i,
  'service.beta.kubernetes.io/azure-load-balancer-internal': /^true$/i,
  'service.beta.kubernetes.io/oci-load-balancer-internal': /^true$/i,
  'service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type': /^private$/i,
};

function isInternal(annotations: JsonObject): boolean {
  return Object.entries(INTERNAL_ANNOTATIONS).some(([key, pattern]) => typeof annotations[key] === 'string' && pattern.test(annotations[key]));
}

function isEverything(range: string): boolean {
  const cidr = parseCidr(range.trim());
  return cidr !== undefined && cidr.prefix === 0;
}

export default defineCheck({
  id: 'network.loadbalancer-source-ranges',
  title: 'LoadBalancer Services should restrict their source ranges',
  severity: 'medium',
  domain: 'network',
  scope: 'resource',
  kinds: ['Service'],
  rationale:
    'A Service of type LoadBalancer without loadBalancerSourceRanges is reachable from the whole internet on a public cloud: '
    + 'NetworkPolicies do not apply before the provider\'s load balancer, and many CNIs see the traffic only after SNAT.',
  remediation:
    'Set spec.loadBalancerSourceRanges to the client CIDRs (or the service.beta.kubernetes.io/load-balancer-source-ranges annotation), '
    + 'or make the load balancer internal with the provider\'s annotation; put internet-facing HTTP behind an Ingress or gateway with TLS. '
    + 'Internal load balancers (provider annotations) are not reported.',
  controls: { iso27001: ['A.8.20', 'A.8.22'], nsa: ['network'], 'nist-800-190': ['4.3.3'] },
  *check(resource) {
    const spec = asObject(resource.object.spec);
    if (spec.type !== 'LoadBalancer') return;
    const annotations = asObject(asObject(resource.object.metadata).annotations);
    if (isInternal(annotations)) return;
    const ranges = asArray(spec.loadBalancerSourceRanges);
    const annotated = typeof annotations[SOURCE_RANGES_ANNOTATION] === 'string' ? annotations[SOURCE_RANGES_ANNOTATION].split(',').filter((r) => r.trim()) : [];
    if (ranges.length === 0 && annotated.length === 0) {
      yield { path: 'spec.type', message: `LoadBalancer Service "${resource.name}" sets no loadBalancerSourceRanges: it accepts connections from any address` };
      return;
    }
    const violations: Violation[] = [];
    ranges.forEach((range, i) => {
      if (typeof range === 'string' && isEverything(range)) violations.push({ path: `spec.loadBalancerSourceRanges[${i}]`, message: `loadBalancerSourceRanges includes ${range}: every address` });
    });
    if (annotated.some(isEverything)) {
      violations.push({ path: `metadata.annotations["${SOURCE_RANGES_ANNOTATION}"]`, message: `the source-ranges annotation includes every address` });
    }
    yield* violations;
  },
  examples: {
    valid: [
      `apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [203.0.113.0/24]
  ports: [{ port: 443 }]`,
      `apiVersion: v1
kind: Service
metadata:
  name: internal
  annotations: { networking.gke.io/load-balancer-type: Internal }
spec:
  type: LoadBalancer
  ports: [{ port: 443 }]`,
    ],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec:
  type: LoadBalancer
  ports: [{ port: 443 }]`,
        paths: ['spec.type'],
      },
      {
        manifest: `apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [10.0.0.0/8, 0.0.0.0/0]
  ports: [{ port: 443 }]`,
        paths: ['spec.loadBalancerSourceRanges[1]'],
      },
    ],
  },
});
