import { defineCheck } from '../../engine/check.js';

export default defineCheck({
  id: 'rbac.default-serviceaccount-automount',
  title: 'The default ServiceAccount of a namespace should not automount its token',
  severity: 'low',
  domain: 'rbac',
  scope: 'resource',
  kinds: ['ServiceAccount'],
  rationale:
    'Every pod that names no ServiceAccount runs as `default`; unless the account turns automounting off, each of them gets an API '
    + 'token it rarely needs, and whatever is later bound to `default` reaches all of them.',
  remediation: 'Set automountServiceAccountToken: false on the default ServiceAccount of every namespace; give workloads that call the API their own account.',
  controls: { iso27001: ['A.5.15', 'A.8.2'], cis: ['5.1.5'], nsa: ['Authentication and authorization: least-privilege RBAC'] },
  equivalents: ['C-0189'],
  *check(resource) {
    if (resource.name !== 'default') return;
    const automount = resource.object.automountServiceAccountToken;
    if (automount === false) return;
    yield {
      path: automount === undefined ? 'metadata.name' : 'automountServiceAccountToken',
      message: `ServiceAccount default in namespace ${resource.namespace ?? 'default'} ${automount === undefined ? 'leaves token automounting on (the default)' : 'sets automountServiceAccountToken to true'}: every pod without its own account gets a token`,
    };
  },
  examples: {
    valid: [
      `apiVersion: v1
kind: ServiceAccount
metadata: { name: default, namespace: shop }
automountServiceAccountToken: false`,
      `apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: shop }`,
    ],
    invalid: [
      { manifest: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: default, namespace: shop }', paths: ['metadata.name'] },
      { manifest: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: default, namespace: ops }\nautomountServiceAccountToken: true', paths: ['automountServiceAccountToken'] },
    ],
  },
});
