import type { Check } from '../../engine/check.js';
import anonymousAccess from './anonymous-access.js';
import clusterAdminBinding from './cluster-admin-binding.js';
import wildcardRules from './wildcard-rules.js';
import escalationVerbs from './escalation-verbs.js';
import secretsRead from './secrets-read.js';
import podExec from './pod-exec.js';
import kubeSystemWorkloads from './kube-system-workloads.js';
import nodesProxy from './nodes-proxy.js';
import csrApproval from './csr-approval.js';
import serviceaccountToken from './serviceaccount-token.js';
import admissionConfig from './admission-config.js';
import danglingBinding from './dangling-binding.js';
import unusedRole from './unused-role.js';
import defaultServiceAccountAutomount from './default-serviceaccount-automount.js';
import undefinedServiceAccount from './undefined-serviceaccount.js';

export const rbacChecks: Check[] = [
  anonymousAccess, clusterAdminBinding, wildcardRules, escalationVerbs, secretsRead, podExec, kubeSystemWorkloads,
  nodesProxy, csrApproval, serviceaccountToken, admissionConfig, danglingBinding, unusedRole, defaultServiceAccountAutomount, undefinedServiceAccount,
];
