/** Text helpers that reproduce the phrasing of the upstream Pod Security messages. */
import { describeValue, stringItems } from '../resources/values.js';

/** The singular form for exactly one item, the plural otherwise. */
export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Each value double-quoted (Go `%q` style), joined by `, `. */
export function joinQuote(values: readonly string[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

/**
 * Field values as upstream lists them: the strings sorted, de-duplicated and double-quoted (as
 * `joinQuote(sortedUnique(…))`), then any value of another type (a malformed manifest upstream could
 * not decode) described, so that it is reported rather than coerced.
 */
export function joinQuoteValues(values: readonly unknown[]): string {
  const strings = stringItems(values);
  const others = values.filter((value) => typeof value !== 'string').map((value) => describeValue(value));
  return [...sortedUnique(strings).map((value) => JSON.stringify(value)), ...sortedUnique(others)].join(', ');
}

/** `container "a"` or `containers "a", "b"`. */
export function namedContainers(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** Sorted, de-duplicated copy, as Go's string sets list their members. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}

/** Byte-order comparison (Go's sort.Strings), independent of the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Setters such as `pod and containers "a", "b"`. */
export function joinSetters(setters: readonly string[]): string {
  return setters.join(' and ');
}
