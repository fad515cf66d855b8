/**
 * Kubernetes label selectors (metav1.LabelSelector), compiled once: matchLabels and matchExpressions
 * are ANDed; an empty selector matches everything. Operators: In, NotIn, Exists, DoesNotExist
 * (NotIn and DoesNotExist also match objects that lack the key). A selector the API server would
 * reject (unknown operator, In/NotIn without values, values given to Exists, a value that is null, a
 * list or a map) matches nothing and carries a `problem`.
 */
import type { JsonValue } from '../resources/types.js';
import { asArray, asObject, isObject } from '../resources/workloads.js';
import { describeValue, scalarText, setOwn } from '../resources/values.js';

export type Labels = Readonly<Record<string, string>>;

export type Requirement =
  | { key: string; op: 'In' | 'NotIn'; values: ReadonlySet<string> }
  | { key: string; op: 'Exists' | 'DoesNotExist' };

export interface LabelSelector {
  /** True when the selector has no requirement: it matches every object. */
  readonly matchesAll: boolean;
  readonly requirements: readonly Requirement[];
  /** Why the selector is invalid; an invalid selector matches nothing. */
  readonly problem?: string;
  matches(labels: Labels): boolean;
  /** `app=web,tier in (a,b)`, or `(all)` for the empty selector. */
  toString(): string;
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Reads a label map (metadata.labels); a number or boolean is read as its text, null, lists and maps are ignored. */
export function labelsOf(value: JsonValue | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!isObject(value)) return labels;
  for (const [key, label] of Object.entries(value)) {
    const text = scalarText(label);
    if (text !== undefined) setOwn(labels, key, text);
  }
  return labels;
}

function requirementOf(expression: JsonValue): Requirement | string {
  if (!isObject(expression)) return 'matchExpressions entry is not an object';
  const { key, operator } = expression;
  if (typeof key !== 'string' || key === '') return 'matchExpressions entry has no key';
  if (typeof operator !== 'string' || !OPERATORS.has(operator)) return `unknown operator "${describeValue(operator)}" for key "${key}"`;
  // Values are strings (a number or boolean is read as its text, like a label value); anything else is rejected.
  const values: string[] = [];
  for (const value of asArray(expression.values)) {
    const text = scalarText(value);
    if (text === undefined) return `value ${describeValue(value)} for key "${key}" is not a string`;
    values.push(text);
  }
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length === 0) return `operator ${operator} for key "${key}" needs at least one value`;
    return { key, op: operator, values: new Set(values) };
  }
  if (values.length > 0) return `operator ${operator} for key "${key}" takes no values`;
  return { key, op: operator as 'Exists' | 'DoesNotExist' };
}

function satisfies(requirement: Requirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  switch (requirement.op) {
    case 'In':
      return has && requirement.values.has(labels[requirement.key]!);
    case 'NotIn':
      return !has || !requirement.values.has(labels[requirement.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

function describe(requirement: Requirement): string {
  switch (requirement.op) {
    case 'In':
      return requirement.values.size === 1 ? `${requirement.key}=${[...requirement.values][0]}` : `${requirement.key} in (${[...requirement.values].join(',')})`;
    case 'NotIn':
      return `${requirement.key} notin (${[...requirement.values].join(',')})`;
    case 'Exists':
      return requirement.key;
    case 'DoesNotExist':
      return `!${requirement.key}`;
  }
}

class CompiledSelector implements LabelSelector {
  readonly matchesAll: boolean;

  constructor(readonly requirements: readonly Requirement[], readonly problem?: string) {
    this.matchesAll = problem === undefined && requirements.length === 0;
  }

  matches(labels: Labels): boolean {
    if (this.problem !== undefined) return false;
    for (const requirement of this.requirements) if (!satisfies(requirement, labels)) return false;
    return true;
  }

  toString(): string {
    if (this.problem !== undefined) return `(invalid: ${this.problem})`;
    return this.matchesAll ? '(all)' : this.requirements.map(describe).join(',');
  }
}

/** Compiles a LabelSelector object. `undefined`/`null` compile to the empty selector: callers decide what absence means. */
export function compileSelector(value: JsonValue | undefined): LabelSelector {
  if (value === undefined || value === null) return new CompiledSelector([]);
  if (!isObject(value)) return new CompiledSelector([], 'selector is not an object');
  const requirements: Requirement[] = [];
  if (value.matchLabels !== undefined && value.matchLabels !== null && !isObject(value.matchLabels)) {
    return new CompiledSelector([], 'matchLabels is not a map');
  }
  for (const [key, label] of Object.entries(asObject(value.matchLabels))) {
    const text = scalarText(label);
    // Not ignored (that would widen the selector): the API server rejects the selector.
    if (text === undefined) return new CompiledSelector([], `matchLabels value ${describeValue(label)} for key "${key}" is not a string`);
    requirements.push({ key, op: 'In', values: new Set([text]) });
  }
  for (const expression of asArray(value.matchExpressions)) {
    const requirement = requirementOf(expression);
    if (typeof requirement === 'string') return new CompiledSelector([], requirement);
    requirements.push(requirement);
  }
  return new CompiledSelector(requirements);
}

export const MATCH_ALL: LabelSelector = new CompiledSelector([]);
