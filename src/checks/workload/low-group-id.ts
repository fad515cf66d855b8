import { defineCheck } from '../../engine/check.js';
import { describeValue } from '../../resources/values.js';
import { effectiveField, exampleDeployment, examplePod, isWindowsPod } from './util.js';
import { HIGH_ID_THRESHOLD } from './low-user-id.js';

export default defineCheck({
  id: 'workload.low-group-id',
  title: 'Containers should run with a GID above 10000',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'As with UIDs, a low container GID may be a real group on the node (adm, docker, disk…), granting access to host files once anything leaks across the boundary.',
  remediation: 'Set securityContext.runAsGroup to a GID above 10000 on the pod or on every container.',
  controls: {
    iso27001: ['A.8.9'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3'],
  },
  equivalents: ['KSV-0021'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    // A pod-level value applies to every container that does not override it: one finding at the
    // pod field, naming those containers (not just the first one met).
    const byPath = new Map<string, { value: unknown; pod: boolean; names: string[] }>();
    for (const c of pod.containers) {
      const gid = effectiveField(pod, c, 'runAsGroup');
      if (typeof gid?.value === 'number' && gid.value > HIGH_ID_THRESHOLD) continue;
      const path = gid?.path ?? `${c.path}.securityContext.runAsGroup`;
      const entry = byPath.get(path);
      if (entry) entry.names.push(c.name);
      else byPath.set(path, { value: gid?.value, pod: gid !== undefined && !gid.path.startsWith(`${c.path}.`), names: [c.name] });
    }
    for (const [path, { value, pod: atPod, names }] of byPath) {
      const who = atPod ? `pod (container${names.length === 1 ? '' : 's'} ${names.map((n) => `"${n}"`).join(', ')})` : `container "${names[0]}"`;
      yield value !== undefined
        ? { path, message: `${who} runs with GID ${describeValue(value)} (not above ${HIGH_ID_THRESHOLD})` }
        : { path, message: `${who} does not set runAsGroup (the image decides the GID)` };
    }
  },
  examples: {
    valid: [examplePod(`
      securityContext: { runAsGroup: 10001 }
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers:
            - { name: app, image: nginx, securityContext: { runAsGroup: 1000 } }
            - { name: sidecar, image: envoy }`),
        paths: ['spec.template.spec.containers[0].securityContext.runAsGroup', 'spec.template.spec.containers[1].securityContext.runAsGroup'],
      },
    ],
  },
});
