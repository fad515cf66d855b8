/** Facts several detections share: who counts as routine, what a message names. */
import { failed, isControlPlane, type AuditEvent } from '../event.js';

/** Routine (the control plane's own traffic) or refused: neither is an action that happened. */
export function routineOrRefused(event: AuditEvent): boolean {
  return isControlPlane(event.user) || failed(event);
}

/** `pod default/web-1` */
export function objectName(event: AuditEvent, singular: string): string {
  const ref = event.objectRef ?? {};
  const where = ref.namespace ? `${ref.namespace}/` : '';
  return `${singular} ${where}${ref.name ?? '(unnamed)'}`;
}

export function actorOf(event: AuditEvent): string {
  const user = event.user?.username ?? '(unknown user)';
  const as = event.impersonatedUser?.username;
  return as ? `${user} (as ${as})` : user;
}
