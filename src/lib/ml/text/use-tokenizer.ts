/**
 * The SentencePiece tokenizer of the Universal Sentence Encoder lite, ported from tfjs-models'
 * `universal-sentence-encoder/src/tokenizer` (Copyright 2019 Google LLC, Apache License 2.0,
 * http://www.apache.org/licenses/LICENSE-2.0). The model was trained on SentencePiece ids, so
 * the scoring, tie-breaking and unknown handling below follow that port exactly.
 *
 * Two deliberate departures, both toward SentencePiece itself: whitespace runs (newlines and
 * tabs included) become one space and the ends are trimmed, as SentencePiece's default
 * normaliser does (the port turned each newline into an unknown token); and piece lengths are
 * counted in code points throughout (the port mixed in UTF-16 lengths when walking back).
 */

/**
 * One vocabulary entry as `vocab.json` stores it: the piece and its log-probability. A few
 * entries (`:`, `://`, `▁:)`) have `null`, which the port's arithmetic reads as 0; so do we.
 */
export type VocabularyEntry = readonly [piece: string, score: number | null];

/** Word boundary marker: SentencePiece writes a space as U+2581 and prefixes every input with one. */
export const WORD_SEPARATOR = '\u2581';
/** `�`, `<s>`, `</s>` and three extra ids lead the vocabulary and never match text. */
const RESERVED_SYMBOLS = 6;
/** Id of the unknown piece; a run of unknown characters becomes one of it. */
export const UNKNOWN_ID = 0;

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  /** The vocabulary id of the piece that ends here, or -1. */
  id: number;
}

const trieNode = (): TrieNode => ({ children: new Map(), id: -1 });

export class UseTokenizer {
  private readonly root = trieNode();
  private readonly scores: Float64Array;
  /** Each piece's length in code points, which is how the lattice is indexed. */
  private readonly lengths: Uint16Array;

  constructor(vocabulary: readonly VocabularyEntry[]) {
    this.scores = new Float64Array(vocabulary.length);
    this.lengths = new Uint16Array(vocabulary.length);
    this.lengths[UNKNOWN_ID] = 1;
    for (let id = RESERVED_SYMBOLS; id < vocabulary.length; id++) {
      const [piece, score] = vocabulary[id]!;
      const symbols = [...piece];
      this.scores[id] = score ?? 0;
      this.lengths[id] = symbols.length;
      let node = this.root;
      for (const symbol of symbols) {
        let child = node.children.get(symbol);
        if (!child) node.children.set(symbol, (child = trieNode()));
        node = child;
      }
      node.id = id;
    }
  }

  get vocabularySize(): number {
    return this.scores.length;
  }

  /** The ids of `text`'s pieces, in order; `[]` when nothing is left after normalising. */
  encode(text: string): number[] {
    const symbols = [...normalize(text)];
    const n = symbols.length;
    // best[i]: score of the best split of symbols[0, i); 0 doubles as "none yet", as in the port.
    const best = new Float64Array(n + 1);
    const last = new Int32Array(n + 1);
    // Every piece ending at `end` starts before it, so walking starts in order leaves best[start]
    // final when it is read, and ties go to the later start, as in the port's lattice walk.
    for (let start = 0; start < n; start++) {
      let matched = false;
      let node: TrieNode | undefined = this.root;
      for (let end = start + 1; end <= n && node; end++) {
        node = node.children.get(symbols[end - 1]!);
        if (node && node.id >= 0) {
          matched = true;
          this.relax(best, last, end, node.id, this.scores[node.id]! + best[start]!);
        }
      }
      if (!matched) this.relax(best, last, start + 1, UNKNOWN_ID, best[start]!);
    }
    const ids: number[] = [];
    for (let end = n; end > 0; end -= this.lengths[last[end]!]!) {
      const id = last[end]!;
      if (!(id === UNKNOWN_ID && ids[ids.length - 1] === UNKNOWN_ID)) ids.push(id);
    }
    return ids.reverse();
  }

  private relax(best: Float64Array, last: Int32Array, end: number, id: number, score: number): void {
    if (best[end] === 0 || score >= best[end]!) {
      best[end] = score;
      last[end] = id;
    }
  }
}

/** NFKC, whitespace collapsed, then the separator before the text and for every space. */
export function normalize(text: string): string {
  const collapsed = text.normalize('NFKC').replace(/\s+/g, ' ').trim();
  return collapsed.length > 0 ? WORD_SEPARATOR + collapsed.replaceAll(' ', WORD_SEPARATOR) : '';
}

/** Checks the shape of a parsed `vocab.json` (an array of `[piece, score]`). */
export function parseVocabulary(json: unknown): VocabularyEntry[] {
  const valid =
    Array.isArray(json) &&
    json.length > RESERVED_SYMBOLS &&
    json.every((entry) => Array.isArray(entry) && typeof entry[0] === 'string' && (typeof entry[1] === 'number' || entry[1] === null));
  if (!valid) throw new Error('vocab.json is not an array of [piece, score] pairs');
  return json as VocabularyEntry[];
}
