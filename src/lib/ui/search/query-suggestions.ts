import { ASSET_KINDS } from '../../api/dam-api';
import { printQuery } from '../../dam/query/query-ast';

/** A tag as a term, quoted where its name needs it. */
function tagTerm(key: string, name: string): string {
  if (key === 'model-tag:') return printQuery({ kind: 'model-tag', name, op: null, confidence: null });
  return `${key.startsWith('-') ? '-' : ''}${printQuery({ kind: 'tag', name, value: null })}`;
}

/** The keys the search box completes, as they are typed (with their operator). */
export const QUERY_KEYS = [
  'tag:',
  '-tag:',
  'model-tag:',
  'type:',
  'mime:',
  'ext:',
  'size>',
  'width>=',
  'height>=',
  'duration<',
  'taken:',
  'added<',
  'hash:',
  'similar:',
  '~',
] as const;

/** What the last word of a search asks to complete, if anything. */
export type CompletionNeed =
  | { readonly kind: 'none' }
  | { readonly kind: 'key-or-tag'; readonly prefix: string }
  | { readonly kind: 'tag'; readonly key: string; readonly prefix: string }
  | { readonly kind: 'type'; readonly prefix: string };

/** The text before the word being typed, and that word (quotes and escapes make it `none`). */
function lastWord(source: string): { head: string; word: string } | null {
  if ((source.match(/"/g) ?? []).length % 2 === 1) return null;
  const match = /(^|[\s(])([^\s()]*)$/.exec(source);
  if (!match) return null;
  const word = match[2]!;
  return { head: source.slice(0, source.length - word.length), word };
}

export function completionNeed(source: string): CompletionNeed {
  const last = lastWord(source);
  if (!last || last.word === '' || last.word.includes('"')) return { kind: 'none' };
  const tag = /^(-?tag:|model-tag:)(.*)$/.exec(last.word);
  if (tag) return tag[2]!.includes('=') ? { kind: 'none' } : { kind: 'tag', key: tag[1]!, prefix: tag[2]! };
  const type = /^type:(.*)$/.exec(last.word);
  if (type) return { kind: 'type', prefix: type[1]! };
  if (/[:<>=~]/.test(last.word)) return { kind: 'none' };
  return { kind: 'key-or-tag', prefix: last.word.replace(/^-/, '') };
}

/**
 * Whole-query completions for the search box's list: the text typed so far with its last word
 * completed to a key (`si` → `size>`), a tag (`tag:ca` → `tag:cat`, or a bare `ca` → `tag:cat`)
 * or a value (`type:im` → `type:image`). Whole queries, because a native list offers and
 * replaces the box's entire value. `tagNames` are the world's tags matching the word.
 */
export function querySuggestions(source: string, tagNames: readonly string[], limit = 10): string[] {
  const need = completionNeed(source);
  const last = lastWord(source);
  if (need.kind === 'none' || !last) return [];
  const lower = need.prefix.toLowerCase();
  let words: string[] = [];
  if (need.kind === 'type') words = ASSET_KINDS.filter((k) => k.startsWith(lower)).map((k) => `type:${k}`);
  else if (need.kind === 'tag') words = tagNames.filter((t) => t.startsWith(lower)).map((t) => tagTerm(need.key, t));
  else {
    const negated = last.word.startsWith('-');
    const keys = negated ? [] : QUERY_KEYS.filter((k) => k.startsWith(lower) && k !== lower);
    const tags = tagNames.filter((t) => t.startsWith(lower)).map((t) => tagTerm(negated ? '-tag:' : 'tag:', t));
    words = [...keys, ...tags];
  }
  return words
    .filter((w) => w !== last.word)
    .slice(0, limit)
    .map((w) => `${last.head}${w}`);
}
