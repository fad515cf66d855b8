/** Host paths whose exposure to a container matters, shared by the hostPath checks. */
import { isUnder, normalizeHostPath } from './util.js';

/** Sockets of container runtimes: whoever reaches one can start a privileged container on the node. */
export const RUNTIME_SOCKET_PATTERNS: readonly RegExp[] = [
  /(^|\/)docker\.sock$/,
  /(^|\/)containerd\.sock$/,
  /(^|\/)crio\.sock$/,
  /(^|\/)cri-dockerd\.sock$/,
  /(^|\/)podman\.sock$/,
  /^\/(var\/)?run\/(docker|containerd|crio|podman)$/,
  /^\/var\/lib\/(docker|containerd)$/,
];

export function isRuntimeSocketPath(path: string): boolean {
  const normalized = normalizeHostPath(path);
  return RUNTIME_SOCKET_PATTERNS.some((pattern) => pattern.test(normalized));
}

/** Node directories that hold credentials, kernel interfaces, or the node's configuration. */
export const SENSITIVE_HOST_DIRECTORIES: readonly string[] = [
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/root',
  '/home',
  '/var/run',
  '/run',
  '/var/lib/kubelet',
  '/var/lib/etcd',
  '/var/lib/kube-proxy',
  '/etc/kubernetes',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/var/log',
];

/** The sensitive directory a host path falls under (or `/` when the path is the root or empty). */
export function sensitiveDirectoryOf(path: string): string | undefined {
  const normalized = normalizeHostPath(path);
  if (normalized === '/' || normalized === '') return '/';
  return SENSITIVE_HOST_DIRECTORIES.find((dir) => isUnder(normalized, dir));
}

/**
 * The sensitive directory a host path lies inside (`dir`), or, for a parent such as `/var` or
 * `/var/lib`, the first sensitive directory it contains (`contains`): mounting `/var` exposes
 * `/var/lib/kubelet` and `/var/run/docker.sock` as surely as mounting them directly.
 */
export function sensitiveExposureOf(path: string): { dir: string; contains: boolean } | undefined {
  const dir = sensitiveDirectoryOf(path);
  if (dir !== undefined) return { dir, contains: false };
  const normalized = normalizeHostPath(path);
  const inside = SENSITIVE_HOST_DIRECTORIES.find((sensitive) => isUnder(sensitive, normalized));
  return inside === undefined ? undefined : { dir: inside, contains: true };
}
