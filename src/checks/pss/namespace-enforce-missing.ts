import { defineCheck } from '../../engine/check.js';
import { labelPath, SYSTEM_NAMESPACES } from './shared.js';
import { namespaceLabels, namespaceManifest } from './namespace-labels.js';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

export default defineCheck({
  id: 'namespace.pss-enforce-missing',
  title: 'Namespaces should enforce a Pod Security level',
  severity: 'medium',
  domain: 'namespace',
  scope: 'resource',
  kinds: ['Namespace'],
  rationale:
    'Without a pod-security.kubernetes.io/enforce label the PodSecurity admission controller applies the cluster default, '
    + 'which is privileged unless the admission configuration says otherwise: any pod, however privileged, is admitted.',
  remediation:
    'Label the namespace pod-security.kubernetes.io/enforce=restricted (or baseline where workloads need it), '
    + 'optionally with warn and audit labels one level stricter to prepare the next tightening.',
  // Kubescape's "Minimize the admission of …" controls pass a namespace that enforces a Pod Security level (baseline for
  // C-0193…C-0196 and C-0202…C-0204, restricted for C-0197…C-0201): the decision this check makes, not a per-container one.
  equivalents: ['C-0193', 'C-0194', 'C-0195', 'C-0196', 'C-0197', 'C-0198', 'C-0199', 'C-0200', 'C-0201', 'C-0202', 'C-0203', 'C-0204'],
  controls: {
    iso27001: ['A.8.9', 'A.8.2'],
    cis: ['5.2.1'],
    nsa: ['pod-security.enforcement'],
  },
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/'],
  *check(namespace) {
    const { policy, labels } = namespaceLabels(namespace);
    if (policy.enforce.levelLabelled) return;
    const system = SYSTEM_NAMESPACES.has(namespace.name);
    yield {
      path: labelPath(labels, ENFORCE),
      message: `namespace "${namespace.name}" has no ${ENFORCE} label: pods are admitted under the cluster default (privileged unless configured otherwise)`,
      ...(system ? { severity: 'low' as const } : {}),
    };
  },
  examples: {
    valid: [namespaceManifest('shop', { [ENFORCE]: 'baseline' })],
    invalid: [
      { manifest: namespaceManifest('shop', { team: 'web' }), paths: ['metadata.labels'] },
      { manifest: namespaceManifest('kube-system', {}), paths: ['metadata'] },
    ],
  },
});
