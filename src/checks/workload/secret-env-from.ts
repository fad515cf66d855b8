import { defineCheck } from '../../engine/check.js';
import { asArray, asObject, exampleDeployment, examplePod, isObject } from './util.js';

export default defineCheck({
  id: 'secrets.secret-env-from',
  title: 'Whole Secrets imported as environment variables',
  severity: 'info',
  domain: 'secrets',
  scope: 'pod',
  rationale:
    'envFrom.secretRef turns every key of a Secret, including keys added later, into environment variables of the container: the container receives more credentials than it names, in the least protected form.',
  remediation: 'Mount the Secret as a volume, or reference only the needed keys; review which keys the Secret holds.',
  controls: {
    iso27001: ['A.5.17'],
    cis: ['5.4.1'],
    nsa: ['Secrets'],
  },
  equivalents: ['C-0207'],
  *check(pod) {
    for (const c of pod.containers) {
      const sources = asArray(c.container.envFrom);
      for (let i = 0; i < sources.length; i++) {
        const ref = asObject(sources[i]).secretRef;
        if (!isObject(ref)) continue;
        const secret = typeof ref.name === 'string' ? ref.name : '?';
        yield { path: `${c.path}.envFrom[${i}].secretRef`, message: `container "${c.name}" imports every key of Secret "${secret}" as environment variables` };
      }
    }
  },
  examples: {
    valid: [examplePod(`
      containers: [{ name: app, image: nginx, envFrom: [{ configMapRef: { name: settings } }] }]`)],
    invalid: [
      {
        manifest: exampleDeployment(`
          containers: [{ name: app, image: nginx, envFrom: [{ configMapRef: { name: settings } }, { secretRef: { name: app-secrets } }] }]`),
        paths: ['spec.template.spec.containers[0].envFrom[1].secretRef'],
      },
    ],
  },
});
