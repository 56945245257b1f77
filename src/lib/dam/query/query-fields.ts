import { ASSET_KINDS, type AssetKind } from '../../api/dam-api';
import { QuerySyntaxError, type AgeUnit, type Comparison, type DateField, type MeasureField, type QueryNode } from './query-ast';

/**
 * The search keys that are not tags: `type:`, `mime:`, `ext:`, `hash:`, `similar:`, and the fields compared
 * with `<`, `<=`, `>`, `>=`, `=` (or `:` then one of those): `size`, `width`, `height`,
 * `duration`, `taken`, `added`. They take precedence over the `namespace:name` tag shorthand;
 * a tag in such a namespace is written `tag:type:foo`.
 */
export const FIELD_KEYS = ['type', 'mime', 'ext', 'hash', 'similar', 'size', 'width', 'height', 'duration', 'taken', 'added'] as const;
export type FieldKey = (typeof FIELD_KEYS)[number];

export function isFieldKey(key: string): key is FieldKey {
  return (FIELD_KEYS as readonly string[]).includes(key);
}

/** Bytes per size unit; K, M, G, T are powers of 1024, as the library shows sizes. */
export const SIZE_UNITS: Readonly<Record<string, number>> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
/** Seconds per duration unit. */
export const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, min: 60, h: 3600 };
/** Hours per age unit (a month is 30 days, a year 365). */
export const AGE_UNIT_HOURS: Readonly<Record<AgeUnit, number>> = { h: 1, d: 24, w: 24 * 7, mo: 24 * 30, y: 24 * 365 };

const SIZE_ALIASES: Readonly<Record<string, string>> = {
  b: 'B',
  k: 'KB',
  kb: 'KB',
  kib: 'KB',
  m: 'MB',
  mb: 'MB',
  mib: 'MB',
  g: 'GB',
  gb: 'GB',
  gib: 'GB',
  t: 'TB',
  tb: 'TB',
  tib: 'TB',
};
const DURATION_ALIASES: Readonly<Record<string, string>> = { ms: 'ms', s: 's', sec: 's', m: 'min', min: 'min', h: 'h', hr: 'h' };
const AGE_ALIASES: Readonly<Record<string, AgeUnit>> = { h: 'h', d: 'd', day: 'd', days: 'd', w: 'w', mo: 'mo', y: 'y' };

/** The largest number a field accepts: beyond it a value is a typo, not a search. */
const MAX_AMOUNT = 1e12;

/** The comparison at the start of `text` (after `key:` or straight after the key), and the rest. */
export function splitComparison(text: string): { op: Comparison | null; rest: string } {
  const match = /^(<=|>=|<|>|=)/.exec(text);
  return match ? { op: match[1] as Comparison, rest: text.slice(match[1]!.length) } : { op: null, rest: text };
}

function amountAndUnit(text: string): { amount: number; unit: string } | null {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i.exec(text);
  if (!match) return null;
  const amount = Number(match[1]);
  return Number.isFinite(amount) && amount <= MAX_AMOUNT ? { amount, unit: match[2]!.toLowerCase() } : null;
}

function measure(field: MeasureField, op: Comparison, value: string, at: number): QueryNode {
  const parsed = amountAndUnit(value);
  const examples: Record<MeasureField, string> = {
    size: 'size>10MB',
    width: 'width>=1920',
    height: 'height<1080',
    duration: 'duration<30s',
  };
  if (!parsed) throw new QuerySyntaxError(`"${value}" is not a ${field}: write a number, as in ${examples[field]}`, at);
  let unit: string | undefined;
  if (field === 'size') unit = SIZE_ALIASES[parsed.unit || 'b'];
  else if (field === 'duration') unit = DURATION_ALIASES[parsed.unit || 's'];
  else unit = parsed.unit === '' || parsed.unit === 'px' ? '' : undefined;
  if (unit === undefined) {
    const units: Record<MeasureField, string> = {
      size: 'B, KB, MB, GB or TB',
      width: 'pixels',
      height: 'pixels',
      duration: 'ms, s, min or h',
    };
    throw new QuerySyntaxError(`"${parsed.unit}" is not a unit of ${field}: use ${units[field]}`, at);
  }
  if ((field === 'width' || field === 'height') && !Number.isInteger(parsed.amount)) {
    throw new QuerySyntaxError(`A ${field} is a whole number of pixels`, at);
  }
  return { kind: 'measure', field, op, amount: parsed.amount, unit };
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real date, or null. */
export function calendarDate(text: string): string | null {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = match[2] === undefined ? null : Number(match[2]);
  const day = match[3] === undefined ? null : Number(match[3]);
  if (year < 1000) return null;
  if (month !== null && (month < 1 || month > 12)) return null;
  if (day !== null) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const days = month === 2 && !leap ? 28 : DAYS_IN_MONTH[month! - 1]!;
    if (day < 1 || day > days) return null;
  }
  return text;
}

