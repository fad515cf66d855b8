/**
 * Secret values never travel past the source stage: a Secret's data and stringData keep their keys,
 * the values are replaced, and the last-applied annotation (which repeats them) is dropped.
 */
import type { JsonObject, JsonValue, Resource } from './types.js';

export const REDACTED = '[redacted]';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function redactValues(map: JsonValue | undefined): JsonValue | undefined {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return map;
  const redacted: JsonObject = {};
  for (const key of Object.keys(map)) redacted[key] = REDACTED;
  return redacted;
}

export function redactResource(resource: Resource): Resource {
  if (resource.kind !== 'Secret' || resource.apiVersion !== 'v1') return resource;
  const object: JsonObject = { ...resource.object };
  for (const field of ['data', 'stringData']) {
    const value = redactValues(object[field]);
    if (value !== undefined) object[field] = value;
  }
  const metadata = object.metadata;
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const annotations = metadata.annotations;
    if (annotations && typeof annotations === 'object' && !Array.isArray(annotations) && LAST_APPLIED in annotations) {
      const { [LAST_APPLIED]: _dropped, ...rest } = annotations;
      object.metadata = { ...metadata, annotations: { ...rest, [LAST_APPLIED]: REDACTED } };
    }
  }
  return { ...resource, object };
}

const CREDENTIAL_NAME = /(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth|pwd|dsn|connection[_-]?string)/i;
const CREDENTIAL_VALUE = [
  /^AKIA[0-9A-Z]{16}$/, // AWS access key id
  /^gh[pousr]_[A-Za-z0-9]{36,}$/, // GitHub token
  /^xox[baprs]-[A-Za-z0-9-]{10,}$/, // Slack token
  /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, // JWT
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, // URL with user:password
];

/** True when an env var (by name or by value) looks like it carries a credential. */
export function looksLikeCredential(name: string, value: string): boolean {
  if (value.trim() === '') return false;
  if (CREDENTIAL_VALUE.some((pattern) => pattern.test(value))) return true;
  return CREDENTIAL_NAME.test(name);
}
