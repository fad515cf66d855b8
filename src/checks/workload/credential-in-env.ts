import { defineCheck } from '../../engine/check.js';
import { looksLikeCredential } from '../../resources/redact.js';
import { envEntries, exampleCronJob, exampleDeployment, examplePod, isPlaceholderValue } from './util.js';

export default defineCheck({
  id: 'secrets.credential-in-env',
  title: 'Credentials must not be written as literal environment values',
  severity: 'high',
  domain: 'secrets',
  scope: 'pod',
  rationale:
    'A password, token or key written into a pod spec is stored in plain text in Git, in the API server, in etcd backups and in every tool that reads workloads; anyone with read access to Deployments holds the credential.',
  remediation:
    'Move the value into a Secret (or an external secret store) and reference it with env[].valueFrom.secretKeyRef or, better, a mounted secret volume; then rotate the exposed credential.',
  controls: {
    iso27001: ['A.5.17', 'A.8.4', 'A.8.12'],
    nsa: ['Secrets'],
  },
  equivalents: ['C-0012', 'C-0259'],
  *check(pod) {
    for (const c of pod.containers) {
      for (const entry of envEntries(c)) {
        const { name, value } = entry.value;
        if (typeof name !== 'string' || typeof value !== 'string' || isPlaceholderValue(value)) continue;
        if (!looksLikeCredential(name, value)) continue;
        // The message names the variable only: the value must never reach a report.
        yield { path: `${entry.path}.value`, message: `container "${c.name}" sets ${name} to a literal value that looks like a credential` };
      }
    }
  },
  examples: {
    valid: [
      examplePod(`
        containers:
          - name: app
            image: nginx
            env:
              - { name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: db, key: password } } }
              - { name: LOG_LEVEL, value: info }
              - { name: TOKEN_FILE, value: /var/run/secrets/app/token }
              - { name: AUTH_ENABLED, value: "true" }`),
      // Names about a credential, not the credential (review regression: TOKEN_TTL=3600 was "high").
      examplePod(`
        containers:
          - name: app
            image: nginx
            env:
              - { name: TOKEN_TTL, value: "3600" }
              - { name: SESSION_TOKEN_MAX_AGE, value: "900" }
              - { name: DB_SECRET_NAME, value: db-credentials }
              - { name: DB_PASSWORD_FILE, value: run/secrets/db }
              - { name: OAUTH_ISSUER, value: "https://login.example.com/" }
              - { name: API_KEY_HEADER, value: X-Api-Key }`),
    ],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers:
            - name: app
              image: nginx
              env:
                - { name: LOG_LEVEL, value: info }
                - { name: DB_PASSWORD, value: hunter2 }
                - { name: DATABASE_URL, value: "postgres://app:s3cret@db:5432/app" }
                - { name: GITHUB_TOKEN_FILE, value: ghp_abcdefghijklmnopqrstuvwxyz0123456789 }`),
        // A credential-shaped value is caught whatever the name says about it.
        paths: ['spec.template.spec.containers[0].env[1].value', 'spec.template.spec.containers[0].env[2].value', 'spec.template.spec.containers[0].env[3].value'],
      },
      {
        manifest: exampleCronJob(`
          containers: [{ name: job, image: busybox, env: [{ name: GITHUB, value: ghp_abcdefghijklmnopqrstuvwxyz0123456789 }] }]`),
        paths: ['spec.jobTemplate.spec.template.spec.containers[0].env[0].value'],
      },
    ],
  },
});
