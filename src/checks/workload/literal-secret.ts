import { defineCheck } from '../../engine/check.js';
import { asObject, isObject } from '../../resources/workloads.js';

/** Top-level keys that mark a manifest as encrypted at rest in the repository (SOPS adds `sops`). */
const ENCRYPTION_MARKERS = ['sops'];
const SECTIONS = ['data', 'stringData'] as const;

export default defineCheck({
  id: 'secrets.literal-secret',
  title: 'Secret manifests must not hold literal values in the repository',
  severity: 'high',
  domain: 'secrets',
  scope: 'resource',
  kinds: ['Secret'],
  rationale:
    'A Secret manifest with data or stringData committed to a repository puts the credential in every clone, fork, CI log and '
    + 'backup of it (base64 is an encoding, not encryption), out of reach of rotation and access control.',
  remediation:
    'Keep the value out of the repository: encrypt the manifest (SOPS, SealedSecret) or reference an external store (ExternalSecret, '
    + 'the CSI secrets store driver); then rotate the exposed credential.',
  controls: { iso27001: ['A.5.17', 'A.8.4', 'A.8.12', 'A.8.24'], cis: ['5.4.1'], nsa: ['Secrets'], 'nist-800-190': ['4.1.4'] },
  *check(resource) {
    // A repository finding: a Secret read from a live cluster is where Secrets belong.
    if (!['file', 'stdin', 'kustomize'].includes(resource.provenance.source)) return;
    const object = resource.object;
    if (ENCRYPTION_MARKERS.some((key) => isObject(object[key]))) return;
    for (const section of SECTIONS) {
      const keys = Object.keys(asObject(object[section]));
      if (keys.length === 0) continue;
      // Keys only: the source stage redacted the values, and a finding must never carry one.
      yield { path: section, message: `Secret "${resource.name}" holds literal ${section} for ${keys.map((k) => `"${k}"`).join(', ')} in the manifest` };
    }
  },
  examples: {
    valid: [
      `apiVersion: v1
kind: Secret
metadata: { name: tls }
type: kubernetes.io/tls`,
      // SOPS-encrypted: the values are ciphertext, the manifest carries its sops metadata.
      `apiVersion: v1
kind: Secret
metadata: { name: db }
data:
  password: ENC[AES256_GCM,data:abc,type:str]
sops:
  version: 3.8.1
  mac: ENC[AES256_GCM,data:def,type:str]`,
      `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: { name: db }
spec: { encryptedData: { password: AgBy3i4OJSWK } }`,
    ],
    invalid: [
      {
        manifest: `apiVersion: v1
kind: Secret
metadata: { name: db }
data: { username: YXBw, password: bm90LXJlYWw= }
stringData: { api-token: not-real-either }`,
        paths: ['data', 'stringData'],
      },
    ],
  },
});
