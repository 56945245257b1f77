/**
 * The `backends` benchmark's files and searches, the same in Node and in Chromium (this module
 * is bundled into the page script): small text files with a seeded generator, so file `i` has the
 * same name and bytes wherever and whenever it is made.
 *
 * Words are made of five letters, consonant-vowel-consonant-vowel-consonant, so no word is the
 * start of another (a search word is a prefix: `dam_words_query`). Each file's body is 20 to 60
 * words drawn by a Zipf law from a vocabulary of 5,000 (about 120 to 360 bytes); its name is
 * three words drawn evenly and the file's number. One file in ten is Markdown, the rest plain text.
 */

import { prng as seeded } from '../browser/ingest-jpeg-fixtures';

export const CORPUS_SEED = 20_261_125;
export const VOCABULARY_SIZE = 5000;
const MIN_WORDS = 20;
const MAX_WORDS = 60;
/** Every `TAG_EVERY`th file (by its number) gets the manual tag `TAG_NAME`. */
export const TAG_EVERY = 10;
export const TAG_NAME = 'reviewed';

const CONSONANTS = 'bcdfghjklmnprstvz';
const VOWELS = 'aeiou';

let vocabulary: string[] | null = null;
let zipfCumulative: Float64Array | null = null;

/** The 5,000 distinct words, in Zipf rank order (rank 1 first). */
export function corpusVocabulary(): readonly string[] {
  if (vocabulary) return vocabulary;
  const random = seeded(CORPUS_SEED);
  const pick = (letters: string) => letters[Math.floor(random() * letters.length)]!;
  const seen = new Set<string>();
  const words: string[] = [];
  while (words.length < VOCABULARY_SIZE) {
    const word = pick(CONSONANTS) + pick(VOWELS) + pick(CONSONANTS) + pick(VOWELS) + pick(CONSONANTS);
    if (seen.has(word)) continue;
    seen.add(word);
    words.push(word);
  }
  vocabulary = words;
  return words;
}

/** The Zipf law's cumulative weights (exponent 1) over the vocabulary's ranks. */
function cumulative(): Float64Array {
  if (zipfCumulative) return zipfCumulative;
  const weights = new Float64Array(VOCABULARY_SIZE);
  let sum = 0;
  for (let r = 0; r < VOCABULARY_SIZE; r++) weights[r] = sum += 1 / (r + 1);
  for (let r = 0; r < VOCABULARY_SIZE; r++) weights[r]! /= sum;
  zipfCumulative = weights;
  return weights;
}

function zipfWord(random: () => number): string {
  const table = cumulative();
  const u = random();
  let lo = 0;
  let hi = VOCABULARY_SIZE - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return corpusVocabulary()[lo]!;
}

export interface CorpusFile {
  readonly index: number;
  readonly name: string;
  readonly path: string;
  readonly text: string;
  /** Milliseconds since the epoch, as `File.lastModified`. */
  readonly lastModified: number;
}

/** File `index` (0-based) of the corpus. */
export function corpusFile(index: number): CorpusFile {
  const random = seeded(CORPUS_SEED ^ Math.imul(index + 1, 0x9e3779b1));
  const words = corpusVocabulary();
  const nameWords = [0, 1, 2].map(() => words[Math.floor(random() * words.length)]!);
  const count = MIN_WORDS + Math.floor(random() * (MAX_WORDS - MIN_WORDS + 1));
  const body: string[] = [];
  for (let i = 0; i < count; i++) body.push(zipfWord(random));
  const extension = index % 10 === 9 ? 'md' : 'txt';
  const number = String(index).padStart(6, '0');
  const name = `${nameWords.join('-')}-${number}.${extension}`;
  const text = extension === 'md' ? `# ${nameWords.join(' ')}\n\n${body.join(' ')}\n` : `${body.join(' ')}\n`;
  return {
    index,
    name,
    path: `/bench/backends/${number.slice(0, 3)}/${name}`,
    text,
    lastModified: Date.UTC(2024, 0, 1) + index * 60_000,
  };
}

/** The file's number, read back from its name (`…-000123.txt`); null for a name not of the corpus. */
export function corpusIndexOf(name: string | null): number | null {
  const match = name ? /-(\d{6})\.(txt|md)$/.exec(name) : null;
  return match ? Number(match[1]) : null;
}

/** Whether file `index` gets the manual tag. */
export function isTagged(index: number): boolean {
  return index % TAG_EVERY === 0;
}

/** FNV-1a over every name and body: the same number in Node and Chromium proves the same corpus. */
export function corpusDigest(files: Iterable<CorpusFile>): string {
  let h = 0x811c9dc5;
  for (const f of files) {
    for (const s of [f.name, f.text]) {
      for (let i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
      }
    }
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export interface BackendQuery {
  readonly name: string;
  /** The search box's text; empty for the plain grid (no search). */
  readonly search: string;
}

/**
 * The searches, each `listAssets({ search, limit: 100 })` (the count over all pages and the first
 * page of cards, as the search box runs it). Words by Zipf rank: with 20–60 words a file, the word
 * of rank 40 is in about one file in ten, rank 400 in about one in a hundred.
 */
export function corpusQueries(): BackendQuery[] {
  const words = corpusVocabulary();
  const common = words[39]!;
  const common2 = words[40]!;
  const rare = words[399]!;
  return [
    { name: 'no search (the grid)', search: '' },
    { name: 'one word (~10%)', search: common },
    { name: 'one word (~1%)', search: rare },
    { name: 'two words, AND', search: `${common} ${common2}` },
    { name: 'type (Markdown, 10%)', search: 'mime:text/markdown' },
    { name: 'tag (10%)', search: `tag:${TAG_NAME}` },
    { name: 'size range', search: 'size>300' },
    { name: 'word, NOT word', search: `${common} -${common2}` },
    { name: 'NOT tag (90%)', search: `-tag:${TAG_NAME}` },
    { name: 'word + tag + size', search: `${common} tag:${TAG_NAME} size>200` },
  ];
}
