import { defineCheck, type InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import type { Severity } from '../../resources/types.js';
import {
  ANONYMOUS, AUTHENTICATED, normaliseSubject, ruleText, subjectLabel, UNAUTHENTICATED, type PolicyRule, type RoleNode, type SubjectRef,
} from '../../inventory/rbac/index.js';
import { grantFacts, NSA_RBAC, rbacContext, RBAC_INPUT_KINDS } from './common.js';

/** URLs every client may read to discover the API and health (what system:discovery and system:public-info-viewer give). */
const DISCOVERY_URLS = new Set([
  '/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*', '/version', '/version/', '/healthz', '/livez', '/readyz',
  '/.well-known/openid-configuration', '/openid/v1/jwks',
]);
/** Reviews a client makes about itself (system:basic-user). */
const SELF_REVIEWS = new Set(['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'selfsubjectreviews']);

export function isDiscoveryRule(rule: PolicyRule): boolean {
  if (rule.nonResourceURLs.length > 0) {
    return rule.verbs.every((v) => v === 'get' || v === 'head') && rule.nonResourceURLs.every((url) => DISCOVERY_URLS.has(url));
  }
  const groups = new Set(['authorization.k8s.io', 'authentication.k8s.io']);
  return rule.verbs.every((v) => v === 'create')
    && rule.apiGroups.every((g) => groups.has(g))
    && rule.resources.every((r) => SELF_REVIEWS.has(r));
}

type Audience = 'anonymous' | 'authenticated';

function audienceOf(subject: SubjectRef): Audience | undefined {
  const s = normaliseSubject(subject);
  if ((s.kind === 'Group' && s.name === UNAUTHENTICATED) || (s.kind === 'User' && s.name === ANONYMOUS)) return 'anonymous';
  if (s.kind === 'Group' && s.name === AUTHENTICATED) return 'authenticated';
  return undefined;
}

function severityFor(audience: Audience, beyond: boolean): Severity {
  if (audience === 'anonymous') return beyond ? 'critical' : 'medium';
  return 'high';
}

/** Whether a role grants more than discovery, and the rules to report (each text once), worked out once per role. */
function grantedBy(role: RoleNode): { beyond: boolean; grants: readonly string[] } {
  const beyond = role.rules.filter((rule) => !isDiscoveryRule(rule));
  return { beyond: beyond.length > 0, grants: [...new Set((beyond.length > 0 ? beyond : role.rules).map(ruleText))] };
}

function* violations(inventory: Inventory): Iterable<InventoryViolation> {
  const { model, usage } = rbacContext(inventory);
  const memo = new Map<RoleNode, { beyond: boolean; grants: readonly string[] }>();
  for (const grant of model.grants()) {
    if (grant.binding.systemDefault) continue;
    const audience = audienceOf(grant.subject);
    if (!audience) continue;
    let granted = memo.get(grant.role);
    if (!granted) memo.set(grant.role, (granted = grantedBy(grant.role)));
    const { beyond, grants } = granted;
    if (audience === 'authenticated' && !beyond) continue;
    const facts = grantFacts(grant, usage.holderOf(grant.subject), severityFor(audience, beyond), { holderShift: false });
    facts.details.grants = [...grants];
    const who = audience === 'anonymous' ? 'unauthenticated clients' : 'every authenticated identity';
    const what = beyond ? grants.join('; ') : 'discovery endpoints only';
    yield {
      resource: grant.binding.resource,
      path: `subjects[${grant.index}]`,
      severity: facts.severity,
      message: `${subjectLabel(grant.subject)} (${who}) is granted ${what} ${facts.text}`,
      details: facts.details,
    };
  }
}

export default defineCheck({
  id: 'rbac.anonymous-access',
  title: 'Unauthenticated users, and all authenticated users, must not be granted access beyond discovery',
  severity: 'critical',
  domain: 'rbac',
  scope: 'inventory',
  inputKinds: RBAC_INPUT_KINDS,
  rationale:
    'A binding to system:anonymous or system:unauthenticated opens the API to anyone who can reach it; a binding to system:authenticated '
    + 'gives the permission to every user and every service account token in the cluster. Kubernetes itself grants them only discovery.',
  remediation: 'Bind named users, groups or service accounts instead; keep anonymous authentication disabled or limited to health endpoints.',
  controls: { iso27001: ['A.5.15', 'A.8.3', 'A.8.5'], 'nist-800-190': ['4.3.2'], nsa: [NSA_RBAC] },
  check: (inventory) => violations(inventory),
  examples: {
    valid: [
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: self-review }
rules:
  - { apiGroups: [authorization.k8s.io], resources: [selfsubjectaccessreviews], verbs: [create] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: self-review }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: self-review }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: pod-reader }
rules:
  - { apiGroups: [''], resources: [pods], verbs: [get, list] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: public-pods }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:unauthenticated }
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated }
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: developers }`,
        paths: ['subjects[0]', 'subjects[1]'],
      },
    ],
  },
});
