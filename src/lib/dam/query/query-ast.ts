import type { AssetKind } from '../../api/dam-api';

export type Comparison = '<' | '<=' | '>' | '>=' | '=';

/** Fields compared as numbers, each with its units (`size>10MB`, `duration<30s`, `width>=1920`). */
export type MeasureField = 'size' | 'width' | 'height' | 'duration';

/** Fields compared as dates: EXIF date taken, and when the file was added. */
export type DateField = 'taken' | 'added';

/** Units of an age (`added<7d`): hours, days, weeks, months (30 days), years (365 days). */
export type AgeUnit = 'h' | 'd' | 'w' | 'mo' | 'y';

/**
 * A parsed search query. New term kinds join the union, and the parser, printer and compiler
 * each gain a case (and the property test's generator).
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
  /** `type:image`: the asset kind, as the library shows it. */
  | { readonly kind: 'type'; readonly type: AssetKind }
  /** `mime:image/png`, or a whole family with `mime:image/*` (subtype `*`). */
  | { readonly kind: 'mime'; readonly mime: string }
  /** `ext:jpg`: the file name's extension, lower case, without the dot. */
  | { readonly kind: 'ext'; readonly ext: string }
  /** A number with its unit as written (canonical case): `size>10MB` is amount 10, unit `MB`. */
  | { readonly kind: 'measure'; readonly field: MeasureField; readonly op: Comparison; readonly amount: number; readonly unit: string }
  /**
   * A calendar date, `YYYY`, `YYYY-MM` or `YYYY-MM-DD` in UTC, standing for that whole period:
   * `taken=2023-05` is any time in May 2023, `taken>2023-05` from June, `taken<=2023-05` up to
   * the end of May. Ranges (`taken:2023-05..2023-08`) parse as two of these.
   */
  | { readonly kind: 'date'; readonly field: DateField; readonly op: Comparison; readonly date: string }
  /** An age relative to when the search runs, so a link keeps its meaning: `added<7d` is "in the last 7 days". */
  | {
      readonly kind: 'age';
      readonly field: DateField;
      readonly op: '<' | '<=' | '>' | '>=';
      readonly amount: number;
      readonly unit: AgeUnit;
    }
  /** `hash:<hex>`: a content hash in any stored algorithm, told apart by length; lower case. */
  | { readonly kind: 'hash'; readonly hex: string }
  /** `similar:<entity id>`: images whose perceptual hashes are within a few bits of that one's. */
  | { readonly kind: 'similar'; readonly entityId: number }
  /** `~"a red bicycle"`: text whose meaning is near, by the world's text model. */
  | { readonly kind: 'semantic'; readonly text: string }
  /**
   * `~0.3`: the least similarity (0–1) a `~` term accepts, for the whole search; allowed only
   * where it applies to everything (not under OR or NOT), and once.
   */
  | { readonly kind: 'min-similarity'; readonly value: number }
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
const NEEDS_QUOTES = /[\s"()\\]|^[-~]|^(AND|OR|NOT)$|[:=<>*]/;

/** A similarity or confidence as the query writes it: 0 to 1. */
export const UNIT_NUMBER = /^(0|1|0?\.\d+|1\.0*|0\.\d*)$/;

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
    case 'type':
      return `type:${node.type}`;
    case 'mime':
      return `mime:${node.mime}`;
    case 'ext':
      return `ext:${node.ext}`;
    case 'measure':
      return `${node.field}${node.op}${node.amount}${node.unit}`;
    case 'date':
      return `${node.field}${node.op}${node.date}`;
    case 'age':
      return `${node.field}${node.op}${node.amount}${node.unit}`;
    case 'hash':
      return `hash:${node.hex}`;
    case 'similar':
      return `similar:${node.entityId}`;
    case 'semantic':
      // A number after `~` would read as a minimum similarity.
      return `~${UNIT_NUMBER.test(node.text) ? `"${node.text}"` : quoted(node.text)}`;
    case 'min-similarity':
      return `~${node.value}`;
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
