import { defineCheck } from '../../engine/check.js';
import { asArray, asObject } from '../../resources/workloads.js';
import { exampleDeployment, examplePod } from './util.js';

/** Ports SSH servers listen on by convention; a port named `ssh` counts whatever its number. */
export const SSH_PORTS: ReadonlySet<number> = new Set([22, 2222]);

export function isSshPort(number: unknown, name: unknown): boolean {
  return (typeof number === 'number' && SSH_PORTS.has(number)) || (typeof name === 'string' && name.toLowerCase() === 'ssh');
}

export default defineCheck({
  id: 'workload.ssh-port',
  title: 'Containers should not run an SSH server',
  severity: 'medium',
  domain: 'workload',
  scope: 'pod',
  rationale:
    'An SSH server in a container is a second, unaudited way in: it bypasses the API server\'s authentication, RBAC and audit of exec, '
    + 'and usually comes with long-lived keys or passwords baked into the image.',
  remediation: 'Remove the SSH server and its port; use kubectl exec or ephemeral debug containers, which RBAC and audit logging cover.',
  controls: { iso27001: ['A.8.20'], nsa: ['Network separation and hardening'], 'nist-800-190': ['4.4.3'] },
  *check(pod) {
    for (const c of pod.containers) {
      const ports = asArray(c.container.ports);
      for (let i = 0; i < ports.length; i++) {
        const port = asObject(ports[i]);
        if (!isSshPort(port.containerPort, port.name)) continue;
        yield { path: `${c.path}.ports[${i}]`, message: `container "${c.name}" exposes an SSH port (${typeof port.name === 'string' ? `${port.name}/` : ''}${String(port.containerPort)})` };
      }
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, ports: [{ containerPort: 8080, name: http }] }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers:
            - { name: app, image: nginx, ports: [{ containerPort: 8080 }, { containerPort: 22 }] }
            - { name: debug, image: sshd, ports: [{ containerPort: 2022, name: ssh }, { containerPort: 2222 }] }`),
        paths: [
          'spec.template.spec.containers[0].ports[1]',
          'spec.template.spec.containers[1].ports[0]',
          'spec.template.spec.containers[1].ports[1]',
        ],
      },
    ],
  },
});
