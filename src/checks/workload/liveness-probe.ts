import { defineCheck } from '../../engine/check.js';
import { containersMissingProbe, exampleCronJob, exampleDeployment, examplePod } from './util.js';

export default defineCheck({
  id: 'workload.liveness-probe',
  title: 'Long-running containers should define a liveness probe',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Without a liveness probe a hung process keeps its pod "Running" and never gets restarted, so an outage or a stuck worker goes unnoticed by the platform.',
  remediation: 'Add a livenessProbe (httpGet, tcpSocket, grpc or exec) to every regular container of Deployments, StatefulSets, DaemonSets and Pods.',
  controls: {
    iso27001: ['A.8.14'],
  },
  equivalents: ['C-0056'],
  *check(pod) {
    for (const missing of containersMissingProbe(pod, 'livenessProbe')) {
      yield { path: missing.path, message: `container "${missing.value.name}" has no liveness probe` };
    }
  },
  examples: {
    valid: [
      examplePod(`
        containers: [{ name: app, image: nginx, livenessProbe: { httpGet: { path: /healthz, port: 8080 } } }]`),
      exampleCronJob(`
        containers: [{ name: job, image: busybox }]`),
    ],
    invalid: [
      {
        manifest: exampleDeployment(`
          initContainers: [{ name: init, image: busybox }]
          containers: [{ name: app, image: nginx, readinessProbe: { tcpSocket: { port: 8080 } } }]`),
        paths: ['spec.template.spec.containers[0].livenessProbe'],
      },
    ],
  },
});
