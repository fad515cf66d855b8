/**
 * What is never drift: fields the API server writes itself, and the values it defaults.
 *
 * Only what the baseline declares is compared, so a default the baseline leaves out is never seen.
 * The table below matters the other way round: a baseline that spells a default out (`dnsPolicy:
 * ClusterFirst`) matches a live object that lacks the field (created before the field existed,
 * or read through a server that omits it). Paths are relative to the object; `*` is any list item.
 */

/** Metadata the API server populates: never compared. */
export const SERVER_METADATA = new Set(['uid', 'resourceVersion', 'managedFields', 'creationTimestamp', 'generation', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds']);

/** Annotations written by tools and controllers, not by the author. */
export const TOOL_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
]);

const POD_SPEC_DEFAULTS: Array<[string, unknown]> = [
  ['restartPolicy', 'Always'],
  ['dnsPolicy', 'ClusterFirst'],
  ['terminationGracePeriodSeconds', 30],
  ['schedulerName', 'default-scheduler'],
  ['enableServiceLinks', true],
  ['preemptionPolicy', 'PreemptLowerPriority'],
  ['priority', 0],
  ['securityContext', {}],
  ['containers.*.terminationMessagePath', '/dev/termination-log'],
  ['containers.*.terminationMessagePolicy', 'File'],
  ['containers.*.ports.*.protocol', 'TCP'],
  ['containers.*.resources', {}],
  ['initContainers.*.terminationMessagePath', '/dev/termination-log'],
  ['initContainers.*.terminationMessagePolicy', 'File'],
];

function under(prefix: string, entries: Array<[string, unknown]>): Array<[string, unknown]> {
  return entries.map(([path, value]) => [`${prefix}${path}`, value]);
}

const TEMPLATE = 'spec.template.spec.';

/** Kind → path pattern → the API server's default value. */
export const API_DEFAULTS: ReadonlyMap<string, ReadonlyMap<string, unknown>> = new Map(
  Object.entries({
    Pod: under('spec.', POD_SPEC_DEFAULTS),
    Deployment: [
      ['spec.replicas', 1], ['spec.revisionHistoryLimit', 10], ['spec.progressDeadlineSeconds', 600],
      ['spec.strategy.type', 'RollingUpdate'], ['spec.strategy.rollingUpdate.maxUnavailable', '25%'], ['spec.strategy.rollingUpdate.maxSurge', '25%'],
      ...under(TEMPLATE, POD_SPEC_DEFAULTS),
    ],
    StatefulSet: [
      ['spec.replicas', 1], ['spec.revisionHistoryLimit', 10], ['spec.podManagementPolicy', 'OrderedReady'],
      ['spec.updateStrategy.type', 'RollingUpdate'], ['spec.updateStrategy.rollingUpdate.partition', 0],
      ...under(TEMPLATE, POD_SPEC_DEFAULTS),
    ],
    DaemonSet: [
      ['spec.revisionHistoryLimit', 10], ['spec.updateStrategy.type', 'RollingUpdate'],
      ['spec.updateStrategy.rollingUpdate.maxUnavailable', 1], ['spec.updateStrategy.rollingUpdate.maxSurge', 0],
      ...under(TEMPLATE, POD_SPEC_DEFAULTS),
    ],
    ReplicaSet: [['spec.replicas', 1], ...under(TEMPLATE, POD_SPEC_DEFAULTS)],
    Job: [
      ['spec.backoffLimit', 6], ['spec.completions', 1], ['spec.parallelism', 1], ['spec.completionMode', 'NonIndexed'], ['spec.suspend', false],
      ...under(TEMPLATE, POD_SPEC_DEFAULTS),
    ],
    CronJob: [
      ['spec.concurrencyPolicy', 'Allow'], ['spec.suspend', false], ['spec.successfulJobsHistoryLimit', 3], ['spec.failedJobsHistoryLimit', 1],
      ...under('spec.jobTemplate.spec.template.spec.', POD_SPEC_DEFAULTS),
    ],
    Service: [
      ['spec.type', 'ClusterIP'], ['spec.sessionAffinity', 'None'], ['spec.ipFamilyPolicy', 'SingleStack'], ['spec.internalTrafficPolicy', 'Cluster'],
      ['spec.ports.*.protocol', 'TCP'],
    ],
    NetworkPolicy: [['spec.ingress.*.ports.*.protocol', 'TCP'], ['spec.egress.*.ports.*.protocol', 'TCP']],
    Secret: [['type', 'Opaque']],
  }).map(([kind, entries]) => [kind, new Map(entries as Array<[string, unknown]>)]),
);

/** The default of `path` (list indexes as `*`) for `kind`, if the API server defaults it. */
export function apiDefault(kind: string, pattern: string): { value: unknown } | undefined {
  const defaults = API_DEFAULTS.get(kind);
  return defaults?.has(pattern) ? { value: defaults.get(pattern) } : undefined;
}
