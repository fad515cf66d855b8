/** Cluster-wide concerns visible in manifests: API versions the cluster no longer serves. */
import type { Check } from '../../engine/check.js';
import deprecatedApi from './deprecated-api.js';
import noAdmissionPolicy from './no-admission-policy.js';

export const clusterChecks: Check[] = [deprecatedApi, noAdmissionPolicy];