function dateOrAge(field: DateField, op: Comparison | null, value: string, at: number): QueryNode {
  const age = /^(\d{1,6})\s*([a-z]+)$/i.exec(value);
  const ageUnit = age ? AGE_ALIASES[age[2]!.toLowerCase()] : undefined;
  if (age && ageUnit) {
    if (op === null || op === '=') {
      throw new QuerySyntaxError(`Write ${field}<${value} for the last ${value}, or ${field}>${value} for longer ago`, at);
    }
    return { kind: 'age', field, op, amount: Number(age[1]), unit: ageUnit };
  }
  if (op === null && value.includes('..')) return range(value, at, (bound, side, where) => date(field, side, bound, where));
  return date(field, op ?? '=', value, at);
}

function date(field: DateField, op: Comparison, value: string, at: number): QueryNode {
  const day = calendarDate(value);
  if (day === null) {
    throw new QuerySyntaxError(
      `"${value}" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (${field}:2023-05..2023-08), or an age (${field}<7d)`,
      at,
    );
  }
  return { kind: 'date', field, op, date: day };
}

const HASH_LENGTHS = [8, 32, 40, 64];
const MIME = /^[a-z0-9][a-z0-9.+-]*\/([a-z0-9][a-z0-9.+-]*|\*)$/;

/**
 * The node for `key` with comparison `op` (null after a bare `key:`) and `value`, which starts
 * at character `at`; a value the key cannot take throws a `QuerySyntaxError` pointing at it.
 */
export function fieldTerm(key: FieldKey, op: Comparison | null, value: string, at: number): QueryNode {
  if (value === '') throw new QuerySyntaxError(`Nothing after "${key}${op ?? ':'}"`, at - 1);
  const exact = (example: string) => {
    if (op !== null && op !== '=') throw new QuerySyntaxError(`${key} cannot be compared with ${op}: write ${example}`, at - op.length);
  };
  switch (key) {
    case 'type': {
      exact('type:image');
      const type = value.toLowerCase();
      if (!(ASSET_KINDS as readonly string[]).includes(type)) {
        throw new QuerySyntaxError(`"${value}" is not a type: use ${ASSET_KINDS.join(', ')}`, at);
      }
      return { kind: 'type', type: type as AssetKind };
    }
    case 'mime': {
      exact('mime:image/png');
      const mime = value.toLowerCase();
      if (!MIME.test(mime))
        throw new QuerySyntaxError(`"${value}" is not a media type: write it as image/png, or image/* for all images`, at);
      return { kind: 'mime', mime };
    }
    case 'ext': {
      exact('ext:jpg');
      const ext = value.replace(/^\./, '').toLowerCase();
      if (!/^[a-z0-9_+-]{1,20}$/.test(ext)) throw new QuerySyntaxError(`"${value}" is not a file extension`, at);
      return { kind: 'ext', ext };
    }
    case 'hash': {
      exact('hash:<hex>');
      const hex = value.toLowerCase();
      if (!/^[0-9a-f]+$/.test(hex) || !HASH_LENGTHS.includes(hex.length)) {
        throw new QuerySyntaxError(
          `"${value}" is not a content hash: write 8 (CRC32), 32 (MD5), 40 (SHA-1) or 64 (SHA-256, BLAKE3) hex digits`,
          at,
        );
      }
      return { kind: 'hash', hex };
    }
    case 'similar': {
      exact('similar:123');
      const entityId = /^[1-9]\d{0,15}$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(entityId)) throw new QuerySyntaxError(`"${value}" is not an asset id: write similar:123`, at);
      return { kind: 'similar', entityId };
    }
    case 'taken':
    case 'added':
      return dateOrAge(key, op, value, at);
    default:
      return op === null && value.includes('..')
        ? range(value, at, (bound, side, where) => measure(key, side, bound, where))
        : measure(key, op ?? '=', value, at);
  }
}

/** `from..to`, either side optional, as `>= from` and `<= to` (one node when one side is given). */
function range(value: string, at: number, bound: (text: string, op: '>=' | '<=', at: number) => QueryNode): QueryNode {
  const dots = value.indexOf('..');
  const from = value.slice(0, dots);
  const to = value.slice(dots + 2);
  if (from === '' && to === '') throw new QuerySyntaxError(`A range needs a value on at least one side of ".."`, at);
  const operands: QueryNode[] = [];
  if (from !== '') operands.push(bound(from, '>=', at));
  if (to !== '') operands.push(bound(to, '<=', at + dots + 2));
  return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
}
