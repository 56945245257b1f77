import { normalizeTagName, normalizeTagValue } from '../services/tag-names';
import { QuerySyntaxError, UNIT_NUMBER, type QueryNode } from './query-ast';
import { fieldTerm, isFieldKey, splitComparison } from './query-fields';

/** Longer queries are refused: a link or a paste of a whole document is not a search. */
export const MAX_QUERY_LENGTH = 1000;
const MAX_DEPTH = 32;
const MAX_TERMS = 64;

/** One character of a term, and whether it came from inside quotes (then it is never syntax). */
interface TermChar {
  readonly c: string;
  readonly quoted: boolean;
}

type Token =
  | { readonly type: 'term'; readonly chars: readonly TermChar[]; readonly start: number }
  | { readonly type: '(' | ')' | 'AND' | 'OR' | 'NOT' | '-'; readonly start: number }
  | { readonly type: 'end'; readonly start: number };

function isSpace(c: string): boolean {
  return /\s/u.test(c);
}

/** Splits the query into terms, parentheses, operators and a leading `-`. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (isSpace(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c, start: i++ });
    } else if (c === '-' && i + 1 < source.length && !isSpace(source[i + 1]!) && source[i + 1] !== ')' && source[i + 1] !== '-') {
      tokens.push({ type: '-', start: i++ });
    } else {
      const start = i;
      const chars: TermChar[] = [];
      while (i < source.length && !isSpace(source[i]!) && source[i] !== '(' && source[i] !== ')') {
        if (source[i] !== '"') {
          chars.push({ c: source[i++]!, quoted: false });
          continue;
        }
        const open = i++;
        let closed = false;
        while (i < source.length) {
          const q = source[i++]!;
          if (q === '\\' && i < source.length) chars.push({ c: source[i++]!, quoted: true });
          else if (q === '"') {
            closed = true;
            break;
          } else chars.push({ c: q, quoted: true });
        }
        if (!closed) throw new QuerySyntaxError('This quote is never closed', open);
      }
      const bare = chars.every((ch) => !ch.quoted) ? chars.map((ch) => ch.c).join('') : null;
      if (bare === 'AND' || bare === 'OR' || bare === 'NOT') tokens.push({ type: bare, start });
      else tokens.push({ type: 'term', chars, start });
    }
  }
  tokens.push({ type: 'end', start: source.length });
  return tokens;
}

const textOf = (chars: readonly TermChar[]) => chars.map((ch) => ch.c).join('');

/** Index of the first unquoted occurrence of `c`, or -1. */
function unquotedIndex(chars: readonly TermChar[], c: string, from = 0): number {
  for (let i = from; i < chars.length; i++) if (!chars[i]!.quoted && chars[i]!.c === c) return i;
  return -1;
}

const NAMESPACE = /^[\p{L}\p{N}_-]+$/u;

function tagName(chars: readonly TermChar[], at: number): string {
  try {
    return normalizeTagName(textOf(chars));
  } catch (error) {
    throw new QuerySyntaxError((error as Error).message, at);
  }
}

/** `ns:*` (a namespace), or a tag name with an optional `=value`. */
function tagTerm(chars: readonly TermChar[], at: number): QueryNode {
  const colon = unquotedIndex(chars, ':');
  if (colon > 0 && chars.length === colon + 2 && !chars[colon + 1]!.quoted && chars[colon + 1]!.c === '*') {
    const namespace = textOf(chars.slice(0, colon)).toLowerCase();
    if (!NAMESPACE.test(namespace)) throw new QuerySyntaxError(`"${namespace}" is not a namespace`, at);
    return { kind: 'namespace', namespace };
  }
  const equals = unquotedIndex(chars, '=');
  if (equals < 0) return { kind: 'tag', name: tagName(chars, at), value: null };
  let value: string | null;
  try {
    value = normalizeTagValue(textOf(chars.slice(equals + 1)));
  } catch (error) {
    throw new QuerySyntaxError((error as Error).message, at + equals + 1);
  }
  if (value === null) throw new QuerySyntaxError('Nothing after "=": write tag:name=value', at + equals);
  return { kind: 'tag', name: tagName(chars.slice(0, equals), at), value };
}

