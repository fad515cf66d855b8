/**
 * Secret values never travel past the source stage: a Secret's data and stringData keep their keys,
 * the values are replaced, and the last-applied annotation (which repeats them) is dropped.
 */
import type { JsonObject, JsonValue, Resource } from './types.js';
import { createHash } from 'node:crypto';
import { setOwn } from './values.js';

export const REDACTED = '[redacted]';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function redactValues(map: JsonValue | undefined): JsonValue | undefined {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return map;
  const redacted: JsonObject = {};
  for (const key of Object.keys(map)) setOwn(redacted, key, REDACTED);
  return redacted;
}

export function redactResource(resource: Resource): Resource {
  if (resource.kind !== 'Secret' || resource.apiVersion !== 'v1') return resource;
  const object: JsonObject = { ...resource.object };
  for (const field of ['data', 'stringData']) {
    const value = redactValues(object[field]);
    if (value !== undefined) object[field] = value;
  }
  return { ...resource, object: withoutLastApplied(object) };
}

/** The object with the last-applied annotation (which repeats the values) redacted. */
function withoutLastApplied(object: JsonObject): JsonObject {
  const metadata = object.metadata;
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const annotations = metadata.annotations;
    if (annotations && typeof annotations === 'object' && !Array.isArray(annotations) && LAST_APPLIED in annotations) {
      const { [LAST_APPLIED]: _dropped, ...rest } = annotations;
      return { ...object, metadata: { ...metadata, annotations: { ...rest, [LAST_APPLIED]: REDACTED } } };
    }
  }
  return object;
}

/** A salted SHA-256 of a value's bytes: equal values compare equal within one run, and are not guessable from it. */
export function saltedDigest(bytes: Buffer, salt: string): string {
  return `sha256:${createHash('sha256').update(salt).update(bytes).digest('hex')}`;
}

function digestValues(values: JsonValue | undefined, encoding: 'base64' | 'utf8', salt: string, into: JsonObject): void {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) return;
  for (const key of Object.keys(values)) {
    const value = values[key];
    setOwn(into, key, typeof value === 'string' ? saltedDigest(Buffer.from(value, encoding), salt) : REDACTED);
  }
}

/**
 * For drift: a Secret whose values are replaced by salted digests of their bytes (`data` is
 * base64, `stringData` text, so the same value declared either way gives the same digest; the API
 * server merges stringData into data, stringData winning), so that a baseline and a live Secret
 * compare without either value being kept.
 */
export function digestSecretValues(resource: Resource, salt: string): Resource {
  if (resource.kind !== 'Secret' || resource.apiVersion !== 'v1') return resource;
  const { data, stringData, ...rest } = resource.object;
  const object: JsonObject = withoutLastApplied(rest);
  if (data !== undefined || stringData !== undefined) {
    const digested: JsonObject = {};
    digestValues(data, 'base64', salt, digested);
    digestValues(stringData, 'utf8', salt, digested);
    object.data = digested;
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
  /^(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}$/i, // an Authorization header value
];

/** Names of keys: ENCRYPTION_KEY, SIGNING_KEY, AZURE_STORAGE_ACCOUNT_KEY (not CACHE_KEY or SORT_KEY, which name data). */
const KEY_NAME = /(encryption|signing|sign|account|storage|master|secret|private|api|access|client|hmac|crypto|session|license|licence|auth)[_.-]?key$/i;
/** Any other `*_KEY` counts when its value looks like key material: 16+ characters of base64 or hex, letters and digits. */
const ANY_KEY_NAME = /(^|[_.-])key$/i;
const KEY_MATERIAL = /^(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9+/=_-]{16,}$/;

/**
 * Names that mention a credential but describe something about it (how long a token lives, where
 * the password file is, which user, whether auth is on): TOKEN_TTL=3600, PASSWORD_FILE=/run/pw,
 * SECRET_NAME=db, AUTH_ENABLED=1. Their values are not credentials; a credential-shaped value under
 * such a name is still caught by CREDENTIAL_VALUE.
 */
const CREDENTIAL_METADATA_NAME =
  /(^|[_.-])(ttl|expiry|expires?|expiration|lifetime|timeout|max[_-]?age|length|len|size|file|path|dir|url|uri|endpoint|host|port|header|name|user|username|id|enabled?|disabled?|type|mode|algorithm|alg|issuer|audience|scopes?|interval|version|count|retries|policy)$/i;

/** True when an env var (by name or by value) looks like it carries a credential. */
export function looksLikeCredential(name: string, value: string): boolean {
  if (value.trim() === '') return false;
  if (CREDENTIAL_VALUE.some((pattern) => pattern.test(value))) return true;
  if (KEY_NAME.test(name) || (ANY_KEY_NAME.test(name) && KEY_MATERIAL.test(value))) return true;
  return CREDENTIAL_NAME.test(name) && !CREDENTIAL_METADATA_NAME.test(name);
}

/**
 * Parser messages that quote the source text they stumbled on, with what to keep of them. The
 * quoted text is often a value: `password: *s3cret` is an alias to the YAML parser, and the
 * message "Unresolved alias …: *s3cret" would print the password. Keys and punctuation are kept.
 */
const QUOTING_MESSAGES: Array<[RegExp, string]> = [
  // Wrapped by the source stage as a refusal, though an unresolved alias is not an alias bomb.
  [/^too many alias expansions \(possible YAML bomb\); refused: Unresolved alias\b.*$/s, 'unresolved alias: an unquoted value starts with "*" and no anchor of that name is set before it (quote the value)'],
  [/^Unresolved alias\b.*$/s, 'unresolved alias: an unquoted value starts with "*" and no anchor of that name is set before it (quote the value)'],
  [/^(Could not resolve tag|Not a valid tag|Unresolved tag|Block scalar header includes extra characters|Anchor must not contain whitespace or control characters): .*$/s, '$1'],
  [/^Verbatim tags aren't resolved, so .* is invalid\.?$/s, "verbatim tags aren't resolved"],
  [/^The .* tag has no suffix$/s, 'a tag has no suffix'],
  [/^Unresolved plain scalar .*$/s, 'unresolved plain scalar'],
  [/^Invalid escape sequence .*$/s, 'invalid escape sequence in a double-quoted string'],
];

/** An input error message with any quoted source text (possibly a secret value) removed. */
export function safeErrorMessage(message: string): string {
  for (const [pattern, replacement] of QUOTING_MESSAGES) {
    if (pattern.test(message)) return message.replace(pattern, replacement);
  }
  return message;
}

/** Makes the messages of input errors safe to print (in place; returns the same array). */
export function redactInputErrors<T extends { message: string }>(errors: T[]): T[] {
  for (const error of errors) error.message = safeErrorMessage(error.message);
  return errors;
}
