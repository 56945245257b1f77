import { printQuery, type QueryNode } from '../../dam/query/query-ast';
import { parseQuery } from '../../dam/query/query-parser';

/** One active term of a search, and the search without it. */
export interface QueryChip {
  readonly label: string;
  readonly without: string;
}

/**
 * The chips of a search: one per term of its top-level AND (a group in parentheses, an OR or a
 * NOT is one chip). Removing one prints the rest canonically. A query that does not parse has
 * none: the page says what is wrong with it instead.
 */
export function queryChips(source: string): QueryChip[] {
  let node: QueryNode | null;
  try {
    node = parseQuery(source);
  } catch {
    return [];
  }
  if (!node) return [];
  const terms = node.kind === 'and' ? node.operands : [node];
  return terms.map((term, i) => {
    const rest = terms.filter((_, j) => j !== i);
    const without = rest.length === 0 ? '' : printQuery(rest.length === 1 ? rest[0]! : { kind: 'and', operands: rest });
    return { label: printQuery(term), without };
  });
}
