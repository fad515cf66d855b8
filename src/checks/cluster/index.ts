/**
 * Cluster-wide concerns: API versions the cluster no longer serves (manifests), and what only a
 * live cluster shows (node and API server versions, admission controls, kube-apiserver flags).
 */
import type { Check } from '../../engine/check.js';
import deprecatedApi from './deprecated-api.js';
import noAdmissionPolicy from './no-admission-policy.js';
import nodeVersions from './node-versions.js';
import apiServerVersion from './api-server-version.js';
import admissionControls from './admission-controls.js';
import { auditLogging, encryptionAtRest } from './apiserver-flags.js';

export const clusterChecks: Check[] = [deprecatedApi, noAdmissionPolicy, apiServerVersion, nodeVersions, admissionControls, auditLogging, encryptionAtRest];
