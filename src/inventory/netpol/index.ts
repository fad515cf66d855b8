/** NetworkPolicy semantics over an inventory: selection, coverage and reachability. */
export { NetpolAnalysis, NAMESPACE_NAME_LABEL } from './analysis.js';
export { compilePolicy, isDefaultDeny, isNetworkPolicy, namespaceOf, ruleAdmitsEveryPeer, DEFAULT_NAMESPACE } from './policy.js';
export type { Direction, NamespaceScope, Peer, Policy, PortSpec, Problem, Rule } from './policy.js';
export { netpolPodsOf, PodIndex } from './pods.js';
export type { ContainerPort, NetpolPod } from './pods.js';
export { compileSelector, labelsOf, MATCH_ALL } from '../label-selector.js';
export type { LabelSelector, Labels, Requirement } from '../label-selector.js';
export { cidrContains, cidrContainsAddress, ipBlockAdmits, ipBlockIsEverything, parseAddress, parseCidr } from './cidr.js';
export type { Cidr, IpBlock } from './cidr.js';
export { PortSet } from './ports.js';
export { coverageReport, defaultDenyPolicies, describePeer, namespaceCoverage, workloadCoverage } from './coverage.js';
export type { AllowEntry, CoverageReport, CoverageSummary, NamespaceCoverage, PeerSummary, PortEntry, WorkloadCoverage } from './coverage.js';
export { findWorkload, reach, ReachError } from './reach.js';
export type { PortQuery, ReachResult, SideVerdict, WorkloadQuery } from './reach.js';
