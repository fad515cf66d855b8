import { defineCheck } from '../../engine/check.js';
import { labelPath, SYSTEM_NAMESPACES } from './shared.js';
import { namespaceLabels, namespaceManifest } from './namespace-labels.js';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

export default defineCheck({
  id: 'namespace.pss-enforce-privileged',
  title: 'Namespaces should not enforce the privileged Pod Security level',
  severity: 'high',
  domain: 'namespace',
  scope: 'resource',
  kinds: ['Namespace'],
  rationale:
    'enforce=privileged switches Pod Security admission off for the namespace: pods with host namespaces, hostPath mounts or '
    + 'privileged containers are admitted. kube-system usually needs it for node agents, so it is reported there at low severity; '
    + 'upstream exempts no namespace by default.',
  remediation:
    'Enforce baseline or restricted; move the few workloads that truly need host access into a dedicated, tightly '
    + 'controlled namespace, or exempt them in the admission configuration.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9'],
    cis: ['5.2.1'],
    nsa: ['pod-security.enforcement'],
  },
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/'],
  *check(namespace) {
    const { policy, labels } = namespaceLabels(namespace);
    if (!policy.enforce.levelLabelled || policy.enforce.level !== 'privileged') return;
    const system = SYSTEM_NAMESPACES.has(namespace.name);
    yield {
      path: labelPath(labels, ENFORCE),
      message: system
        ? `namespace "${namespace.name}" enforces privileged: expected for system components, but every pod there is admitted unchecked`
        : `namespace "${namespace.name}" enforces privileged: Pod Security admission admits any pod`,
      ...(system ? { severity: 'low' as const } : {}),
    };
  },
  examples: {
    valid: [namespaceManifest('shop', { [ENFORCE]: 'restricted' }), namespaceManifest('tools', {})],
    invalid: [
      { manifest: namespaceManifest('shop', { [ENFORCE]: 'privileged' }), paths: [`metadata.labels["${ENFORCE}"]`] },
      { manifest: namespaceManifest('kube-system', { [ENFORCE]: 'privileged' }), paths: [`metadata.labels["${ENFORCE}"]`] },
    ],
  },
});
