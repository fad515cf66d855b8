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
