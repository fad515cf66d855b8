/**
 * NSA/CISA Kubernetes Hardening Guide (version 1.2): its main sections and subsections. Ids are
 * Annexa's short slugs; checks may also name a section by its title (listed as aliases).
 */
import type { CrosswalkCatalog } from './types.js';

export const NSA_CATALOG: CrosswalkCatalog = {
  key: 'nsa',
  framework: 'nsa-cisa-kubernetes-hardening:1.2',
  title: 'NSA/CISA Kubernetes Hardening Guide',
  items: [
    { id: 'pod-security', title: 'Kubernetes Pod security', aliases: ['Pod security'] },
    { id: 'pod-security.non-root', title: 'Non-root containers and rootless container engines', aliases: ['Pod security: non-root and unprivileged containers', 'non-root containers'] },
    { id: 'pod-security.immutable-filesystem', title: 'Immutable container file systems', aliases: ['Pod security: immutable container file systems'] },
    { id: 'pod-security.secure-images', title: 'Building secure container images', aliases: ['Pod security: building secure container images'] },
    { id: 'pod-security.enforcement', title: 'Pod security enforcement', aliases: ['Pod security: pod security enforcement', 'Pod security: host namespaces', 'Pod security: hostPath volumes'] },
    { id: 'pod-security.service-account-tokens', title: 'Protecting Pod service account tokens', aliases: ['Pod security: protecting pod service account tokens'] },
    { id: 'pod-security.container-environments', title: 'Hardening container environments', aliases: ['Pod security: hardening container environments'] },
    { id: 'network', title: 'Network separation and hardening' },
    { id: 'network.namespaces', title: 'Namespaces', aliases: ['Network separation: namespaces'] },
    { id: 'network.network-policies', title: 'Network policies', aliases: ['Network separation: network policies'] },
    { id: 'network.resource-policies', title: 'Resource policies', aliases: ['Network separation: resource policies'] },
    { id: 'network.control-plane', title: 'Control plane hardening', aliases: ['Network separation: control plane hardening'] },
    { id: 'network.worker-node-segmentation', title: 'Worker node segmentation' },
    { id: 'network.encryption', title: 'Encryption', aliases: ['Network separation: encryption'] },
    { id: 'network.secrets', title: 'Secrets', aliases: ['Network separation: secrets'] },
    { id: 'network.cloud-infrastructure', title: 'Protecting sensitive cloud infrastructure' },
    { id: 'authn-authz', title: 'Authentication and authorization' },
    { id: 'authn-authz.authentication', title: 'Authentication' },
    { id: 'authn-authz.rbac', title: 'Role-based access control', aliases: ['RBAC', 'Authentication and authorization: role-based access control', 'Authentication and authorization: least-privilege RBAC'] },
    { id: 'logging', title: 'Audit logging and threat detection' },
    { id: 'logging.audit', title: 'Kubernetes native audit logging configuration', aliases: ['Audit logging'] },
    { id: 'logging.worker-node-container', title: 'Worker node and container logging' },
    { id: 'logging.seccomp', title: 'Seccomp: audit mode', aliases: ['Seccomp'] },
    { id: 'logging.threat-detection', title: 'Threat detection and alerting' },
    { id: 'upgrading', title: 'Upgrading and application security practices' },
  ],
};
