/** baseline `sysctls`: only the namespaced, isolated "safe" sysctls; the safe set grows by version. */
import type { PssCheck, VersionedCheck } from '../types.js';
import type { PodView } from '../pod.js';
import { fieldPath } from '../pod.js';
import { asArray, isObject } from '../../resources/workloads.js';

const SAFE_V1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const SAFE_V1_27 = [...SAFE_V1_0, 'net.ipv4.ip_local_reserved_ports'];
const SAFE_V1_29 = [
  ...SAFE_V1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const SAFE_V1_32 = [...SAFE_V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SAFE_V1_37 = [...SAFE_V1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function sysctlsAllowing(safe: readonly string[]): VersionedCheck['evaluate'] {
  const allowed = new Set(safe);
  return (pod: PodView) => {
    const forbidden: string[] = [];
    const fields: string[] = [];
    asArray(pod.securityContext?.sysctls).forEach((sysctl, index) => {
      const name = isObject(sysctl) && typeof sysctl.name === 'string' ? sysctl.name : '';
      if (allowed.has(name)) return;
      forbidden.push(name);
      fields.push(fieldPath(`spec.securityContext.sysctls[${index}]`, sysctl, ['name']));
    });
    if (forbidden.length === 0) return undefined;
    return { reason: 'forbidden sysctls', detail: forbidden.join(', '), fields };
  };
}

export const sysctls: PssCheck = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { minimumMinor: 0, evaluate: sysctlsAllowing(SAFE_V1_0) },
    { minimumMinor: 27, evaluate: sysctlsAllowing(SAFE_V1_27) },
    { minimumMinor: 29, evaluate: sysctlsAllowing(SAFE_V1_29) },
    { minimumMinor: 32, evaluate: sysctlsAllowing(SAFE_V1_32) },
    { minimumMinor: 37, evaluate: sysctlsAllowing(SAFE_V1_37) },
  ],
};
