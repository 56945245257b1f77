/** Quotes an SQL identifier. Component tables and columns are validated names, quoted anyway. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `text` as a literal inside a LIKE pattern: its `%`, `_` and `\` match only themselves. */
export function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
