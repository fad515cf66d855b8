import { defineCheck } from '../../engine/check.js';
import type { Violation } from '../../engine/check.js';
import { looksLikeCredential } from '../../resources/redact.js';
import { asObject, isPlaceholderValue, joinPath } from './util.js';

/** The `NAME=`, `NAME: ` or `"name": "` start of a setting line inside a configuration file held by one key. */
const SETTING_START = /^\s*(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[=:]\s*["']?/;
const LINE_BREAKS = /[\r\u2028\u2029]/;

/**
 * The name and value of a setting line, without the quotes, trailing comma and spaces around the
 * value. The end of the line is trimmed by hand: a lazy `(.*?)\s*$` pattern is quadratic on long
 * runs of spaces.
 */
export function settingOf(line: string): { name: string; value: string } | undefined {
  const start = SETTING_START.exec(line);
  if (!start) return undefined;
  let value = line.slice(start[0].length).trimEnd();
  if (value.endsWith(',')) value = value.slice(0, -1);
  if (value.endsWith('"') || value.endsWith("'")) value = value.slice(0, -1);
  if (LINE_BREAKS.test(value)) return undefined;
  return { name: start[1] ?? '', value };
}

/** The names of credential-looking settings in one ConfigMap value (the value itself, or lines of a file). */
export function credentialNames(key: string, value: string): string[] {
  const names = new Set<string>();
  if (!value.includes('\n') && !isPlaceholderValue(value) && looksLikeCredential(key, value)) names.add(key);
  for (const line of value.split('\n')) {
    const setting = settingOf(line);
    if (setting && !isPlaceholderValue(setting.value) && looksLikeCredential(setting.name, setting.value)) names.add(setting.name);
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
    nsa: ['Secrets'],
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
