import { defineCheck } from '../../engine/check.js';
import { asArray, asObject } from '../../resources/workloads.js';
import { isSshPort } from '../workload/ssh-port.js';

const EXTERNAL_TYPES = new Set(['LoadBalancer', 'NodePort']);

export default defineCheck({
  id: 'network.service-ssh',
  title: 'Services should not expose SSH',
  severity: 'medium',
  domain: 'network',
  scope: 'resource',
  kinds: ['Service'],
  rationale:
    'A Service forwarding port 22 or 2222 (or a port named ssh) publishes an SSH server, a way into the workload outside the API '
    + 'server\'s authentication, RBAC and audit; through a LoadBalancer or NodePort it is reachable from outside the cluster.',
  remediation: 'Remove the SSH port from the Service (and the SSH server from the image); use kubectl exec or ephemeral debug containers.',
  severityAdjustments: 'high when the Service is of type LoadBalancer or NodePort (reachable from outside the cluster).',
  controls: { iso27001: ['A.8.20', 'A.8.22', 'A.8.5'], nsa: ['Network separation and hardening'] },
  equivalents: ['C-0042'],
  *check(resource) {
    const spec = asObject(resource.object.spec);
    const external = typeof spec.type === 'string' && EXTERNAL_TYPES.has(spec.type);
    const ports = asArray(spec.ports);
    for (let i = 0; i < ports.length; i++) {
      const port = asObject(ports[i]);
      if (!isSshPort(port.port, port.name) && !isSshPort(port.targetPort, port.targetPort)) continue;
      yield {
        path: `spec.ports[${i}]`,
        message: `Service "${resource.name}" forwards an SSH port (${String(port.port)} → ${String(port.targetPort ?? port.port)})${external ? `, reachable from outside as a ${String(spec.type)}` : ''}`,
        ...(external ? { severity: 'high' as const, severityReason: `medium → high: a ${String(spec.type)} Service is reachable from outside the cluster` } : {}),
      };
    }
  },
  examples: {
    valid: [`apiVersion: v1
kind: Service
metadata: { name: web }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }`],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Service
metadata: { name: bastion }
spec:
  type: LoadBalancer
  selector: { app: bastion }
  ports: [{ port: 443 }, { port: 2200, targetPort: 22 }, { name: ssh, port: 8022, targetPort: ssh }]`,
        paths: ['spec.ports[1]', 'spec.ports[2]'],
      },
    ],
  },
});
