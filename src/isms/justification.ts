/** What makes a justification in annexa.yaml acceptable to an auditor. */

const PLACEHOLDERS = new Set(['todo', 'tbd', 'tba', 'fixme', 'xxx', 'n/a', 'na', 'none', 'null', 'nil', 'placeholder', 'test', 'wip',
  'justification', 'reason', 'because', 'ok', 'okay', 'yes', 'no', 'later', 'see above', 'same', 'dummy', 'lorem ipsum', 'asdf', 'foo', 'bar']);

/** Text that says nothing (".", "-", "n/a", "TODO"): an auditor cannot accept it as a reason. */
export function isPlaceholderText(text: string): boolean {
  const words = text.trim().toLowerCase().replace(/[.\-_!?:;,*#"'`()[\]]+/g, ' ').trim().replace(/\s+/g, ' ');
  return (words.match(/\p{L}/gu) ?? []).length < 3 || PLACEHOLDERS.has(words) || PLACEHOLDERS.has(text.trim().toLowerCase());
}
