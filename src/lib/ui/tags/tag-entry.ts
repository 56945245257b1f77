/** What a person typed into a tag box: `name`, `namespace:name`, or either with `=value`. */
export interface TagEntry {
  readonly name: string;
  readonly value: string | null;
}

/** Splits `rating=5` into name and value at the first `=`; no `=` (or nothing after it) means no value. */
export function parseTagEntry(typed: string): TagEntry | null {
  const text = typed.trim();
  if (text === '') return null;
  const equals = text.indexOf('=');
  if (equals < 0) return { name: text, value: null };
  const name = text.slice(0, equals).trim();
  const value = text.slice(equals + 1).trim();
  return name === '' ? null : { name, value: value === '' ? null : value };
}

/** A chip's text: `name` or `name = value`. */
export function tagLabel(name: string, value: string | null): string {
  return value === null ? name : `${name} = ${value}`;
}
