/** Label selectors (matchLabels + matchExpressions), as used by ClusterRole aggregationRule. */
import type { JsonValue } from '../../resources/types.js';
import { asArray, isObject } from '../../resources/workloads.js';

export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelRequirement[];
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Parses a selector; undefined for a null or malformed one (which selects nothing). */
export function parseSelector(value: JsonValue | undefined): LabelSelector | undefined {
  if (!isObject(value)) return undefined;
  const matchLabels: Record<string, string> = {};
  if (isObject(value.matchLabels)) {
    for (const [key, v] of Object.entries(value.matchLabels)) if (typeof v === 'string') matchLabels[key] = v;
  }
  const matchExpressions: LabelRequirement[] = [];
  for (const expr of asArray(value.matchExpressions)) {
    if (!isObject(expr) || typeof expr.key !== 'string' || typeof expr.operator !== 'string' || !OPERATORS.has(expr.operator)) return undefined;
    const values = asArray(expr.values).filter((v): v is string => typeof v === 'string');
    matchExpressions.push({ key: expr.key, operator: expr.operator as LabelRequirement['operator'], values });
  }
  return { matchLabels, matchExpressions };
}

function requirementMatches(req: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  switch (req.operator) {
    case 'In': return has && req.values.includes(labels[req.key]!);
    case 'NotIn': return !has || !req.values.includes(labels[req.key]!);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
  }
}

/** An empty selector (`{}`) matches every object. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) if (labels[key] !== value) return false;
  return selector.matchExpressions.every((req) => requirementMatches(req, labels));
}

/** The string labels of an object's metadata (or of a plain label map). */
export function stringMap(value: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(value)) for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}