/** `name`, `name>0.5` or `name>=0.5`. */
function modelTagTerm(chars: readonly TermChar[], at: number): QueryNode {
  const gt = unquotedIndex(chars, '>');
  if (gt < 0) return { kind: 'model-tag', name: tagName(chars, at), op: null, confidence: null };
  const inclusive = chars[gt + 1]?.c === '=' && !chars[gt + 1]!.quoted;
  const op = inclusive ? '>=' : '>';
  const number = textOf(chars.slice(gt + op.length));
  const confidence = /^(0|1|0?\.\d+|1\.0*)$/.test(number) ? Number(number) : NaN;
  if (!(confidence >= 0 && confidence <= 1)) {
    throw new QuerySyntaxError(`"${number}" is not a confidence: write a number from 0 to 1, as in model-tag:cat>0.5`, at + gt + op.length);
  }
  return { kind: 'model-tag', name: tagName(chars.slice(0, gt), at), op, confidence };
}

/** Index of the first unquoted `:`, `<`, `>` or `=`: where a key ends. */
function keyEnd(chars: readonly TermChar[]): number {
  return chars.findIndex((ch) => !ch.quoted && ':<>='.includes(ch.c));
}

/** `~text` (a meaning to match) or `~0.3` (the least similarity those accept). */
function meaningTerm(chars: readonly TermChar[], start: number): QueryNode {
  const rest = chars.slice(1);
  const text = textOf(rest);
  if (text.trim() === '') throw new QuerySyntaxError('Nothing after "~": write ~"a red bicycle", or ~0.3 for the least similarity', start);
  if (rest.every((ch) => !ch.quoted) && UNIT_NUMBER.test(text)) return { kind: 'min-similarity', value: Number(text) };
  return { kind: 'semantic', text };
}

function term(chars: readonly TermChar[], start: number): QueryNode {
  if (chars[0]?.c === '~' && !chars[0].quoted) return meaningTerm(chars, start);
  const end = keyEnd(chars);
  if (end > 0 && !chars.slice(0, end).some((ch) => ch.quoted)) {
    const key = textOf(chars.slice(0, end)).toLowerCase();
    if (isFieldKey(key)) {
      const afterKey = textOf(chars.slice(end + (chars[end]!.c === ':' ? 1 : 0)));
      const { op, rest } = splitComparison(afterKey);
      return fieldTerm(key, op, rest, start + chars.length - rest.length);
    }
  }
  const colon = unquotedIndex(chars, ':');
  if (colon < 0) return { kind: 'text', text: textOf(chars) };
  const key = textOf(chars.slice(0, colon));
  const rest = chars.slice(colon + 1);
  const restAt = start + colon + 1;
  if (rest.length === 0) throw new QuerySyntaxError(`Nothing after "${key}:"`, start + colon);
  if (key === 'tag') return tagTerm(rest, restAt);
  if (key === 'model-tag') return modelTagTerm(rest, restAt);
  // Any other `namespace:name` is a tag in that namespace, as in Hydrus: `character:alice`.
  if (!chars.slice(0, colon).some((ch) => ch.quoted) && NAMESPACE.test(key)) return tagTerm(chars, start);
  return { kind: 'text', text: textOf(chars) };
}

/**
 * Parses a search box query. Terms next to each other must all match (AND); `OR` between terms,
 * `NOT` or a leading `-` before one, parentheses to group, double quotes around text with spaces
 * or syntax in it. Operators are upper case (`and`, `or` are words). A bad query throws a
 * `QuerySyntaxError` with the position. An empty query is null (everything matches).
 */
