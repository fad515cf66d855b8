import { defineCheck } from '../../engine/check.js';
import { joinPath } from '../../resources/object-path.js';
import { namespaceLabels, namespaceManifest } from './namespace-labels.js';

export default defineCheck({
  id: 'namespace.pss-labels-invalid',
  title: 'Pod Security namespace labels must be valid',
  severity: 'medium',
  domain: 'namespace',
  scope: 'resource',
  kinds: ['Namespace'],
  rationale:
    'The PodSecurity admission controller evaluates an invalid level as restricted and an invalid version as latest, and ignores '
    + 'misspelt label keys: the namespace silently gets a different policy from the one its owner meant.',
  remediation:
    'Use pod-security.kubernetes.io/<enforce|audit|warn> with privileged, baseline or restricted, and '
    + 'pod-security.kubernetes.io/<mode>-version with latest or v1.N.',
  controls: {
    iso27001: ['A.8.9'],
    nsa: ['pod-security.enforcement'],
  },
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces'],
  *check(namespace) {
    for (const problem of namespaceLabels(namespace).policy.problems) {
      yield {
        path: joinPath('metadata.labels', problem.label),
        message: `namespace "${namespace.name}" label ${problem.label}=${JSON.stringify(problem.value)} ${problem.message}`,
      };
    }
  },
  examples: {
    valid: [namespaceManifest('shop', { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn-version': 'v1.30' })],
    invalid: [
      {
        manifest: namespaceManifest('shop', {
          'pod-security.kubernetes.io/enforce': 'strict',
          'pod-security.kubernetes.io/audit-version': '1.30',
          'pod-security.kubernetes.io/enforce-verison': 'v1.30',
        }),
        paths: [
          'metadata.labels["pod-security.kubernetes.io/enforce"]',
          'metadata.labels["pod-security.kubernetes.io/audit-version"]',
          'metadata.labels["pod-security.kubernetes.io/enforce-verison"]',
        ],
      },
      {
        manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: { toString: 1 }
    pod-security.kubernetes.io/enforce-version: { valueOf: 1 }
    pod-security.kubernetes.io/audit: [baseline]`,
        paths: [
          'metadata.labels["pod-security.kubernetes.io/enforce"]',
          'metadata.labels["pod-security.kubernetes.io/enforce-version"]',
          'metadata.labels["pod-security.kubernetes.io/audit"]',
        ],
      },
    ],
  },
});
