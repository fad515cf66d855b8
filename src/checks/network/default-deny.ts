/** Shared logic of the two default-deny checks: one finding per namespace that has selectable workloads and no default-deny policy. */
import type { InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import type { Severity } from '../../resources/types.js';
import { defaultDenyPolicies, type Direction } from '../../inventory/netpol/index.js';
import { analysisOf, nameList, namespaceResource, selectableWorkloads, severityFor, workloadLabel } from './common.js';

export function* defaultDenyViolations(inventory: Inventory, direction: Direction, severity: Severity): Iterable<InventoryViolation> {
  const analysis = analysisOf(inventory);
  for (const namespace of analysis.namespaces()) {
    const workloads = selectableWorkloads(analysis, namespace);
    if (workloads.length === 0 || defaultDenyPolicies(analysis, namespace, direction).length > 0) continue;
    const unisolated = workloads.filter((pod) => analysis.isolating(pod, direction).length === 0);
    const policies = analysis.policiesIn(namespace).length;
    const state = policies === 0
      ? 'has no NetworkPolicy'
      : `has ${policies} NetworkPolic${policies === 1 ? 'y' : 'ies'} but none selects every pod with policyType ${direction === 'ingress' ? 'Ingress' : 'Egress'} without allowing everything`;
    const open = unisolated.length > 0
      ? `; ${unisolated.length} of ${workloads.length} workloads accept any ${direction === 'ingress' ? 'incoming' : 'outgoing'} traffic (${nameList(unisolated.map(workloadLabel))})`
      : '';
    yield {
      resource: namespaceResource(inventory, namespace, workloads[0]),
      path: 'metadata.name',
      message: `namespace "${namespace}" ${state}${open}`,
      severity: severityFor(namespace, severity),
      details: { direction, workloads: workloads.length, notIsolated: unisolated.map(workloadLabel) },
    };
  }
}
