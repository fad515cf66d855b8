import { defineCheck } from '../../engine/check.js';
import { labelPath } from './shared.js';
import { namespaceLabels, namespaceManifest } from './namespace-labels.js';
import { NEWEST_POLICY_MINOR } from '../../pss/index.js';

const ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';
/** How many minor versions an enforced policy may lag behind the newest before it is reported. */
export const MAX_MINORS_BEHIND = 4;

export default defineCheck({
  id: 'namespace.pss-version-pinned-old',
  title: 'Namespaces should not pin an old Pod Security policy version',
  severity: 'low',
  domain: 'namespace',
  scope: 'resource',
  kinds: ['Namespace'],
  rationale:
    `Pinning enforce-version keeps the checks of that Kubernetes release. A pin more than ${MAX_MINORS_BEHIND} minor versions behind `
    + `the newest policy (v1.${NEWEST_POLICY_MINOR}) misses later hardening, e.g. probe and lifecycle host checks (v1.34) `
    + 'or the Windows and user-namespace refinements.',
  remediation: 'Test the workloads against the newer policy (annexa pss check --version latest), then raise the pin or use latest.',
  controls: {
    iso27001: ['A.8.9', 'A.8.8'],
    nsa: ['pod-security.enforcement'],
  },
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces'],
  *check(namespace) {
    const { policy, labels } = namespaceLabels(namespace);
    const { enforce } = policy;
    if (!enforce.versionLabelled || enforce.version.latest || enforce.level === 'privileged') return;
    const behind = NEWEST_POLICY_MINOR - enforce.version.minor;
    if (behind <= MAX_MINORS_BEHIND) return;
    yield {
      path: labelPath(labels, ENFORCE_VERSION),
      message: `namespace "${namespace.name}" pins ${enforce.level} at v1.${enforce.version.minor}, ${behind} minor versions behind the newest policy v1.${NEWEST_POLICY_MINOR}`,
      details: { level: enforce.level, version: `v1.${enforce.version.minor}`, newest: `v1.${NEWEST_POLICY_MINOR}` },
    };
  },
  examples: {
    valid: [
      namespaceManifest('shop', { 'pod-security.kubernetes.io/enforce': 'restricted', [ENFORCE_VERSION]: 'latest' }),
      namespaceManifest('web', { 'pod-security.kubernetes.io/enforce': 'baseline', [ENFORCE_VERSION]: `v1.${NEWEST_POLICY_MINOR - MAX_MINORS_BEHIND}` }),
    ],
    invalid: [
      {
        manifest: namespaceManifest('legacy', { 'pod-security.kubernetes.io/enforce': 'baseline', [ENFORCE_VERSION]: 'v1.24' }),
        paths: [`metadata.labels["${ENFORCE_VERSION}"]`],
      },
    ],
  },
});
