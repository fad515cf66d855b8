import { defineCheck } from '../../engine/check.js';
import { OLDEST_SUPPORTED_MINOR, isUnsupported, serverVersionOf } from './versions.js';

export default defineCheck({
  id: 'cluster.api-server-version',
  title: 'The API server must run a supported Kubernetes release',
  severity: 'high',
  domain: 'cluster',
  scope: 'resource',
  kinds: ['ClusterInfo'],
  rationale:
    'A Kubernetes minor release gets security fixes for about 14 months. A control plane past that runs with known, published '
    + 'vulnerabilities, and every other control (RBAC, admission, Pod Security) rests on it.',
  remediation: 'Plan and run the control plane upgrade, one minor at a time, and keep the cluster within the three maintained releases.',
  controls: { iso27001: ['A.8.8', 'A.8.9'], nsa: ['upgrading'] },
  references: ['https://kubernetes.io/releases/'],
  *check(resource) {
    const version = serverVersionOf(resource.object);
    if (version && isUnsupported(version)) {
      yield { path: 'serverVersion.gitVersion', message: `the API server runs ${version.text}; the oldest release with upstream security fixes is 1.${OLDEST_SUPPORTED_MINOR}` };
    }
  },
  examples: {
    valid: [`apiVersion: annexa.dev/v1
kind: ClusterInfo
metadata: { name: prod }
serverVersion: { gitVersion: v1.36.2, platform: linux/amd64 }`],
    invalid: [{
      manifest: `apiVersion: annexa.dev/v1
kind: ClusterInfo
metadata: { name: prod }
serverVersion: { gitVersion: v1.30.14, platform: linux/amd64 }`,
      paths: ['serverVersion.gitVersion'],
    }],
  },
});
