import { defineCheck } from '../../engine/check.js';
import type { Resource } from '../../resources/types.js';
import { asObject } from '../../resources/workloads.js';
import { isComputeResource, namespacesWithoutPolicy, WORKLOAD_KINDS, type NamespacePolicy } from './common.js';

/** A quota bounds capacity when it caps compute resources or the number of pods (object counts alone do not). */
function boundsCapacity(name: string): boolean {
  return name === 'pods' || name === 'count/pods' || isComputeResource(name);
}

const resourceQuota: NamespacePolicy = {
  kind: 'ResourceQuota',
  ineffective(resource: Resource) {
    const hard = Object.keys(asObject(asObject(resource.object.spec).hard));
    if (hard.some(boundsCapacity)) return undefined;
    return hard.length === 0 ? 'sets no hard limits' : `caps only ${hard.join(', ')}, not cpu, memory, ephemeral-storage or pods`;
  },
};

export default defineCheck({
  id: 'namespace.resource-quota',
  title: 'Namespaces that run workloads should have a ResourceQuota',
  severity: 'low',
  domain: 'namespace',
  scope: 'inventory',
  inputKinds: ['Namespace', 'ResourceQuota', ...WORKLOAD_KINDS],
  rationale:
    'A ResourceQuota caps what a namespace as a whole may request and run. Without one, a single team, a misconfigured autoscaler '
    + 'or a compromised deployment can claim the capacity of the whole cluster, and other namespaces stop being scheduled; '
    + 'per-container limits do not bound the number of replicas.',
  remediation:
    'Add a ResourceQuota to each application namespace with hard limits on requests.cpu, requests.memory, limits.cpu and '
    + 'limits.memory (and pods), sized from capacity planning; with a compute quota in place every pod must declare requests and '
    + 'limits, so pair it with a LimitRange that supplies defaults.',
  controls: {
    iso27001: ['A.8.6', 'A.8.9'],
    nsa: ['Resource policies'],
  },
  equivalents: ['KSV-0040'],
  references: ['https://kubernetes.io/docs/concepts/policy/resource-quotas/'],
  *check(inventory) {
    yield* namespacesWithoutPolicy(inventory, resourceQuota);
  },
  examples: {
    valid: [
      `apiVersion: v1
kind: ResourceQuota
metadata: { name: compute, namespace: shop }
spec:
  hard: { requests.cpu: "4", requests.memory: 8Gi, limits.cpu: "8", limits.memory: 16Gi }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec:
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers: [{ name: db, image: postgres }]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: kube-proxy, namespace: kube-system }
spec:
  selector: { matchLabels: { app: kube-proxy } }
  template:
    metadata: { labels: { app: kube-proxy } }
    spec:
      containers: [{ name: kube-proxy, image: kube-proxy }]`,
    ],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: ResourceQuota
metadata: { name: objects, namespace: shop }
spec:
  hard: { count/configmaps: "50" }
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec:
  containers: [{ name: web, image: nginx }]`,
        paths: ['metadata.name'],
      },
      {
        manifest: `apiVersion: v1
kind: ResourceQuota
metadata: { name: compute, namespace: other }
spec:
  hard: { requests.cpu: "4" }
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
apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers: [{ name: api, image: nginx }]`,
        paths: ['metadata.namespace', 'metadata'],
      },
    ],
  },
});
