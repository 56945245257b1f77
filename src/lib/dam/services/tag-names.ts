import { DamError } from '../errors';

/** Longer names are refused: a tag is a label, not a note. */
export const MAX_TAG_NAME_LENGTH = 200;
export const MAX_TAG_VALUE_LENGTH = 1000;

// Control characters, and the invisible ones that reorder or hide text (bidi overrides, zero width).
const FORBIDDEN = /[\p{Cc}\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

/**
 * A tag name as it is stored and compared: trimmed, runs of white space made one space, lower
 * case, and `namespace : name` written `namespace:name`. Hydrus-style namespaces are the part
 * before the first colon (`character:alice`); a name may have none. Refuses an empty name or
 * namespace, control or bidi characters, and names over MAX_TAG_NAME_LENGTH.
 */
export function normalizeTagName(raw: string): string {
  if (FORBIDDEN.test(raw)) throw new DamError('InvalidTagError', 'A tag name cannot contain control or invisible characters');
  const collapsed = raw.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase();
  const colon = collapsed.indexOf(':');
  const name = colon < 0 ? collapsed : `${collapsed.slice(0, colon).trim()}:${collapsed.slice(colon + 1).trim()}`;
  if (name === '' || name.startsWith(':') || name.endsWith(':')) {
    throw new DamError('InvalidTagError', `"${raw.trim()}" is not a tag name: write name or namespace:name`);
  }
  if (name.length > MAX_TAG_NAME_LENGTH) {
    throw new DamError('InvalidTagError', `A tag name can have at most ${MAX_TAG_NAME_LENGTH} characters (this one has ${name.length})`);
  }
  return name;
}

/** `character:alice` → { namespace: 'character', subtag: 'alice' }; no colon → namespace null. */
export function splitTagName(name: string): { namespace: string | null; subtag: string } {
  const colon = name.indexOf(':');
  return colon < 0 ? { namespace: null, subtag: name } : { namespace: name.slice(0, colon), subtag: name.slice(colon + 1) };
}

/** A tag value as stored: trimmed; empty means no value. */
export function normalizeTagValue(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  if (FORBIDDEN.test(raw)) throw new DamError('InvalidTagError', 'A tag value cannot contain control or invisible characters');
  const value = raw.normalize('NFC').trim();
  if (value.length > MAX_TAG_VALUE_LENGTH) {
    throw new DamError('InvalidTagError', `A tag value can have at most ${MAX_TAG_VALUE_LENGTH} characters`);
  }
  return value === '' ? null : value;
}
