/**
 * The Pod Security policy a Namespace asks for through its labels
 * `pod-security.kubernetes.io/<mode>` and `<mode>-version`. As upstream does, an unset level means
 * privileged, an unset version means latest, an invalid level is enforced as restricted and an invalid
 * version as latest (failing closed); the invalid values are reported as problems.
 */
import type { JsonObject } from '../resources/types.js';
import { asObject } from '../resources/workloads.js';
import { describeValue, scalarText } from '../resources/values.js';
import type { PssLevel } from './types.js';
import { isPssLevel } from './types.js';
import { LATEST, parsePolicyVersion, type PolicyVersion } from './version.js';

export const PSS_LABEL_PREFIX = 'pod-security.kubernetes.io/';
export const PSS_MODES = ['enforce', 'audit', 'warn'] as const;
export type PssMode = (typeof PSS_MODES)[number];

export interface ModePolicy {
  level: PssLevel;
  version: PolicyVersion;
  /** The level label is present (with any value). */
  levelLabelled: boolean;
  /** The version label is present (with any value). */
  versionLabelled: boolean;
}

export interface LabelProblem {
  label: string;
  /** The value as text (a value that is not a string, number or boolean: described, see describeValue). */
  value: string;
  message: string;
}

export interface NamespacePolicy {
  enforce: ModePolicy;
  audit: ModePolicy;
  warn: ModePolicy;
  problems: LabelProblem[];
}

const KNOWN_LABELS = new Set(PSS_MODES.flatMap((mode) => [`${PSS_LABEL_PREFIX}${mode}`, `${PSS_LABEL_PREFIX}${mode}-version`]));

function modePolicy(labels: JsonObject, mode: PssMode, problems: LabelProblem[]): ModePolicy {
  const levelLabel = `${PSS_LABEL_PREFIX}${mode}`;
  const versionLabel = `${levelLabel}-version`;
  const levelValue = labels[levelLabel];
  const versionValue = labels[versionLabel];
  let level: PssLevel = 'privileged';
  if (levelValue !== undefined) {
    const text = scalarText(levelValue);
    if (text !== undefined && isPssLevel(text)) level = text;
    else {
      level = 'restricted';
      problems.push({ label: levelLabel, value: text ?? describeValue(levelValue), message: 'must be privileged, baseline or restricted; upstream evaluates it as restricted' });
    }
  }
  let version = LATEST;
  if (versionValue !== undefined) {
    const text = scalarText(versionValue);
    const parsed = text === undefined ? undefined : parsePolicyVersion(text);
    if (parsed) version = parsed;
    else problems.push({ label: versionLabel, value: text ?? describeValue(versionValue), message: 'must be latest or v1.N; upstream evaluates it as latest' });
  }
  return { level, version, levelLabelled: levelValue !== undefined, versionLabelled: versionValue !== undefined };
}

/** The policy of each mode and the problems of the labels, from a Namespace object's metadata. */
export function namespacePolicy(namespace: JsonObject): NamespacePolicy {
  const labels = asObject(asObject(namespace.metadata).labels);
  const problems: LabelProblem[] = [];
  const enforce = modePolicy(labels, 'enforce', problems);
  const audit = modePolicy(labels, 'audit', problems);
  const warn = modePolicy(labels, 'warn', problems);
  for (const [label, value] of Object.entries(labels)) {
    if (label.startsWith(PSS_LABEL_PREFIX) && !KNOWN_LABELS.has(label)) {
      problems.push({ label, value: scalarText(value) ?? describeValue(value), message: 'is not a Pod Security label and is ignored' });
    }
  }
  return { enforce, audit, warn, problems };
}
