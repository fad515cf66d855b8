import { defineCheck } from '../../engine/check.js';
import { latestViolations } from './shared.js';

export default defineCheck({
  id: 'pss.restricted',
  title: 'Pods should meet the Pod Security Standards restricted level',
  severity: 'medium',
  domain: 'pss',
  scope: 'pod',
  rationale:
    'The restricted Pod Security Standard adds hardening on top of baseline: containers run as non-root, cannot gain '
    + 'privileges, drop all capabilities, use a RuntimeDefault or Localhost seccomp profile and mount only ephemeral or '
    + 'API-backed volumes. Only the restricted-level checks are reported here; baseline failures are reported by pss.baseline.',
  remediation:
    'Set runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL] and seccompProfile.type: RuntimeDefault, '
    + 'replace restricted volume types with PersistentVolumeClaims, then label the namespace pod-security.kubernetes.io/enforce=restricted.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9'],
    cis: ['5.2.6', '5.2.7', '5.2.8', '5.2.9', '5.2.10', '5.7.2', '5.7.3'],
    nsa: ['pod-security.non-root', 'pod-security.enforcement'],
    'nist-800-190': ['4.4.3'],
    pss: ['restrictedVolumes', 'allowPrivilegeEscalation', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted', 'capabilities_restricted', 'procMount_restricted'],
  },
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted'],
  check: (pod) => latestViolations(pod, 'restricted', 'restricted'),
  examples: {
    valid: [
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: app
          image: nginx
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: { drop: [ALL], add: [NET_BIND_SERVICE] }`,
      `apiVersion: v1
kind: Pod
metadata: { name: win, namespace: shop }
spec:
  os: { name: windows }
  securityContext: { runAsNonRoot: true }
  containers:
    - name: app
      image: mcr.microsoft.com/windows/nanoserver`,
    ],
    invalid: [
      {
        manifest: `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec:
  template:
    spec:
      securityContext: { seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: db
          image: postgres
          securityContext:
            runAsUser: 0
            allowPrivilegeEscalation: true
            capabilities: { drop: [ALL] }`,
        paths: [
          'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
          'spec.template.spec.containers[0].securityContext',
          'spec.template.spec.containers[0].securityContext.runAsUser',
        ],
      },
      {
        manifest: `apiVersion: v1
kind: Pod
metadata: { name: bare, namespace: shop }
spec:
  containers:
    - name: app
      image: nginx
  volumes:
    - name: data
      nfs: { server: nfs.local, path: /data }`,
        paths: [
          'spec.containers[0]',
          'spec.containers[0]',
          'spec.volumes[0].nfs',
          'spec.containers[0]',
          'spec.containers[0]',
        ],
      },
    ],
  },
});
