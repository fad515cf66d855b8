import type { Check } from '../../engine/check.js';
import defaultDenyIngress from './default-deny-ingress.js';
import defaultDenyEgress from './default-deny-egress.js';
import workloadNotSelected from './workload-not-selected.js';
import policyAllowsAll from './policy-allows-all.js';
import metadataEgress from './metadata-egress.js';
import loadBalancerSourceRanges from './loadbalancer-source-ranges.js';
import nodePortService from './nodeport-service.js';
import ingressTls from './ingress-tls.js';
import serviceExternalIps from './service-external-ips.js';
import policyInvalid from './policy-invalid.js';
import netpolNoPodSelector from './netpol-no-pod-selector.js';
import ingressNginxAnnotationInjection from './ingress-nginx-annotation-injection.js';
import serviceSsh from './service-ssh.js';
import serviceSelectsNothing from './service-selects-nothing.js';
import ingressMissingService from './ingress-missing-service.js';
import workloadExposed from './workload-exposed.js';
import netpolSelectsNothing from './netpol-selects-nothing.js';
import ipBlockClusterAddresses from './ipblock-cluster-addresses.js';

export const networkChecks: Check[] = [
  defaultDenyIngress,
  defaultDenyEgress,
  workloadNotSelected,
  policyAllowsAll,
  metadataEgress,
  loadBalancerSourceRanges,
  nodePortService,
  ingressTls,
  serviceExternalIps,
  policyInvalid,
  netpolNoPodSelector,
  ingressNginxAnnotationInjection,
  serviceSsh,
  serviceSelectsNothing,
  ingressMissingService,
  workloadExposed,
  netpolSelectsNothing,
  ipBlockClusterAddresses,
];
