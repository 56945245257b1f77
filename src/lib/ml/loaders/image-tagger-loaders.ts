import type { Tensor as OrtTensor } from 'onnxruntime-web';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ModelLoader } from '../model-types';
import { imageBatchInput } from '../vision/image-input';
import { imageTaggerParams, splitScores, type ImageTagger, type TaggerLabel } from '../vision/image-tagger';
import { parseSelectedTagsCsv } from '../vision/selected-tags-csv';
import { createOnnxLoader, type OrtModule } from './onnx-loader';
import { requireModelFiles } from './require-files';
import { tfjsLayersModelLoader } from './tfjs-loader';

function requireLabels(labels: readonly TaggerLabel[] | undefined, model: string): readonly TaggerLabel[] {
  if (!labels?.length) throw new Error(`Image tagger ${model} has no labels`);
  return labels;
}

/**
 * An image classifier saved as a TF.js layers model (nsfwjs), whose softmax or sigmoid outputs
 * are the labels given in params, in order.
 */
export const tfjsImageTaggerLoader: ModelLoader<ImageTagger> = async (request) => {
  const { input, labels } = imageTaggerParams(request.params, request.name);
  const known = requireLabels(labels, request.name);
  const model = await tfjsLayersModelLoader({ ...request, params: {} });
  const width = model.outputShapes[0]?.at(-1);
  if (width !== known.length) {
    await model.dispose();
    throw new Error(`Model ${request.name} has ${String(width)} outputs but ${known.length} labels`);
  }
  return {
    device: model.device,
    labels: known,
    input,
    score: (images) =>
      model.run(async (tf, layers) => {
        if (images.length === 0) return [];
        const batch = tf.tensor4d(imageBatchInput(images, input), [images.length, input.size, input.size, 3]);
        const output = layers.predict(batch) as Tensor;
        try {
          return splitScores((await output.data()) as Float32Array, images.length, known.length, request.name);
        } finally {
          batch.dispose();
          output.dispose();
        }
      }),
    dispose: () => model.dispose(),
  };
};

/** What the ONNX tagger needs of ONNX Runtime besides sessions: its tensor type. */
export interface OrtWithTensor extends OrtModule {
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
}

/**
 * A WD-style tagger (`model.onnx` with one NHWC image input and one sigmoid output, and
 * `selected_tags.csv` naming the outputs), on ONNX Runtime, which is imported on first use
 * (`importOrt`: onnxruntime-node in Node, onnxruntime-web in the browser).
 */
export function createOnnxImageTaggerLoader(importOrt: () => Promise<OrtWithTensor>): ModelLoader<ImageTagger> {
  return async (request) => {
    const ort = await importOrt();
    const onnx = createOnnxLoader(ort);
    const { input } = imageTaggerParams(request.params, request.name);
    await requireModelFiles(request.files, request.name, ['model.onnx', 'selected_tags.csv']);
    const labels = parseSelectedTagsCsv(new TextDecoder().decode(await request.files.read('selected_tags.csv')));
    const model = await onnx({ ...request, params: { file: 'model.onnx' } });
    const [inputName] = model.inputNames;
    const [outputName] = model.outputNames;
    if (model.inputNames.length !== 1 || !inputName || !outputName) {
      await model.dispose();
      throw new Error(`Model ${request.name} should take one image input; it takes [${model.inputNames.join(', ')}]`);
    }
    return {
      device: model.device,
      labels,
      input,
      async score(images) {
        if (images.length === 0) return [];
        const feed = new ort.Tensor('float32', imageBatchInput(images, input), [images.length, input.size, input.size, 3]);
        const output = (await model.run({ [inputName]: feed }))[outputName]!;
        try {
          return splitScores(output.data as Float32Array, images.length, labels.length, request.name);
        } finally {
          output.dispose?.();
        }
      },
      dispose: () => model.dispose(),
    };
  };
}
