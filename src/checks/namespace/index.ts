/** Namespace-level resource policies: LimitRanges and ResourceQuotas for namespaces that run workloads. */
import type { Check } from '../../engine/check.js';
import limitRange from './limit-range.js';
import resourceQuota from './resource-quota.js';
import defaultNamespaceObjects from './default-namespace-objects.js';

export const namespaceChecks: Check[] = [limitRange, resourceQuota, defaultNamespaceObjects];
