/** The object of an admission request as a Resource the engine evaluates, with Secret values redacted. */
import type { JsonObject, Resource } from '../resources/types.js';
import { redactResource } from '../resources/redact.js';
import { isObject } from '../resources/workloads.js';
import { apiVersionOf, type AdmissionRequest } from './review.js';

export function resourceOfRequest(request: AdmissionRequest, object: JsonObject): Resource {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : request.namespace;
  // A CREATE with generateName has no name yet: the prefix says which object it is.
  const name = typeof metadata.name === 'string' && metadata.name !== ''
    ? metadata.name
    : typeof metadata.generateName === 'string' && metadata.generateName !== '' ? `${metadata.generateName}*` : request.name ?? '';
  const apiVersion = typeof object.apiVersion === 'string' && object.apiVersion !== '' ? object.apiVersion : apiVersionOf(request.kind);
  const kind = typeof object.kind === 'string' && object.kind !== '' ? object.kind : request.kind.kind;
  const resource: Resource = { apiVersion, kind, name, object: { ...object, apiVersion, kind }, provenance: { source: 'admission' } };
  if (namespace !== undefined) resource.namespace = namespace;
  return redactResource(resource);
}
