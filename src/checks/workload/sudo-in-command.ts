import { defineCheck } from '../../engine/check.js';
import { exampleDeployment, examplePod } from './util.js';
import { stringItems } from '../../resources/values.js';

/** `sudo` as a word of a command line (not `pseudo`, not a path containing sudo). */
const SUDO = /(^|[\s;&|'"(])sudo(\s|$)/;

export default defineCheck({
  id: 'workload.sudo-in-command',
  title: 'Container commands should not use sudo',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'A command that starts with sudo means the image ships sudo and the process expects to become root at will: the container relies on privilege escalation the other checks try to remove.',
  remediation: 'Build the image so the application runs as its non-root user without sudo, and do root-only setup at build time or in a dedicated init step.',
  controls: {
    iso27001: ['A.8.2', 'A.8.18'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.1.2'],
  },
  equivalents: ['C-0062'],
  *check(pod) {
    for (const c of pod.containers) {
      for (const field of ['command', 'args'] as const) {
        const words = stringItems(c.container[field]);
        const index = words.findIndex((w) => SUDO.test(w));
        if (index >= 0) yield { path: `${c.path}.${field}[${index}]`, message: `container "${c.name}" runs sudo in its ${field}` };
      }
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, command: [sh, -c, "pseudo-run --port 8080"] }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers: [{ name: app, image: app:1.0, command: [sh, -c], args: ["sudo /usr/sbin/sshd && exec app"] }]`),
        paths: ['spec.template.spec.containers[0].args[0]'],
      },
    ],
  },
});
