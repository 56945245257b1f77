/** Quotes an SQL identifier. Component tables and columns are validated names, quoted anyway. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
