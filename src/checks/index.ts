/** The built-in check registry: one folder per domain, one module per check. */
import type { Check } from '../engine/check.js';
import { workloadChecks } from './workload/index.js';
import { pssChecks } from './pss/index.js';
import { imagesChecks } from './images/index.js';
import { rbacChecks } from './rbac/index.js';
import { networkChecks } from './network/index.js';
import { namespaceChecks } from './namespace/index.js';
import { clusterChecks } from './cluster/index.js';

export const builtinChecks: readonly Check[] = [
  ...workloadChecks,
  ...pssChecks,
  ...imagesChecks,
  ...rbacChecks,
  ...networkChecks,
  ...namespaceChecks,
  ...clusterChecks,
];

export const builtinCheckIds: ReadonlySet<string> = new Set(builtinChecks.map((check) => check.id));

export function checkById(id: string): Check | undefined {
  return builtinChecks.find((check) => check.id === id);
}
