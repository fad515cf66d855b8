import { defineCheck } from '../../engine/check.js';
import { describeValue } from '../../resources/values.js';
import { effectiveField, exampleDeployment, examplePod, isWindowsPod } from './util.js';

/** UIDs and GIDs at or below this value may collide with accounts on the node. */
export const HIGH_ID_THRESHOLD = 10000;

export default defineCheck({
  id: 'workload.low-user-id',
  title: 'Containers should run with a UID above 10000',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Without user namespaces a container UID is a node UID: a low UID may match a real account on the node, which matters as soon as a host file or a process escapes the container. A high, explicit UID avoids the overlap.',
  remediation: 'Set securityContext.runAsUser to a UID above 10000 on the pod or on every container (or run the pod with hostUsers: false).',
  controls: {
    iso27001: ['A.8.9'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3'],
  },
  equivalents: ['KSV-0020'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    // A pod-level value applies to every container that does not override it: one finding at the
    // pod field, naming those containers (not just the first one met).
    const byPath = new Map<string, { value: unknown; pod: boolean; names: string[] }>();
    for (const c of pod.containers) {
      const uid = effectiveField(pod, c, 'runAsUser');
      if (typeof uid?.value === 'number' && uid.value > HIGH_ID_THRESHOLD) continue;
      const path = uid?.path ?? `${c.path}.securityContext.runAsUser`;
      const entry = byPath.get(path);
      if (entry) entry.names.push(c.name);
      else byPath.set(path, { value: uid?.value, pod: uid !== undefined && !uid.path.startsWith(`${c.path}.`), names: [c.name] });
    }
    for (const [path, { value, pod: atPod, names }] of byPath) {
      const who = atPod ? `pod (container${names.length === 1 ? '' : 's'} ${names.map((n) => `"${n}"`).join(', ')})` : `container "${names[0]}"`;
      yield value !== undefined
        ? { path, message: `${who} runs as UID ${describeValue(value)} (not above ${HIGH_ID_THRESHOLD})` }
        : { path, message: `${who} does not set runAsUser (the image decides the UID)` };
    }
  },
  examples: {
    valid: [
      examplePod(`
        securityContext: { runAsUser: 10001 }
        containers: [{ name: app, image: nginx }]`),
      exampleDeployment(`
        containers: [{ name: app, image: nginx, securityContext: { runAsUser: 20000 } }]`),
    ],
    invalid: [
      {
        manifest: exampleDeployment(`
          securityContext: { runAsUser: 1000 }
          containers:
            - { name: app, image: nginx }
            - { name: sidecar, image: envoy, securityContext: { runAsUser: 10001 } }`),
        paths: ['spec.template.spec.securityContext.runAsUser'],
      },
      {
        manifest: examplePod(`
          containers: [{ name: app, image: nginx }]`),
        paths: ['spec.containers[0].securityContext.runAsUser'],
      },
      {
        manifest: examplePod(`
          containers: [{ name: app, image: nginx, securityContext: { runAsUser: { valueOf: 1 } } }]`),
        paths: ['spec.containers[0].securityContext.runAsUser'],
      },
    ],
  },
});
