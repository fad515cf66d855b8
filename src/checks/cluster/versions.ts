/**
 * Kubernetes and container runtime versions, for the checks on a live cluster's nodes and API
 * server. Upstream supports the three most recent minor releases for about 14 months each.
 * OLDEST_SUPPORTED_MINOR is the oldest minor with upstream patch releases at the time of this
 * Annexa release (December 2026: 1.35, 1.36, 1.37 and 1.38 are maintained); it moves with each
 * Annexa release, as a vulnerability database would. A pure check cannot read the clock.
 */
import type { JsonObject } from '../../resources/types.js';
import { asObject } from '../../resources/workloads.js';

export const OLDEST_SUPPORTED_MINOR = 35;
/** kubelet may be up to three minors older than kube-apiserver (version skew policy). */
export const MAX_KUBELET_SKEW = 3;

export interface KubeVersion {
  major: number;
  minor: number;
  text: string;
}

/** `v1.31.4`, `v1.31.4-eks-1234`, `1.31` → major 1, minor 31. */
export function parseKubeVersion(value: unknown): KubeVersion | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^v?(\d+)\.(\d+)/.exec(value.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]), text: value } : undefined;
}

export function isUnsupported(version: KubeVersion): boolean {
  return version.major === 1 && version.minor < OLDEST_SUPPORTED_MINOR;
}

/** The API server's version from the ClusterInfo object of a cluster scan. */
export function serverVersionOf(clusterInfo: JsonObject): KubeVersion | undefined {
  return parseKubeVersion(asObject(clusterInfo.serverVersion as JsonObject | undefined).gitVersion);
}

/** Why a container runtime version is out of support, or undefined. */
export function runtimeProblem(runtime: string): string | undefined {
  const match = /^([a-z-]+):\/\/v?(\d+)\.(\d+)/.exec(runtime);
  if (!match) return undefined;
  const [, name, major, minor] = match;
  if (name === 'docker') return 'Docker Engine through dockershim was removed in Kubernetes 1.24';
  // containerd 1.6 (the last 1.x LTS before 1.7) reached end of life in July 2025.
  if (name === 'containerd' && Number(major) === 1 && Number(minor) < 7) return `containerd ${major}.${minor} is past its end of life (1.7 and 2.x are supported)`;
  return undefined;
}
