import { defineDetection } from '../detection.js';
import { queryValues, type AuditEvent } from '../event.js';
import { auditEvent, CONTROLLER } from './examples.js';
import { actorOf, objectName, routineOrRefused } from './common.js';

function commandOf(event: AuditEvent): string[] {
  const fromQuery = queryValues(event.requestURI, 'command');
  if (fromQuery.length > 0) return fromQuery;
  const body = event.requestObject;
  const command = body && typeof body === 'object' && !Array.isArray(body) ? body.command : undefined;
  return Array.isArray(command) ? command.filter((c): c is string => typeof c === 'string') : [];
}

/**
 * `kubectl cp` runs `tar cf - PATH` in the pod (copy out) or `tar xmf - -C DIR` (copy in): tar with
 * the archive on standard input/output. Paths are not reported (they can name credentials files).
 */
export function copyDirection(command: readonly string[]): 'out of' | 'into' | undefined {
  if (command[0] !== 'tar' || command.length < 3) return undefined;
  const flags = command[1] ?? '';
  if (!/^-?[a-zA-Z]+$/.test(flags) || command[2] !== '-') return undefined;
  if (flags.includes('c')) return 'out of';
  if (flags.includes('x')) return 'into';
  return undefined;
}

const cp = (command: string, fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb: 'create',
  requestURI: `/api/v1/namespaces/shop/pods/web-1/exec?${command}&container=web&stdout=true`,
  objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-1', apiVersion: 'v1' },
  responseStatus: { code: 101 },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.kubectl-cp',
  title: 'Files copied into or out of a pod',
  severity: 'medium',
  rationale: 'kubectl cp moves files across the workload boundary: out of a pod it can exfiltrate data, into a pod it changes a running workload outside its build.',
  remediation: 'Confirm the copy was authorised and what was copied; restrict pods/exec; ship data through reviewed channels (backups, volumes).',
  controls: { iso27001: ['A.8.12', 'A.8.2', 'A.8.16', 'A.8.32'] },
  equivalents: ['Panther: Kubernetes.Kubectl.CP.Operation'],
  detect(event) {
    const ref = event.objectRef;
    if (ref?.resource !== 'pods' || ref.subresource !== 'exec' || routineOrRefused(event)) return undefined;
    const direction = copyDirection(commandOf(event));
    if (!direction) return undefined;
    return { message: `${actorOf(event)} copied files ${direction} ${objectName(event, 'pod')} (kubectl cp)`, details: { direction: direction === 'into' ? 'in' : 'out' } };
  },
  examples: {
    fire: [cp('command=tar&command=cf&command=-&command=/data'), cp('command=tar&command=xmf&command=-&command=-C&command=/tmp')],
    quiet: [
      cp('command=tar&command=czf&command=backup.tgz&command=/data'),
      cp('command=sh'),
      cp('command=tar&command=cf&command=-&command=/data', { user: CONTROLLER }),
      cp('command=tar&command=cf&command=-&command=/data', { responseStatus: { code: 403 } }),
    ],
  },
});
