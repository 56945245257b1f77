import type { Tensor } from '@tensorflow/tfjs-core';
import type { ModelLoader, TextEmbedder } from '../model-types';
import { parseVocabulary, UseTokenizer } from '../text/use-tokenizer';
import { requireModelFiles } from './require-files';
import { tfjsGraphModelLoader } from './tfjs-loader';

export const USE_LITE_DIMENSIONS = 512;
/**
 * Attention cost grows with the square of the longest text in a batch; the first 512 pieces
 * (~350 words) say what a text is about. Override with `params.maxTokens`.
 */
const DEFAULT_MAX_TOKENS = 512;

/** The token rows as the graph's sparse inputs: `indices` [N, 2] (row, position), `values` [N]. */
function sparseInputs(rows: readonly (readonly number[])[]): { indices: Int32Array; values: Int32Array } {
  const count = rows.reduce((sum, row) => sum + row.length, 0);
  const indices = new Int32Array(count * 2);
  const values = new Int32Array(count);
  let k = 0;
  rows.forEach((row, r) =>
    row.forEach((id, position) => {
      indices[2 * k] = r;
      indices[2 * k + 1] = position;
      values[k++] = id;
    }),
  );
  return { indices, values };
}

function normalized(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/**
 * The Universal Sentence Encoder lite (TF.js graph `model.json` + shards, and `vocab.json`) as
 * a text embedder: 512-d, L2-normalised. Params: `maxTokens` (default 512).
 *
 * A text with nothing to tokenise (empty or only whitespace) gets what the model gives a row
 * with no pieces: one fixed unit vector, the same in any batch. The graph sizes its output by
 * the last row that has pieces, so a trailing empty row would vanish: such a batch gets one
 * throwaway row appended.
 */
export const useLiteTextEmbedderLoader: ModelLoader<TextEmbedder> = async (request) => {
  await requireModelFiles(request.files, request.name, ['model.json', 'vocab.json']);
  const maxTokens = typeof request.params.maxTokens === 'number' ? request.params.maxTokens : DEFAULT_MAX_TOKENS;
  const vocabulary = parseVocabulary(JSON.parse(new TextDecoder().decode(await request.files.read('vocab.json'))));
  const tokenizer = new UseTokenizer(vocabulary);
  const model = await tfjsGraphModelLoader({ ...request, params: { file: 'model.json' } });
  const filler = tokenizer.encode('.');

  let disposed = false;
  return {
    device: model.device,
    dimensions: USE_LITE_DIMENSIONS,
    async embed(texts) {
      if (disposed) throw new Error(`Model ${request.name} has been disposed`);
      if (texts.length === 0) return [];
      const rows = texts.map((text) => tokenizer.encode(text).slice(0, maxTokens));
      if (rows[rows.length - 1]!.length === 0) rows.push(filler);
      const { indices, values } = sparseInputs(rows);
      const { data, shape } = await model.run(async (tf, graph) => {
        const inputs = { indices: tf.tensor2d(indices, [values.length, 2], 'int32'), values: tf.tensor1d(values, 'int32') };
        try {
          const output = (await graph.executeAsync(inputs)) as Tensor;
          try {
            return { data: (await output.data()) as Float32Array, shape: output.shape };
          } finally {
            output.dispose();
          }
        } finally {
          tf.dispose([inputs.indices, inputs.values]);
        }
      });
      if (shape[0] !== rows.length || shape[1] !== USE_LITE_DIMENSIONS) {
        throw new Error(`Model ${request.name} returned shape [${shape.join(', ')}] for ${rows.length} texts`);
      }
      return texts.map((_, i) => normalized(data.slice(i * USE_LITE_DIMENSIONS, (i + 1) * USE_LITE_DIMENSIONS)));
    },
    async dispose() {
      disposed = true;
      await model.dispose();
    },
  };
};
