import { defineCheck, type Violation } from '../../engine/check.js';
import type { Resource } from '../../resources/types.js';
import { KINDS_WITH_REMOVED_APIS, removedApi, type RemovedApi } from './removed-apis.js';

function advice(api: RemovedApi): string {
  return api.replacement !== undefined ? `: migrate to ${api.replacement}` : `, and the kind has no successor; use ${api.instead ?? 'another control'}`;
}

function violationFor(resource: Resource, api: RemovedApi): Violation {
  const violation: Violation = {
    path: 'apiVersion',
    message: `${resource.kind} "${resource.name}" uses ${api.apiVersion}, which Kubernetes stopped serving in ${api.removedIn}${advice(api)}`,
    details: { removedIn: api.removedIn, replacement: api.replacement ?? null },
  };
  // A kind without successor (PodSecurityPolicy) is a control no current cluster enforces: the pods it was meant to reject are admitted.
  if (api.replacement === undefined) violation.severity = 'medium';
  return violation;
}

export default defineCheck({
  id: 'cluster.deprecated-api',
  title: 'Manifests must not use API versions that Kubernetes no longer serves',
  severity: 'low',
  domain: 'cluster',
  scope: 'resource',
  kinds: KINDS_WITH_REMOVED_APIS,
  rationale:
    'An object written against a removed API version (extensions/v1beta1, apps/v1beta2, batch/v1beta1, policy/v1beta1, …) is '
    + 'rejected by current clusters: the change it carries never lands, or lands only on old clusters that miss security fixes. '
    + 'It also shows a manifest that has not been reviewed since the API changed, and some kinds (PodSecurityPolicy) are gone '
    + 'altogether, so the control they expressed is no longer enforced anywhere.',
  remediation:
    'Rewrite the object for the served apiVersion named in the finding (`kubectl convert --output-version <group>/<version>` '
    + 'helps; check the renamed fields, e.g. Ingress backends and Deployment selectors), and replace PodSecurityPolicies with '
    + 'Pod Security Admission labels on namespaces. Test upgrades against a cluster with the old versions disabled.',
  controls: {
    iso27001: ['A.8.8', 'A.8.9', 'A.8.32'],
    nsa: ['upgrading'],
  },
  equivalents: ['KSV-0107'],
  references: ['https://kubernetes.io/docs/reference/using-api/deprecation-guide/'],
  *check(resource) {
    const api = removedApi(resource.apiVersion, resource.kind);
    if (api) yield violationFor(resource, api);
  },
  examples: {
    valid: [
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: nginx }]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: report }
spec:
  schedule: "0 * * * *"
  jobTemplate: { spec: { template: { spec: { restartPolicy: OnFailure, containers: [{ name: report, image: busybox }] } } } }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop }
spec:
  defaultBackend: { service: { name: web, port: { number: 80 } } }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web }
spec:
  minAvailable: 1
  selector: { matchLabels: { app: web } }
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: { name: batch }
spec:
  priorityLevelConfiguration: { name: workload-low }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: extensions/v1beta1
kind: Deployment
metadata: { name: web }
spec:
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: nginx }]`,
        paths: ['apiVersion'],
      },
      {
        manifest: `apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: { name: shop }
spec:
  backend: { serviceName: web, servicePort: 80 }
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: { name: restricted }
spec:
  privileged: false
  seLinux: { rule: RunAsAny }
  runAsUser: { rule: MustRunAsNonRoot }
  supplementalGroups: { rule: RunAsAny }
  fsGroup: { rule: RunAsAny }
---
apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: PriorityLevelConfiguration
metadata: { name: workload-low }
spec:
  type: Limited`,
        paths: ['apiVersion', 'apiVersion', 'apiVersion'],
      },
    ],
  },
});
