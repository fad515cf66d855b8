/**
 * baseline `appArmorProfile`: AppArmor may only be RuntimeDefault or Localhost, set either in
 * securityContext.appArmorProfile (pod or container) or in the deprecated per-container annotations.
 */
import type { PssCheck } from '../types.js';
import { containerField, podField, type PodView } from '../pod.js';
import { joinQuote, joinSetters, namedContainers, pluralize, sortedUnique, compareStrings } from '../format.js';
import { isObject } from '../../resources/workloads.js';
import { joinPath } from '../../resources/object-path.js';
import type { JsonValue } from '../../resources/types.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const ALLOWED_TYPES = new Set(['RuntimeDefault', 'Localhost']);

function allowedAnnotationValue(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

/** The profile type when set to a forbidden value; undefined when unset or allowed. */
function forbiddenType(profile: JsonValue | undefined): string | undefined {
  if (profile === undefined || profile === null) return undefined;
  const type = isObject(profile) && typeof profile.type === 'string' ? profile.type : '';
  return ALLOWED_TYPES.has(type) ? undefined : type;
}

function appArmorProfileV1Dot0(pod: PodView) {
  const setters: string[] = [];
  const badTypes: string[] = [];
  const fields: string[] = [];
  const podType = forbiddenType(pod.securityContext?.appArmorProfile);
  if (podType !== undefined) {
    setters.push('pod');
    badTypes.push(podType);
    fields.push(podField(pod, 'appArmorProfile', 'type'));
  }
  const badContainers: string[] = [];
  for (const c of pod.containers) {
    const type = forbiddenType(c.securityContext?.appArmorProfile);
    if (type === undefined) continue;
    badContainers.push(c.name);
    badTypes.push(type);
    fields.push(containerField(c, 'appArmorProfile', 'type'));
  }
  if (badContainers.length > 0) setters.push(namedContainers(badContainers));
  const badAnnotations = pod.annotations()
    .filter(([key, value]) => key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(value))
    .sort(([a], [b]) => compareStrings(a, b));
  if (badAnnotations.length > 0) {
    setters.push(pluralize('annotation', 'annotations', badAnnotations.length));
    fields.push(...badAnnotations.map(([key]) => joinPath('metadata.annotations', key)));
  }
  if (setters.length === 0) return undefined;
  const values = [
    ...(badTypes.length > 0 ? [joinQuote(sortedUnique(badTypes))] : []),
    ...badAnnotations.map(([key, value]) => `${key}=${JSON.stringify(value)}`),
  ];
  const count = sortedUnique(badTypes).length + badAnnotations.length;
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', count),
    detail: `${joinSetters(setters)} must not set AppArmor profile type to ${values.join(', ')}`,
    fields,
  };
}

export const appArmorProfile: PssCheck = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ minimumMinor: 0, evaluate: appArmorProfileV1Dot0 }],
};
