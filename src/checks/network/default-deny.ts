/** Shared logic of the two default-deny checks: one finding per namespace that has selectable workloads and no default-deny policy. */
import type { InventoryViolation } from '../../engine/check.js';
import type { Inventory } from '../../inventory/inventory.js';
import type { Severity } from '../../resources/types.js';
import { defaultDenyPolicies, type Direction } from '../../inventory/netpol/index.js';
import { ciliumPolicySelecting } from './cilium.js';
import { analysisOf, nameList, namespaceResource, selectableWorkloads, severityFor, workloadLabel } from './common.js';

export function* defaultDenyViolations(inventory: Inventory, direction: Direction, severity: Severity): Iterable<InventoryViolation> {
  const analysis = analysisOf(inventory);
  for (const namespace of analysis.namespaces()) {
    const workloads = selectableWorkloads(analysis, namespace);
    if (workloads.length === 0 || defaultDenyPolicies(analysis, namespace, direction).length > 0) continue;
    // A pod a Cilium policy selects may well be isolated: those rules are not evaluated, so no claim is made about it.
    const cilium = workloads.filter((pod) => ciliumPolicySelecting(inventory, pod) !== undefined);
    const unisolated = workloads.filter((pod) => analysis.isolating(pod, direction).length === 0 && !cilium.includes(pod));
    const policies = analysis.policiesIn(namespace).length;
    const state = policies === 0
      ? 'has no NetworkPolicy'
      : `has ${policies} NetworkPolic${policies === 1 ? 'y' : 'ies'} but none selects every pod with policyType ${direction === 'ingress' ? 'Ingress' : 'Egress'} without allowing everything`;
    const open = unisolated.length > 0
      ? `; ${unisolated.length} of ${workloads.length} workloads accept any ${direction === 'ingress' ? 'incoming' : 'outgoing'} traffic (${nameList(unisolated.map(workloadLabel))})`
      : '';
    const other = cilium.length > 0 ? `; ${cilium.length} selected by Cilium policies, whose rules are not evaluated` : '';
    yield {
      resource: namespaceResource(inventory, namespace, workloads[0]),
      path: 'metadata.name',
      message: `namespace "${namespace}" ${state}${open}${other}`,
      severity: severityFor(namespace, severity),
      details: { direction, workloads: workloads.length, notIsolated: unisolated.map(workloadLabel) },
    };
  }
}
