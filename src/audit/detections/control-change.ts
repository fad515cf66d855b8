import { defineDetection } from '../detection.js';
import { isWrite, type AuditEvent } from '../event.js';
import { auditEvent, CONTROLLER } from './examples.js';
import { actorOf, routineOrRefused } from './common.js';

/** Resources that are controls themselves: admission webhooks and policies, audit sinks. */
const CONTROL_RESOURCES = new Map<string, string>([
  ['validatingwebhookconfigurations', 'validating webhook configuration'],
  ['mutatingwebhookconfigurations', 'mutating webhook configuration'],
  ['validatingadmissionpolicies', 'ValidatingAdmissionPolicy'],
  ['validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding'],
  ['mutatingadmissionpolicies', 'MutatingAdmissionPolicy'],
  ['mutatingadmissionpolicybindings', 'MutatingAdmissionPolicyBinding'],
  ['auditsinks', 'audit sink'],
]);

/** A ConfigMap holding the audit policy or audit webhook configuration (kube-system, name mentions audit). */
function isAuditConfigMap(event: AuditEvent): boolean {
  const ref = event.objectRef;
  return ref?.resource === 'configmaps' && ref.namespace === 'kube-system' && (ref.name ?? '').includes('audit');
}

const VERB_TEXT: Readonly<Record<string, string>> = { create: 'created', update: 'updated', patch: 'patched', delete: 'deleted', deletecollection: 'deleted all' };

const change = (resource: string, verb: string, fields: Parameters<typeof auditEvent>[0] = {}) => auditEvent({
  verb,
  requestURI: `/apis/admissionregistration.k8s.io/v1/${resource}/policy-guard`,
  objectRef: { resource, name: 'policy-guard', apiGroup: 'admissionregistration.k8s.io', apiVersion: 'v1' },
  responseStatus: { code: verb === 'create' ? 201 : 200 },
  ...fields,
});

export default defineDetection({
  kind: 'event',
  id: 'audit.control-change',
  title: 'Admission or audit control created, changed or removed',
  severity: 'medium',
  rationale: 'Admission webhooks, ValidatingAdmissionPolicies and the audit configuration are controls: deleting or loosening one switches a control off, adding a mutating webhook lets its owner change every object admitted.',
  remediation: 'Confirm the change went through change management; restore the control if it was not approved.',
  controls: { iso27001: ['A.8.32', 'A.8.9', 'A.8.15', 'A.8.16'] },
  equivalents: ['Panther: Kubernetes.AdmissionController.Created'],
  detect(event) {
    const ref = event.objectRef;
    if (!ref?.resource || ref.subresource || !isWrite(event) || routineOrRefused(event)) return undefined;
    const what = CONTROL_RESOURCES.get(ref.resource) ?? (isAuditConfigMap(event) ? 'audit configuration ConfigMap' : undefined);
    if (!what) return undefined;
    const removed = event.verb === 'delete' || event.verb === 'deletecollection';
    return {
      message: `${actorOf(event)} ${VERB_TEXT[event.verb ?? ''] ?? event.verb} ${what} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? ''}`.trimEnd(),
      ...(removed ? { severity: 'high' as const } : {}),
    };
  },
  examples: {
    fire: [change('validatingwebhookconfigurations', 'delete'), change('mutatingwebhookconfigurations', 'create'), change('validatingadmissionpolicybindings', 'patch')],
    quiet: [
      change('validatingwebhookconfigurations', 'get'),
      change('validatingwebhookconfigurations', 'delete', { user: CONTROLLER }),
      change('validatingwebhookconfigurations', 'delete', { responseStatus: { code: 403 } }),
      change('configmaps', 'update', { objectRef: { resource: 'configmaps', namespace: 'shop', name: 'app' } }),
    ],
  },
});
