import { defineCheck } from '../../engine/check.js';
import type { Violation } from '../../engine/check.js';
import type { PodTemplate } from '../../resources/workloads.js';
import { asArray, effectiveField, exampleDeployment, examplePod, isWindowsPod, podSecurityContext } from './util.js';

function* podLevelGroups(pod: PodTemplate): Iterable<Violation> {
  const sc = podSecurityContext(pod);
  const base = `${pod.specPath}.securityContext`;
  if (sc.fsGroup === 0) yield { path: `${base}.fsGroup`, message: 'pod sets fsGroup 0 (root group owns its volumes)' };
  const groups = asArray(sc.supplementalGroups);
  for (let i = 0; i < groups.length; i++) {
    if (groups[i] === 0) yield { path: `${base}.supplementalGroups[${i}]`, message: 'pod adds the root group (GID 0) as a supplementary group' };
  }
}

export default defineCheck({
  id: 'workload.root-group',
  title: 'Containers must not run with the root group',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'A process in group 0 can read and write files the image or node left group-root accessible; it also weakens the separation runAsNonRoot provides.',
  remediation: 'Set runAsGroup and fsGroup to a non-zero GID and remove 0 from supplementalGroups.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3'],
  },
  equivalents: ['KSV-0116'],
  *check(pod) {
    if (isWindowsPod(pod)) return;
    const reported = new Set<string>();
    for (const c of pod.containers) {
      const gid = effectiveField(pod, c, 'runAsGroup');
      if (gid?.value !== 0 || reported.has(gid.path)) continue;
      reported.add(gid.path);
      const who = gid.path.startsWith(c.path) ? `container "${c.name}"` : 'pod';
      yield { path: gid.path, message: `${who} runs with primary GID 0 (root group)` };
    }
    yield* podLevelGroups(pod);
  },
  examples: {
    valid: [examplePod(`
      securityContext: { runAsGroup: 10001, fsGroup: 10001, supplementalGroups: [10002] }
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          securityContext: { fsGroup: 0, supplementalGroups: [10002, 0] }
          containers: [{ name: app, image: nginx, securityContext: { runAsGroup: 0 } }]`),
        paths: [
          'spec.template.spec.containers[0].securityContext.runAsGroup',
          'spec.template.spec.securityContext.fsGroup',
          'spec.template.spec.securityContext.supplementalGroups[1]',
        ],
      },
    ],
  },
});
