import { defineCheck } from '../../engine/check.js';
import type { Violation } from '../../engine/check.js';
import { looksLikeCredential } from '../../resources/redact.js';
import { asObject, isPlaceholderValue, joinPath } from './util.js';

/** `NAME=value`, `NAME: value` or `"name": "value"` lines inside a configuration file held by one key. */
const ASSIGNMENT = /^\s*(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[=:]\s*["']?(.*?)["']?,?\s*$/;

/** The names of credential-looking settings in one ConfigMap value (the value itself, or lines of a file). */
export function credentialNames(key: string, value: string): string[] {
  const names = new Set<string>();
  if (!value.includes('\n') && !isPlaceholderValue(value) && looksLikeCredential(key, value)) names.add(key);
  for (const line of value.split('\n')) {
    const match = ASSIGNMENT.exec(line);
    if (!match) continue;
    const [, name = '', setting = ''] = match;
    if (!isPlaceholderValue(setting) && looksLikeCredential(name, setting)) names.add(name);
  }
  return [...names];
}

export default defineCheck({
  id: 'secrets.configmap-credentials',
  title: 'ConfigMaps must not hold credentials',
  severity: 'high',
  domain: 'secrets',
  scope: 'resource',
  kinds: ['ConfigMap'],
  rationale:
    'ConfigMaps are readable by far more subjects than Secrets, are not encrypted at rest by default and are printed freely by tooling; a password or token stored there is effectively public inside the cluster.',
  remediation: 'Move the credential into a Secret (or an external secret store), reference it from the workload, and rotate the exposed value.',
  controls: {
    iso27001: ['A.5.17', 'A.8.4', 'A.8.12'],
    cis: ['5.4.1'],
    nsa: ['Secrets'],
    'nist-800-190': ['4.1.4'],
  },
  equivalents: ['KSV-0109', 'KSV-01010', 'C-0012'],
  *check(resource) {
    const data = asObject(resource.object.data);
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string') continue;
      for (const name of credentialNames(key, value)) {
        const where = name === key ? `key "${key}"` : `setting ${name} in key "${key}"`;
        const violation: Violation = { path: joinPath('data', key), message: `ConfigMap ${where} looks like a credential` };
        yield violation;
      }
    }
  },
  examples: {
    valid: [
      `apiVersion: v1
kind: ConfigMap
metadata: { name: app }
data:
  LOG_LEVEL: info
  auth-enabled: "true"
  app.env: |
    DB_HOST=db
    DB_PASSWORD=\${DB_PASSWORD}
    API_TOKEN=`,
    ],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: ConfigMap
metadata: { name: app }
data:
  LOG_LEVEL: info
  password: hunter2
  app.env: |
    DB_HOST=db
    REDIS_PASSWORD=abcd1234`,
        paths: ['data.password', 'data["app.env"]'],
      },
    ],
  },
});
