import { defineCheck } from '../../engine/check.js';
import { asArray, exampleDeployment, examplePod, isObject } from './util.js';

export default defineCheck({
  id: 'workload.host-ports',
  title: 'Containers should not bind host ports',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'A hostPort opens a port on the node\'s own addresses, outside Service and NetworkPolicy control, and limits scheduling to one such pod per node.',
  remediation: 'Remove ports[].hostPort and expose the container through a Service (ClusterIP, NodePort or LoadBalancer) or an Ingress.',
  controls: {
    iso27001: ['A.8.9', 'A.8.20', 'A.8.22'],
    cis: ['5.2.13'],
    nsa: ['Network separation and hardening'],
    'nist-800-190': ['4.4.2'],
    pss: ['hostPorts'],
  },
  equivalents: ['KSV-0024', 'C-0044'],
  *check(pod) {
    for (const c of pod.containers) {
      const ports = asArray(c.container.ports);
      for (let i = 0; i < ports.length; i++) {
        const port = ports[i];
        if (!isObject(port) || typeof port.hostPort !== 'number' || port.hostPort === 0) continue;
        yield { path: `${c.path}.ports[${i}].hostPort`, message: `container "${c.name}" binds host port ${port.hostPort}` };
      }
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, ports: [{ containerPort: 8080 }] }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers: [{ name: app, image: nginx, ports: [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 9090 }] }]`),
        paths: ['spec.template.spec.containers[0].ports[1].hostPort'],
      },
    ],
  },
});
