/**
 * baseline `seLinuxOptions`: the SELinux type must be one of the container types (v1.31 adds
 * container_engine_t), and user and role must not be set, at pod or container level.
 */
import type { PssCheck, VersionedCheck } from '../types.js';
import { containerField, podField, type PodView } from '../pod.js';
import { joinQuote, joinSetters, namedContainers, pluralize, sortedUnique } from '../format.js';
import type { JsonObject } from '../../resources/types.js';
import { isObject } from '../../resources/workloads.js';

const TYPES_V1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const TYPES_V1_31 = [...TYPES_V1_0, 'container_engine_t'];

interface Findings {
  types: string[];
  user: boolean;
  role: boolean;
}

function stringField(options: JsonObject, key: string): string {
  const value = options[key];
  return typeof value === 'string' ? value : '';
}

/** Records what is wrong with one seLinuxOptions object; true when it is acceptable. */
function acceptable(options: JsonObject, allowedTypes: ReadonlySet<string>, found: Findings): boolean {
  let ok = true;
  const type = stringField(options, 'type');
  if (!allowedTypes.has(type)) {
    found.types.push(type);
    ok = false;
  }
  if (stringField(options, 'user') !== '') {
    found.user = true;
    ok = false;
  }
  if (stringField(options, 'role') !== '') {
    found.role = true;
    ok = false;
  }
  return ok;
}

function describe(found: Findings): string {
  const parts: string[] = [];
  const types = sortedUnique(found.types);
  if (types.length > 0) parts.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
  if (found.user) parts.push('user may not be set');
  if (found.role) parts.push('role may not be set');
  return parts.join('; ');
}

function seLinuxOptionsWith(allowed: readonly string[]): VersionedCheck['evaluate'] {
  const allowedTypes = new Set(allowed);
  return (pod: PodView) => {
    const found: Findings = { types: [], user: false, role: false };
    const setters: string[] = [];
    const fields: string[] = [];
    const podOptions = pod.securityContext?.seLinuxOptions;
    if (isObject(podOptions) && !acceptable(podOptions, allowedTypes, found)) {
      setters.push('pod');
      fields.push(podField(pod, 'seLinuxOptions'));
    }
    const bad = pod.containers.filter((c) => {
      const options = c.securityContext?.seLinuxOptions;
      return isObject(options) && !acceptable(options, allowedTypes, found);
    });
    if (bad.length > 0) {
      setters.push(namedContainers(bad.map((c) => c.name)));
      fields.push(...bad.map((c) => containerField(c, 'seLinuxOptions')));
    }
    if (setters.length === 0) return undefined;
    return {
      reason: 'seLinuxOptions',
      detail: `${joinSetters(setters)} set forbidden securityContext.seLinuxOptions: ${describe(found)}`,
      fields,
    };
  };
}

export const seLinuxOptions: PssCheck = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minimumMinor: 0, evaluate: seLinuxOptionsWith(TYPES_V1_0) },
    { minimumMinor: 31, evaluate: seLinuxOptionsWith(TYPES_V1_31) },
  ],
};
