import {
  AudioEmbeddingClapHtsatUnfusedDim512Component,
  AudioEmbeddingSpeechEmbeddingDim96Component,
  AudioEmbeddingVggishDim128Component,
  type AudioEmbeddingComponentType,
} from '../components/audio-embeddings';
import { DamError } from '../errors';

/** Which manager loader runs an audio model (registered under this identifier). */
export type AudioModelLoaderId = 'speech-embedding' | 'transformers-clap' | 'onnx-vggish';

export interface AudioEmbeddingModelInfo {
  readonly component: AudioEmbeddingComponentType;
  readonly defaultParams: { readonly dimensions: number; readonly sampleRate: number };
  readonly loader: AudioModelLoaderId;
  /** Folder under the app's `/models/` when the model ships with the app. */
  readonly bundled?: string;
  /** The hub repository, for when the user turns network models on. */
  readonly hub?: string;
  readonly licence: string;
  /** Files a folder of this model must hold besides weights published in two sets. */
  readonly files: readonly string[];
  readonly weights?: { readonly browser: readonly string[]; readonly node: readonly string[] };
  /** Download/precache size of its files, for Settings (pinned by a test against the build). */
  readonly sizeBytes?: number;
  /** It has a text tower: `~"dog barking"` reaches sounds through it. */
  readonly text: boolean;
  /** Least cosine similarity for "similar sounds" and `similar:` with this model. */
  readonly similarMinSimilarity: number;
  /** Least similarity between a search's text and a sound, by default (text models only). */
  readonly textMinSimilarity?: number;
}

/** /models/speech-embedding/ in the build: the two ONNX files and a LICENSE note (pinned by a test). */
const SPEECH_EMBEDDING_BYTES = 2_414_831;

/**
 * AUDIO_EMBEDDING_MODEL_REGISTRY (seeds §2.6): user-facing name → table, loader and files.
 * Adding a model: a component, a migration, an entry here, a loader, tests.
 */
export const AUDIO_EMBEDDING_MODEL_REGISTRY: Readonly<Record<string, AudioEmbeddingModelInfo>> = {
  'speech-embedding': {
    component: AudioEmbeddingSpeechEmbeddingDim96Component,
    defaultParams: { dimensions: 96, sampleRate: 16_000 },
    loader: 'speech-embedding',
    bundled: 'speech-embedding',
    licence: 'Apache-2.0',
    files: ['melspectrogram.onnx', 'embedding_model.onnx'],
    sizeBytes: SPEECH_EMBEDDING_BYTES,
    text: false,
    // Its vectors bunch together (measured on espeak clips): one sentence in two voices 0.94–0.99,
    // different sentences 0.89–0.97, speech against a tone or noise 0.74–0.84.
    similarMinSimilarity: 0.9,
  },
  'clap-htsat-unfused': {
    component: AudioEmbeddingClapHtsatUnfusedDim512Component,
    defaultParams: { dimensions: 512, sampleRate: 48_000 },
    loader: 'transformers-clap',
    hub: 'Xenova/clap-htsat-unfused',
    licence: 'Apache-2.0',
    files: ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'],
    weights: {
      browser: ['onnx/audio_model_quantized.onnx', 'onnx/text_model_quantized.onnx'],
      node: ['onnx/audio_model.onnx', 'onnx/text_model.onnx'],
    },
    text: true,
    similarMinSimilarity: 0.8,
    textMinSimilarity: 0.2,
  },
  vggish: {
    component: AudioEmbeddingVggishDim128Component,
    defaultParams: { dimensions: 128, sampleRate: 16_000 },
    loader: 'onnx-vggish',
    licence: 'Apache-2.0',
    files: ['model.onnx'],
    text: false,
    similarMinSimilarity: 0.8,
  },
};

export function getAudioEmbeddingModelInfo(modelName: string): AudioEmbeddingModelInfo {
  const info = AUDIO_EMBEDDING_MODEL_REGISTRY[modelName];
  if (!info) {
    throw new DamError(
      'UnknownModelError',
      `Unknown audio embedding model "${modelName}" (known: ${Object.keys(AUDIO_EMBEDDING_MODEL_REGISTRY).join(', ')})`,
    );
  }
  return info;
}
