/** baseline `hostNamespaces`: hostNetwork, hostPID and hostIPC must be unset or false. */
import type { PssCheck } from '../types.js';
import type { PodView } from '../pod.js';

const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

function hostNamespacesV1Dot0(pod: PodView) {
  const shared = HOST_NAMESPACE_FIELDS.filter((field) => pod.spec[field] === true);
  if (shared.length === 0) return undefined;
  return {
    reason: 'host namespaces',
    detail: shared.map((field) => `${field}=true`).join(', '),
    fields: shared.map((field) => `spec.${field}`),
  };
}

export const hostNamespaces: PssCheck = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{ minimumMinor: 0, evaluate: hostNamespacesV1Dot0 }],
};
