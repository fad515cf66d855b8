import { defineCheck } from '../../engine/check.js';
import { describeValue } from '../../resources/values.js';
import { asObject, envEntries, exampleDeployment, examplePod, isObject } from './util.js';

export default defineCheck({
  id: 'secrets.secret-key-ref-env',
  title: 'Prefer secret volumes to secrets in environment variables',
  severity: 'low',
  domain: 'secrets',
  scope: 'pod',
  rationale:
    'Environment variables leak more easily than files: they are inherited by child processes, printed by crash handlers and debug endpoints, and visible in /proc to anything sharing the process namespace. A secret volume also picks up rotated values without a restart.',
  remediation: 'Mount the Secret as a volume (or a projected volume) and have the application read the file; keep secretKeyRef for software that cannot read files.',
  controls: {
    iso27001: ['A.5.17'],
    cis: ['5.4.1'],
    nsa: ['Secrets'],
  },
  equivalents: ['C-0207'],
  *check(pod) {
    for (const c of pod.containers) {
      for (const entry of envEntries(c)) {
        const ref = asObject(entry.value.valueFrom).secretKeyRef;
        if (!isObject(ref)) continue;
        const secret = typeof ref.name === 'string' ? ref.name : '?';
        const key = typeof ref.key === 'string' ? ref.key : '?';
        yield {
          path: `${entry.path}.valueFrom.secretKeyRef`,
          message: `container "${c.name}" receives key "${key}" of Secret "${secret}" as environment variable ${describeValue(entry.value.name)}`,
        };
      }
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, volumeMounts: [{ name: db, mountPath: /etc/db, readOnly: true }] }]
      volumes: [{ name: db, secret: { secretName: db } }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers:
            - name: app
              image: nginx
              env: [{ name: LOG_LEVEL, value: info }, { name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: db, key: password } } }]`),
        paths: ['spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef'],
      },
    ],
  },
});
