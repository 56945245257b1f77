import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const BENCHMARKS_HEADER = `# Benchmarks

Measured numbers for DAM, written by \`npm run bench\` (entry point \`bench/run.ts\`). Every table
says the machine it ran on, the date, the command that produced it, and what it was measured
beside (a baseline run in the same session, on the same machine), so numbers from different
tables or machines are never compared blindly. Raw samples of the latest run are in
\`bench/out/*.json\` (not committed).

Each section between \`<!-- bench:NAME:start -->\` and \`<!-- bench:NAME:end -->\` is rewritten by
the benchmark script on every run; text outside the markers is kept.
`;

function markers(id: string): { start: string; end: string } {
  return { start: `<!-- bench:${id}:start -->`, end: `<!-- bench:${id}:end -->` };
}

/** Replaces what lies between a section's markers, appending the section when it is missing. */
export function replaceSection(document: string, id: string, body: string): string {
  const { start, end } = markers(id);
  const section = `${start}\n${body.trim()}\n${end}`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from !== -1 && to > from) return document.slice(0, from) + section + document.slice(to + end.length);
  const base = document.trimEnd();
  return `${base}${base ? '\n\n' : ''}${section}\n`;
}

/** Rewrites one section of a Markdown file, creating the file with its header if it is missing. */
export function updateMarkdownFile(path: string, id: string, body: string): void {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : BENCHMARKS_HEADER;
  writeFileSync(path, replaceSection(current, id, body));
}

/** A table cell: pipes escaped, newlines flattened, long text cut. */
export function cell(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return cut.replace(/\|/g, '\\|');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
