import { defineCheck } from '../../engine/check.js';
import type { JsonObject, Resource } from '../../resources/types.js';
import { asArray, asObject } from '../../resources/workloads.js';
import { isComputeResource, namespacesWithoutPolicy, WORKLOAD_KINDS, type NamespacePolicy } from './common.js';

/** Fields of a LimitRange item that bound what a container or pod gets (min and ratios alone bound nothing). */
const BOUNDING_FIELDS = ['default', 'defaultRequest', 'max'] as const;

function boundsCompute(item: JsonObject): boolean {
  if (item.type !== 'Container' && item.type !== 'Pod') return false;
  return BOUNDING_FIELDS.some((field) => Object.keys(asObject(item[field])).some(isComputeResource));
}

const limitRange: NamespacePolicy = {
  kind: 'LimitRange',
  ineffective(resource: Resource) {
    const items = asArray(asObject(resource.object.spec).limits).map(asObject);
    if (items.some(boundsCompute)) return undefined;
    return 'sets no default, defaultRequest or max for the cpu, memory or ephemeral-storage of containers or pods';
  },
};

export default defineCheck({
  id: 'namespace.limit-range',
  title: 'Namespaces that run workloads should have a LimitRange',
  severity: 'low',
  domain: 'namespace',
  scope: 'inventory',
  inputKinds: ['Namespace', 'LimitRange', ...WORKLOAD_KINDS],
  rationale:
    'A LimitRange gives every container of the namespace default requests and limits and caps what one may ask for. Without it, '
    + 'a container deployed without resources runs unbounded (and unscheduled against real needs): one leak or runaway process can '
    + 'exhaust its node and evict its neighbours, which turns a defect into an availability incident.',
  remediation:
    'Add a LimitRange to each application namespace with an item of type Container that sets default and defaultRequest for cpu and '
    + 'memory (and max where teams must stay within a size), e.g. in the namespace template of your GitOps repository. Explicit '
    + 'requests and limits on each container remain the better practice; the LimitRange is the safety net.',
  controls: {
    iso27001: ['A.8.6', 'A.8.9'],
    nsa: ['Resource policies'],
  },
  equivalents: ['KSV-0039'],
  references: ['https://kubernetes.io/docs/concepts/policy/limit-range/'],
  *check(inventory) {
    yield* namespacesWithoutPolicy(inventory, limitRange);
  },
  examples: {
    valid: [
      `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: LimitRange
metadata: { name: defaults, namespace: shop }
spec:
  limits:
    - type: Container
      default: { cpu: 500m, memory: 256Mi }
      defaultRequest: { cpu: 100m, memory: 128Mi }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: nginx }]
---
apiVersion: v1
kind: Pod
metadata: { name: coredns, namespace: kube-system }
spec:
  containers: [{ name: coredns, image: coredns }]`,
      `apiVersion: v1
kind: Namespace
metadata: { name: empty }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: nginx }]`,
        paths: ['metadata.name'],
      },
      {
        manifest: `apiVersion: v1
kind: LimitRange
metadata: { name: storage-only, namespace: shop }
spec:
  limits:
    - type: PersistentVolumeClaim
      max: { storage: 10Gi }
    - type: Container
      min: { cpu: 10m }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: report, namespace: shop }
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{ name: report, image: busybox }]`,
        paths: ['metadata.namespace'],
      },
    ],
  },
});
