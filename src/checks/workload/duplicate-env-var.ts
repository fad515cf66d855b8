import { defineCheck } from '../../engine/check.js';
import { envEntries, exampleCronJob, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.duplicate-env-var',
  title: 'Containers should not define the same environment variable twice',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'When a name appears twice in env the last entry silently wins: a reviewer reading the first one approves a value that never takes effect, and merges or patches can switch a setting without anyone noticing.',
  remediation: 'Keep one entry per variable name in each container\'s env list.',
  controls: {
    iso27001: ['A.8.9', 'A.8.32'],
    'nist-800-190': ['4.1.2'],
  },
  equivalents: ['C-0295'],
  *check(pod) {
    for (const c of pod.containers) {
      const seen = new Set<string>();
      for (const entry of envEntries(c)) {
        const name = entry.value.name;
        if (typeof name !== 'string') continue;
        if (seen.has(name)) yield { path: `${entry.path}.name`, message: `container "${c.name}" defines ${name} more than once (the last entry wins)` };
        seen.add(name);
      }
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, env: [{ name: A, value: "1" }, { name: B, value: "2" }] }]`)],
    invalid: [
      {
        manifest: exampleCronJob(`
          containers: [{ name: job, image: busybox, env: [{ name: MODE, value: safe }, { name: LEVEL, value: "1" }, { name: MODE, value: fast }] }]`),
        paths: ['spec.jobTemplate.spec.template.spec.containers[0].env[2].name'],
      },
    ],
  },
});
