import { defineCheck } from '../../engine/check.js';
import { examplePod } from './util.js';

export default defineCheck({
  id: 'workload.ephemeral-container',
  title: 'Ephemeral (debug) containers present',
  severity: 'info',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Ephemeral containers are added to running pods with kubectl debug: they run arbitrary images next to the application, often with extra privileges, and should be traceable to an approved debugging session.',
  remediation: 'Confirm the debugging session was authorised and recorded; restart the pod afterwards to remove the container.',
  controls: {
    iso27001: ['A.8.18', 'A.8.32'],
    'nist-800-190': ['4.4.5'],
  },
  equivalents: [],
  *check(pod) {
    for (const c of pod.containers) {
      if (c.type !== 'ephemeralContainers') continue;
      const image = typeof c.container.image === 'string' ? ` (image ${c.container.image})` : '';
      yield { path: c.path, message: `ephemeral container "${c.name}"${image} was added to the pod` };
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx }]`)],
    invalid: [
      {
        manifest: examplePod(`
          containers: [{ name: app, image: nginx }]
          ephemeralContainers: [{ name: debugger, image: busybox, targetContainerName: app }]`),
        paths: ['spec.ephemeralContainers[0]'],
      },
    ],
  },
});
