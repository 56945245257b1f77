import type { QueryNode } from './query-ast';

/**
 * Splits a query for a meaning search: the words it asks for (text terms that must match, at
 * the top level) become what the text model embeds, and the rest filters the hits. Text under
 * NOT or OR stays in the filter, where it matches file names.
 */
export function splitMeaningQuery(node: QueryNode | null): { text: string; filter: QueryNode | null } {
  if (node === null) return { text: '', filter: null };
  if (node.kind === 'text') return { text: node.text, filter: null };
  if (node.kind !== 'and') return { text: '', filter: node };
  const words = node.operands.flatMap((o) => (o.kind === 'text' ? [o.text] : []));
  const rest = node.operands.filter((o) => o.kind !== 'text');
  return { text: words.join(' '), filter: rest.length === 0 ? null : rest.length === 1 ? rest[0]! : { kind: 'and', operands: rest } };
}
