/** Shared by the exec, attach and port-forward detections: an interactive session into a pod. */
import type { AuditEvent } from '../event.js';
import { queryValues } from '../event.js';
import type { Hit } from '../detection.js';
import { actorOf, objectName, routineOrRefused } from './common.js';

/** Commands are kept to the program name: arguments can carry passwords (`mysql -p…`). */
export function programOf(event: AuditEvent): string | undefined {
  const fromQuery = queryValues(event.requestURI, 'command');
  const fromBody = event.requestObject && typeof event.requestObject === 'object' && !Array.isArray(event.requestObject) ? event.requestObject.command : undefined;
  const command = fromQuery.length > 0 ? fromQuery : Array.isArray(fromBody) ? fromBody.filter((c): c is string => typeof c === 'string') : [];
  return command[0];
}

/** A session opened with `subresource` of a pod (exec, attach, portforward), or undefined. */
export function podSession(event: AuditEvent, subresource: string, doing: string): Hit | undefined {
  const ref = event.objectRef;
  if (ref?.resource !== 'pods' || ref.subresource !== subresource) return undefined;
  // kubectl sends create (WebSocket upgrades since 1.30 are logged as get).
  if (event.verb !== 'create' && event.verb !== 'get') return undefined;
  if (routineOrRefused(event)) return undefined;
  const program = subresource === 'exec' ? programOf(event) : undefined;
  const details = program !== undefined ? { program } : undefined;
  return { message: `${actorOf(event)} ${doing} ${objectName(event, 'pod')}${program !== undefined ? ` (${program})` : ''}`, ...(details ? { details } : {}) };
}
