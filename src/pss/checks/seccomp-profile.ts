/**
 * `seccompProfile_baseline` and `seccompProfile_restricted`.
 * Baseline forbids Unconfined: up to v1.18 in the deprecated annotations, from v1.19 in
 * securityContext.seccompProfile. Restricted (v1.19+) requires RuntimeDefault or Localhost for every
 * container, set on the pod or on the container; from v1.25 Windows pods are exempt.
 */
import type { CheckFailure, PssCheck } from '../types.js';
import { containerField, podField, type PodView, type PodContainer } from '../pod.js';
import { joinQuote, joinSetters, namedContainers, pluralize, sortedUnique } from '../format.js';
import { isObject } from '../../resources/workloads.js';
import { joinPath } from '../../resources/object-path.js';
import type { JsonValue } from '../../resources/types.js';

export const SECCOMP_PROFILE_BASELINE_ID = 'seccompProfile_baseline';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validAnnotationValue(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

function validType(type: string): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/** The type of a set seccompProfile ('' when it has none); undefined when the profile is not set. */
function profileType(profile: JsonValue | undefined): string | undefined {
  if (profile === undefined || profile === null) return undefined;
  return isObject(profile) && typeof profile.type === 'string' ? profile.type : '';
}

function seccompAnnotationsV1Dot0(pod: PodView): CheckFailure | undefined {
  const keys = [POD_ANNOTATION, ...pod.containers.map((c) => CONTAINER_ANNOTATION_PREFIX + c.name)];
  const forbidden = new Map<string, string>();
  for (const key of keys) {
    const value = pod.annotation(key);
    if (value !== undefined && !validAnnotationValue(value)) forbidden.set(key, value);
  }
  if (forbidden.size === 0) return undefined;
  const sortedKeys = sortedUnique(forbidden.keys());
  const entries = sortedUnique([...forbidden].map(([key, value]) => `${key}=${JSON.stringify(value)}`));
  return {
    reason: 'seccompProfile',
    detail: `forbidden ${pluralize('annotation', 'annotations', entries.length)} ${entries.join(', ')}`,
    fields: sortedKeys.map((key) => joinPath('metadata.annotations', key)),
  };
}

interface ExplicitlyBad {
  setters: string[];
  values: string[];
  fields: string[];
  /** Containers with no profile of their own. */
  unset: PodContainer[];
  /** The pod sets a valid profile that containers inherit. */
  podValid: boolean;
}

/** Pod and containers that set a seccompProfile type other than RuntimeDefault or Localhost. */
function explicitlyBad(pod: PodView): ExplicitlyBad {
  const found: ExplicitlyBad = { setters: [], values: [], fields: [], unset: [], podValid: false };
  const podType = profileType(pod.securityContext?.seccompProfile);
  if (podType !== undefined) {
    if (validType(podType)) found.podValid = true;
    else {
      found.setters.push('pod');
      found.values.push(podType);
      found.fields.push(podField(pod, 'seccompProfile', 'type'));
    }
  }
  const badContainers: string[] = [];
  for (const c of pod.containers) {
    const type = profileType(c.securityContext?.seccompProfile);
    if (type === undefined) found.unset.push(c);
    else if (!validType(type)) {
      badContainers.push(c.name);
      found.values.push(type);
      found.fields.push(containerField(c, 'seccompProfile', 'type'));
    }
  }
  if (badContainers.length > 0) found.setters.push(namedContainers(badContainers));
  return found;
}

function mustNotSet(found: ExplicitlyBad): CheckFailure {
  return {
    reason: 'seccompProfile',
    detail: `${joinSetters(found.setters)} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(found.values))}`,
    fields: found.fields,
  };
}

function seccompProfileBaselineV1Dot19(pod: PodView): CheckFailure | undefined {
  const found = explicitlyBad(pod);
  return found.setters.length > 0 ? mustNotSet(found) : undefined;
}

function seccompProfileRestrictedV1Dot19(pod: PodView): CheckFailure | undefined {
  const found = explicitlyBad(pod);
  if (found.setters.length > 0) return mustNotSet(found);
  if (found.podValid || found.unset.length === 0) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `pod or ${namedContainers(found.unset.map((c) => c.name))} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    fields: found.unset.map((c) => containerField(c, 'seccompProfile')),
  };
}

function seccompProfileRestrictedV1Dot25(pod: PodView): CheckFailure | undefined {
  return pod.isWindows() ? undefined : seccompProfileRestrictedV1Dot19(pod);
}

export const seccompProfileBaseline: PssCheck = {
  id: SECCOMP_PROFILE_BASELINE_ID,
  level: 'baseline',
  versions: [
    { minimumMinor: 0, evaluate: seccompAnnotationsV1Dot0 },
    { minimumMinor: 19, evaluate: seccompProfileBaselineV1Dot19 },
  ],
};

export const seccompProfileRestricted: PssCheck = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minimumMinor: 19, evaluate: seccompProfileRestrictedV1Dot19, overrides: [SECCOMP_PROFILE_BASELINE_ID] },
    { minimumMinor: 25, evaluate: seccompProfileRestrictedV1Dot25, overrides: [SECCOMP_PROFILE_BASELINE_ID] },
  ],
};
