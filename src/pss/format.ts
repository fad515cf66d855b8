/** Text helpers that reproduce the phrasing of the upstream Pod Security messages. */

/** The singular form for exactly one item, the plural otherwise. */
export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Each value double-quoted (Go `%q` style), joined by `, `. */
export function joinQuote(values: readonly string[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
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
