import { defineCheck } from '../../engine/check.js';
import { describeValue } from '../../resources/values.js';
import { containerSecurityContext, exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.proc-mount',
  title: 'Containers must keep the default masked /proc',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'The runtime masks and makes read-only the sensitive parts of /proc (kcore, sysrq-trigger, timer lists…). procMount: Unmasked removes that protection and exposes kernel interfaces to the container.',
  remediation: 'Remove securityContext.procMount or set it to Default.',
  controls: {
    iso27001: ['A.8.2', 'A.8.9'],
    nsa: ['Pod security enforcement'],
    'nist-800-190': ['4.4.3', '4.5.2'],
    pss: ['procMount'],
  },
  equivalents: ['KSV-0027'],
  *check(pod) {
    for (const c of pod.containers) {
      const value = containerSecurityContext(c).procMount;
      if (value === undefined || value === null || value === 'Default') continue;
      yield { path: `${c.path}.securityContext.procMount`, message: `container "${c.name}" sets procMount: ${describeValue(value)}` };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, securityContext: { procMount: Default } }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers: [{ name: app, image: nginx, securityContext: { procMount: Unmasked } }]`),
        paths: ['spec.template.spec.containers[0].securityContext.procMount'],
      },
      {
        // Any value but Default, whatever its type, is reported (and described, not coerced).
        manifest: examplePod(`
          containers: [{ name: app, image: nginx, securityContext: { procMount: { toString: 1 } } }]`),
        paths: ['spec.containers[0].securityContext.procMount'],
      },
    ],
  },
});
