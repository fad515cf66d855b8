import { defineCheck } from '../../engine/check.js';
import { latestViolations } from './shared.js';

export default defineCheck({
  id: 'pss.baseline',
  title: 'Pods must meet the Pod Security Standards baseline level',
  severity: 'high',
  domain: 'pss',
  scope: 'pod',
  rationale:
    'The baseline Pod Security Standard blocks the known privilege escalations: privileged containers, host namespaces, '
    + 'hostPath volumes, host ports, added capabilities, unsafe sysctls and disabled AppArmor, seccomp or SELinux confinement. '
    + 'A pod that fails it is rejected by any namespace enforcing baseline, and can reach the node if admitted elsewhere.',
  remediation:
    'Fix each reported field as the message says (it is the upstream PodSecurity admission wording), then label the namespace '
    + 'pod-security.kubernetes.io/enforce=baseline (or restricted) so the API server keeps it that way.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9'],
    cis: ['5.2.2', '5.2.3', '5.2.4', '5.2.5', '5.2.8', '5.2.9', '5.2.11', '5.2.12', '5.2.13'],
    nsa: ['pod-security', 'pod-security.enforcement'],
    'nist-800-190': ['4.4.3'],
    pss: [
      'hostNamespaces', 'privileged', 'capabilities_baseline', 'hostPathVolumes', 'hostPorts', 'hostProbesAndHostLifecycle',
      'appArmorProfile', 'seLinuxOptions', 'procMount', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess',
    ],
  },
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
  check: (pod) => latestViolations(pod, 'baseline', 'baseline'),
  examples: {
    valid: [
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx
          securityContext: { capabilities: { add: [NET_BIND_SERVICE] } }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: app
          image: nginx
          securityContext: { privileged: true }
      volumes:
        - name: host
          hostPath: { path: /var/run }`,
        paths: [
          'spec.template.spec.hostNetwork',
          'spec.template.spec.volumes[0].hostPath',
          'spec.template.spec.containers[0].securityContext.privileged',
        ],
      },
      {
        manifest: `apiVersion: batch/v1
kind: CronJob
metadata: { name: report, namespace: shop }
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          annotations:
            container.apparmor.security.beta.kubernetes.io/job: unconfined
        spec:
          containers:
            - name: job
              image: busybox`,
        paths: ['spec.jobTemplate.spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/job"]'],
      },
    ],
  },
});