export function parseQuery(source: string): QueryNode | null {
  if (source.length > MAX_QUERY_LENGTH) {
    throw new QuerySyntaxError(`The search is ${source.length} characters long; at most ${MAX_QUERY_LENGTH} are allowed`, MAX_QUERY_LENGTH);
  }
  const tokens = tokenize(source);
  let at = 0;
  let terms = 0;
  /** Where each `~0.3` started, to point at one in the wrong place. */
  const floors = new Map<QueryNode, number>();
  const peek = () => tokens[at]!;
  const next = () => tokens[at++]!;

  function or(depth: number): QueryNode {
    const operands = [and(depth)];
    while (peek().type === 'OR') {
      const op = next();
      if (startsOperand(peek())) operands.push(and(depth));
      else throw new QuerySyntaxError('Nothing after OR', op.start);
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  function and(depth: number): QueryNode {
    const operands = [unary(depth)];
    for (;;) {
      if (peek().type === 'AND') {
        const op = next();
        if (!startsOperand(peek())) throw new QuerySyntaxError('Nothing after AND', op.start);
      } else if (!startsOperand(peek())) break;
      operands.push(unary(depth));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  function unary(depth: number): QueryNode {
    const token = peek();
    if (token.type === 'NOT' || token.type === '-') {
      next();
      if (!startsOperand(peek())) throw new QuerySyntaxError(`Nothing after ${token.type}`, token.start);
      return { kind: 'not', operand: unary(depth + 1) };
    }
    return primary(depth);
  }

  function primary(depth: number): QueryNode {
    const token = next();
    if (depth > MAX_DEPTH) throw new QuerySyntaxError(`The search nests more than ${MAX_DEPTH} levels deep`, token.start);
    if (token.type === '(') {
      if (peek().type === ')') throw new QuerySyntaxError('Empty parentheses', token.start);
      if (peek().type === 'end') throw new QuerySyntaxError('This parenthesis is never closed', token.start);
      const inner = or(depth + 1);
      if (next().type !== ')') throw new QuerySyntaxError('This parenthesis is never closed', token.start);
      return inner;
    }
    if (token.type === 'term') {
      if (++terms > MAX_TERMS) throw new QuerySyntaxError(`The search has more than ${MAX_TERMS} terms`, token.start);
      const node = term(token.chars, token.start);
      if (node.kind === 'min-similarity') floors.set(node, token.start);
      return node;
    }
    if (token.type === ')') throw new QuerySyntaxError('This parenthesis closes nothing', token.start);
    if (token.type === 'end') throw new QuerySyntaxError('The search ends too early', token.start);
    throw new QuerySyntaxError(`${token.type} needs a term before it`, token.start);
  }

  if (peek().type === 'end') return null;
  const query = or(0);
  const rest = peek();
  if (rest.type === ')') throw new QuerySyntaxError('This parenthesis closes nothing', rest.start);
  if (rest.type !== 'end') throw new QuerySyntaxError('Unexpected text', rest.start);
  checkSimilarityFloors(query, floors);
  return query;
}

/** `~0.3` applies to the whole search: once, and never under OR or NOT, where it would mean nothing. */
function checkSimilarityFloors(query: QueryNode, floors: ReadonlyMap<QueryNode, number>): void {
  let seen = 0;
  const visit = (node: QueryNode, nested: boolean) => {
    if (node.kind === 'min-similarity') {
      const at = floors.get(node) ?? 0;
      if (nested)
        throw new QuerySyntaxError(`~${node.value} sets the least similarity for the whole search: put it outside OR and NOT`, at);
      if (++seen > 1) throw new QuerySyntaxError('Give the least similarity (~0.3) once', at);
    } else if (node.kind === 'not') visit(node.operand, true);
    else if (node.kind === 'or') node.operands.forEach((o) => visit(o, true));
    else if (node.kind === 'and') node.operands.forEach((o) => visit(o, nested));
  };
  visit(query, false);
}

function startsOperand(token: Token): boolean {
  return token.type === 'term' || token.type === '(' || token.type === 'NOT' || token.type === '-';
}
