import { defineCheck } from '../../engine/check.js';
import { asArray, exampleDeployment, examplePod, isObject } from './util.js';

export default defineCheck({
  id: 'workload.privileged-port',
  title: 'Containers should listen on ports above 1023',
  severity: 'low',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'Ports below 1024 are reserved for privileged processes: a container that declares one usually runs as root or keeps NET_BIND_SERVICE, both of which the other hardening checks try to remove.',
  remediation: 'Have the application listen on a port above 1023 and map the well-known port in the Service (port: 80, targetPort: 8080).',
  controls: {
    iso27001: ['A.8.2', 'A.8.9'],
    nsa: ['Pod security: non-root and unprivileged containers'],
    'nist-800-190': ['4.4.3'],
  },
  equivalents: ['KSV-0117'],
  *check(pod) {
    if (pod.spec.hostNetwork === true) return; // reported by workload.host-network; ports there are node ports
    for (const c of pod.containers) {
      const ports = asArray(c.container.ports);
      for (let i = 0; i < ports.length; i++) {
        const port = ports[i];
        if (!isObject(port) || typeof port.containerPort !== 'number' || port.containerPort >= 1024 || port.containerPort <= 0) continue;
        yield { path: `${c.path}.ports[${i}].containerPort`, message: `container "${c.name}" listens on privileged port ${port.containerPort}` };
      }
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, ports: [{ containerPort: 8080 }] }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers: [{ name: app, image: nginx, ports: [{ containerPort: 8443 }, { containerPort: 80 }] }]`),
        paths: ['spec.template.spec.containers[0].ports[1].containerPort'],
      },
    ],
  },
});
