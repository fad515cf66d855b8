/** The audit detection registry: one module per detection. */
import type { Detection } from '../detection.js';
import podExec from './pod-exec.js';
import podAttach from './pod-attach.js';
import podPortForward from './pod-port-forward.js';
import kubectlCp from './kubectl-cp.js';
import secretRead from './secret-read.js';
import privilegedBinding from './privileged-binding.js';
import powerfulRole from './powerful-role.js';
import anonymousRequest from './anonymous-request.js';
import authorizationFailures from './authorization-failures.js';
import riskyWorkload from './risky-workload.js';
import controlChange from './control-change.js';
import kubeSystemWorkload from './kube-system-workload.js';
import nodePortService from './nodeport-service.js';
import certificateRequest from './certificate-request.js';
import tokenRequest from './token-request.js';
import impersonation from './impersonation.js';

export const auditDetections: readonly Detection[] = [
  podExec,
  podAttach,
  podPortForward,
  kubectlCp,
  secretRead,
  privilegedBinding,
  powerfulRole,
  anonymousRequest,
  authorizationFailures,
  riskyWorkload,
  controlChange,
  kubeSystemWorkload,
  nodePortService,
  certificateRequest,
  tokenRequest,
  impersonation,
];

export function detectionById(id: string): Detection | undefined {
  return auditDetections.find((d) => d.id === id);
}
