/**
 * A parsed search query. Issue 6's query language grows from this: new term kinds join the
 * union, and the parser, printer and compiler each gain a case.
 */
export type QueryNode =
  /** Words matched against file names (and, in a meaning search, what the text model embeds). */
  | { readonly kind: 'text'; readonly text: string }
  /** A manual tag (its aliases and descendants count), with a value when one is given. */
  | { readonly kind: 'tag'; readonly name: string; readonly value: string | null }
  /** Any manual tag in a namespace: `character:*`. */
  | { readonly kind: 'namespace'; readonly namespace: string }
  /** A model's tag, at or above a confidence when one is given: `model-tag:cat>0.5`. */
  | { readonly kind: 'model-tag'; readonly name: string; readonly op: '>' | '>=' | null; readonly confidence: number | null }
  | { readonly kind: 'not'; readonly operand: QueryNode }
  | { readonly kind: 'and'; readonly operands: readonly QueryNode[] }
  | { readonly kind: 'or'; readonly operands: readonly QueryNode[] };

/** A bad query, with where it went wrong (0-based character offset) for the UI to point at. */
export class QuerySyntaxError extends Error {
  override readonly name = 'QuerySyntaxError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (at character ${position + 1})`);
  }
}

/** Characters a bare word may not hold: they would read as syntax. */
const NEEDS_QUOTES = /[\s"()\\]|^-|^(AND|OR|NOT)$|[:=<>*]/;

function quoted(text: string): string {
  return NEEDS_QUOTES.test(text) || text === '' ? `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"` : text;
}

/** Tag names hold `namespace:name`: the colon is theirs, so only the rest is checked. */
function tagText(name: string): string {
  const colon = name.indexOf(':');
  if (colon <= 0) return quoted(name);
  const namespace = name.slice(0, colon);
  return /^[a-z0-9_-]+$/.test(namespace) ? `${namespace}:${quoted(name.slice(colon + 1))}` : quoted(name);
}

/** Prints a query so that parsing it again gives the same query (the canonical form). */
export function printQuery(node: QueryNode): string {
  switch (node.kind) {
    case 'text':
      return quoted(node.text);
    case 'tag':
      return `tag:${tagText(node.name)}${node.value === null ? '' : `=${quoted(node.value)}`}`;
    case 'namespace':
      return `tag:${node.namespace}:*`;
    case 'model-tag':
      return `model-tag:${tagText(node.name)}${node.op === null ? '' : `${node.op}${node.confidence}`}`;
    case 'not':
      return `NOT ${group(node.operand, 'not')}`;
    case 'and':
      return node.operands.map((o) => group(o, 'and')).join(' ');
    case 'or':
      return node.operands.map((o) => group(o, 'or')).join(' OR ');
  }
}

/** Parentheses where the child binds more loosely than its place needs. */
function group(node: QueryNode, parent: 'not' | 'and' | 'or'): string {
  const loose = node.kind === 'or' ? 0 : node.kind === 'and' ? 1 : 2;
  const needed = parent === 'or' ? 1 : parent === 'and' ? 2 : 2;
  return loose < needed ? `(${printQuery(node)})` : printQuery(node);
}
