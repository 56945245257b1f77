import type { AudioEmbedder, ModelLoader } from '../model-types';
import { VGGISH_BANDS, VGGISH_PATCH_FRAMES, VGGISH_PATCH_SIZE, VGGISH_SAMPLE_RATE, vggishPatches } from '../audio/vggish-features';
import type { OrtWithTensor } from './image-tagger-loaders';
import { createOnnxLoader, type OnnxModel } from './onnx-loader';
import { requireModelFiles } from './require-files';

/** Patches embedded per clip at most (~30 s, spread over the clip): VGGish costs ~1 GMAC a patch. */
const DEFAULT_MAX_PATCHES = 32;
/** Patches per session run: bounds the activations (the first layers hold 64 × 96 × 64 floats a patch). */
const PATCHES_PER_RUN = 32;

function positiveInteger(value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer`);
  return value;
}

/**
 * The patch input's dims for `n` patches, read from the graph: the TF release's `[batch, 96, 64]`
 * or the PyTorch port's `[batch, 1, 96, 64]`.
 */
function patchDims(name: string, model: OnnxModel): (n: number) => number[] {
  const [input] = model.inputNames;
  const meta = model.session.inputMetadata.find((value) => value.name === input);
  const shape = meta?.isTensor ? meta.shape : [];
  const fits = (dims: readonly (number | string)[], want: readonly number[]) =>
    dims.length === want.length && dims.every((dim, i) => typeof dim === 'string' || dim === want[i] || (i === 0 && dim === -1));
  if (model.inputNames.length === 1 && fits(shape, [0, VGGISH_PATCH_FRAMES, VGGISH_BANDS])) {
    return (n) => [n, VGGISH_PATCH_FRAMES, VGGISH_BANDS];
  }
  if (model.inputNames.length === 1 && fits(shape, [0, 1, VGGISH_PATCH_FRAMES, VGGISH_BANDS])) {
    return (n) => [n, 1, VGGISH_PATCH_FRAMES, VGGISH_BANDS];
  }
  const described = model.inputNames.map((inputName) => {
    const value = model.session.inputMetadata.find((entry) => entry.name === inputName);
    return `${inputName} [${value?.isTensor ? value.shape.join(', ') : '?'}]`;
  });
  throw new Error(
    `Model ${name} should take one input of log-mel patches [batch, 96, 64] or [batch, 1, 96, 64]; it takes ${described.join(', ')}`,
  );
}

function normalised(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/**
 * VGGish (`model.onnx` taking log-mel patches, giving one 128-d embedding a patch) as an
 * `AudioEmbedder` on ONNX Runtime, imported on first use (`importOrt`: onnxruntime-node in Node,
 * onnxruntime-web in the browser). Clips are mono 16 kHz; the front end is pure TS
 * (`audio/vggish-features.ts`). A clip's vector is the mean of its patches' embeddings, then L2
 * normalised: VGGish was trained on single patches, and the mean is the usual clip-level summary
 * (what YouTube-8M's and AudioSet's clip features average). A model whose output is PCA-whitened
 * and quantised works too; the mean is taken of whatever it gives.
 * Params: `maxPatches` (32: a longer clip is sampled evenly), `sessionOptions`.
 */
export function createVggishLoader(importOrt: () => Promise<OrtWithTensor>): ModelLoader<AudioEmbedder> {
  return async (request) => {
    await requireModelFiles(request.files, request.name, ['model.onnx']);
    const maxPatches = positiveInteger(request.params.maxPatches, DEFAULT_MAX_PATCHES, `Model ${request.name}: maxPatches`);
    const ort = await importOrt();
    const { sessionOptions } = request.params;
    const model = await createOnnxLoader(ort)({ ...request, params: { file: 'model.onnx', sessionOptions } });

    const embedPatches = async (patches: readonly Float32Array[], dims: (n: number) => number[]): Promise<Float32Array[]> => {
      const [inputName] = model.inputNames;
      const [outputName] = model.outputNames;
      const rows: Float32Array[] = [];
      for (let start = 0; start < patches.length; start += PATCHES_PER_RUN) {
        const group = patches.slice(start, start + PATCHES_PER_RUN);
        const data = new Float32Array(group.length * VGGISH_PATCH_SIZE);
        group.forEach((patch, i) => data.set(patch, i * VGGISH_PATCH_SIZE));
        const output = (await model.run({ [inputName!]: new ort.Tensor('float32', data, dims(group.length)) }))[outputName!]!;
        try {
          const values = output.data as Float32Array;
          const width = values.length / group.length;
          for (let i = 0; i < group.length; i++) rows.push(values.slice(i * width, (i + 1) * width));
        } finally {
          output.dispose?.();
        }
      }
      return rows;
    };

    try {
      const dims = patchDims(request.name, model);
      let disposed = false;
      const embedClips = async (clips: readonly Float32Array[]): Promise<Float32Array[]> => {
        if (disposed) throw new Error(`Model ${request.name} has been disposed`);
        if (clips.length === 0) return [];
        const perClip = clips.map((clip) => vggishPatches(clip, maxPatches));
        const rows = await embedPatches(perClip.flat(), dims);
        let next = 0;
        return perClip.map((patches) => {
          const mean = new Float32Array(rows[next]!.length);
          for (const row of rows.slice(next, (next += patches.length)))
            for (let i = 0; i < mean.length; i++) mean[i]! += row[i]! / patches.length;
          return normalised(mean);
        });
      };
      // One silent patch through the model, so a broken file fails its load, not the first ingest.
      const [probe] = await embedClips([new Float32Array(0)]);
      if (!probe?.length) throw new Error(`Model ${request.name} gives no embedding`);
      return {
        device: model.device,
        dimensions: probe.length,
        sampleRate: VGGISH_SAMPLE_RATE,
        embedClips,
        async dispose() {
          disposed = true;
          await model.dispose();
        },
      };
    } catch (error) {
      await model.dispose();
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`Model ${request.name} could not be loaded from ${request.files.base}: ${message}`, { cause: error });
    }
  };
}
