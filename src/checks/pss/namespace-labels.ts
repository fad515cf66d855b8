/** Reading the Pod Security labels of a Namespace resource, for the namespace checks. */
import type { Resource } from '../../resources/types.js';
import { asObject, isObject } from '../../resources/workloads.js';
import { namespacePolicy, type NamespacePolicy } from '../../pss/index.js';

export interface NamespaceLabels {
  policy: NamespacePolicy;
  /** metadata.labels, when the Namespace has any. */
  labels: Record<string, unknown> | undefined;
}

export function namespaceLabels(namespace: Resource): NamespaceLabels {
  const labels = asObject(namespace.object.metadata).labels;
  return { policy: namespacePolicy(namespace.object), labels: isObject(labels) ? labels : undefined };
}

/** Builds a Namespace manifest with the given labels, for examples. */
export function namespaceManifest(name: string, labels: Record<string, string>): string {
  const lines = Object.entries(labels).map(([key, value]) => `    ${key}: "${value}"`);
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}${lines.length > 0 ? `\n  labels:\n${lines.join('\n')}` : ''}`;
}
