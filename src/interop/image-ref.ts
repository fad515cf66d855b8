/**
 * Image references as Kubernetes and registries resolve them: `nginx` is
 * `docker.io/library/nginx:latest`, `ghcr.io/a/b@sha256:…` is identified by its digest.
 */

export interface NormalisedImage {
  /** `registry/repository` (`docker.io/library/nginx`). */
  repository: string;
  tag?: string;
  digest?: string;
  /** `registry/repository:tag` (tag defaults to `latest` only when there is no digest), or `registry/repository@digest`. */
  canonical: string;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** The normalised form of a reference, or undefined when it cannot be one (a file path, a tarball). */
export function normaliseImage(reference: string): NormalisedImage | undefined {
  let rest = reference.trim();
  if (rest === '' || /\s/.test(rest) || rest.endsWith('.tar') || rest.endsWith('.tar.gz') || rest.startsWith('/') || rest.startsWith('.')) return undefined;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (rest === '' || tag === '') return undefined;
  const parts = rest.split('/');
  const first = parts[0]!;
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : 'docker.io';
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  const path = hasRegistry ? parts.slice(1) : parts;
  if (registry === 'docker.io' && path.length === 1) path.unshift('library');
  const repository = `${registry}/${path.join('/')}`.toLowerCase();
  if (!digest && !tag) tag = 'latest';
  const canonical = digest ? `${repository}@${digest}` : `${repository}:${tag}`;
  return { repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}), canonical };
}

/** `repository:tag` keys of a reference (a reference with both tag and digest yields the tag key too). */
export function referenceKeys(reference: string): string[] {
  const image = normaliseImage(reference);
  if (!image) return [];
  const keys = [image.canonical];
  if (image.digest && image.tag) keys.push(`${image.repository}:${image.tag}`);
  return keys;
}

/** The digest of a reference (`…@sha256:…`), or the value itself when it is a bare digest. */
export function digestOf(value: string): string | undefined {
  if (isDigest(value)) return value.toLowerCase();
  const at = value.indexOf('@');
  if (at < 0) return undefined;
  const digest = value.slice(at + 1);
  return isDigest(digest) ? digest.toLowerCase() : undefined;
}
