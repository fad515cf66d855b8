import { defineCheck } from '../../engine/check.js';
import { containersMissingProbe, exampleCronJob, exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.readiness-probe',
  title: 'Long-running containers should define a readiness probe',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Without a readiness probe a pod receives traffic as soon as its process starts and keeps receiving it while unhealthy, turning deployments and partial failures into user-visible errors.',
  remediation: 'Add a readinessProbe to every regular container of Deployments, StatefulSets, DaemonSets and Pods.',
  controls: {
    iso27001: ['A.8.14'],
  },
  equivalents: ['C-0018'],
  *check(pod) {
    for (const missing of containersMissingProbe(pod, 'readinessProbe')) {
      yield { path: missing.path, message: `container "${missing.value.name}" has no readiness probe` };
    }
  },
  examples: {
    valid: [
      examplePod(`
        containers: [{ name: app, image: nginx, readinessProbe: { httpGet: { path: /ready, port: 8080 } } }]`),
      exampleCronJob(`
        containers: [{ name: job, image: busybox }]`),
    ],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers:
            - { name: app, image: nginx, readinessProbe: { httpGet: { path: /ready, port: 8080 } } }
            - { name: sidecar, image: envoy, livenessProbe: { tcpSocket: { port: 9901 } } }`),
        paths: ['spec.template.spec.containers[1].readinessProbe'],
      },
    ],
  },
});
