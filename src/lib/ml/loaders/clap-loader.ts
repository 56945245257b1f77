import type { AudioTextEmbedder, ModelLoader, ModelLoadRequest } from '../model-types';
import { keepEndToken, loadFromFiles, readJson, takeEmbeddings, towerFiles, type Json } from './clip-loader';
import { meanDirection } from '../mean-direction';
import { requireModelFiles } from './require-files';
import { runtimeDevice, transformers } from './transformers-loader';

/** Windows embedded per clip at most: a minute of sound, spread over a longer clip. */
const DEFAULT_MAX_WINDOWS = 6;
/** RoBERTa's position table starts after the pad id: 514 positions hold 512 tokens. */
const ROBERTA_POSITION_OFFSET = 2;

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** The sample rate and window length (10 s) the audio tower was trained on, from preprocessor_config.json. */
function audioSettings(request: ModelLoadRequest, preprocessor: Json, config: Json): { sampleRate: number; windowSamples: number } {
  if ((config.audio_config as Json | undefined)?.enable_fusion === true) {
    throw new Error(`Model ${request.name} is a fused CLAP (four mel views and is_longer per clip); this loader runs unfused ones`);
  }
  const sampleRate = positiveNumber(preprocessor.sampling_rate);
  const seconds = positiveNumber(preprocessor.max_length_s);
  const windowSamples = positiveNumber(preprocessor.nb_max_samples) ?? (sampleRate && seconds ? sampleRate * seconds : undefined);
  if (!sampleRate || !windowSamples || !Number.isInteger(windowSamples)) {
    throw new Error(`Model ${request.name}: preprocessor_config.json needs sampling_rate and nb_max_samples`);
  }
  return { sampleRate, windowSamples };
}

/** Python's `repeatpad`: the clip repeated as many whole times as fit, then silence. */
function repeatPad(clip: Float32Array, size: number): Float32Array {
  const padded = new Float32Array(size);
  if (clip.length === 0) return padded;
  const copies = Math.floor(size / clip.length);
  for (let i = 0; i < copies; i++) padded.set(clip, i * clip.length);
  return padded;
}

/**
 * The windows of exactly `size` samples (10 s) a clip is embedded as. A short clip is one window,
 * repeat-padded as CLAP's feature extractor pads it. A longer one is `ceil(length / size)`
 * windows, at most `maxWindows`, spread evenly from its start to its end (the last ends with the
 * clip, so no window is padding): unfused CLAP sees 10 s at a time and its own extractor would
 * take one random 10 s, which makes a clip's vector change from run to run.
 */
export function clapWindows(clip: Float32Array, size: number, maxWindows: number): Float32Array[] {
  if (clip.length <= size) return [clip.length === size ? clip : repeatPad(clip, size)];
  const count = Math.min(Math.ceil(clip.length / size), maxWindows);
  const last = clip.length - size;
  return Array.from({ length: count }, (_, i) => {
    const start = count === 1 ? 0 : Math.round((i * last) / (count - 1));
    return clip.subarray(start, start + size);
  });
}

/**
 * An unfused CLAP folder laid out as transformers.js expects one (config.json,
 * preprocessor_config.json, tokenizer.json, tokenizer_config.json, onnx/audio_model*.onnx,
 * onnx/text_model*.onnx) as an audio–text embedder. Clips are mono at the preprocessor's rate
 * (48 kHz); transformers.js's `ClapFeatureExtractor` turns each 10 s window into its log-mel
 * `input_features` (slaney mel, dB, as unfused CLAP was trained), and a clip's vector is the
 * normalised mean of its windows' (`clapWindows`). Params: `dtype` (`auto` by default:
 * chooseOnnxDtype, by the audio tower's files) and `maxWindows` (6; 1 embeds the first 10 s only).
 */
export const transformersClapLoader: ModelLoader<AudioTextEmbedder> = async (request) => {
  const device = runtimeDevice(request.device);
  const maxWindows = request.params.maxWindows ?? DEFAULT_MAX_WINDOWS;
  if (typeof maxWindows !== 'number' || !Number.isInteger(maxWindows) || maxWindows < 1) {
    throw new Error(`Model ${request.name}: maxWindows must be a positive integer`);
  }
  const {
    dtype,
    paths: [audioPath, textPath],
  } = await towerFiles(request, device, ['audio_model', 'text_model']);
  const needed = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json', textPath, audioPath];
  await requireModelFiles(request.files, request.name, needed);
  const config = await readJson(request, 'config.json');
  const preprocessor = await readJson(request, 'preprocessor_config.json');
  const { sampleRate, windowSamples } = audioSettings(request, preprocessor, config);

  const { AutoTokenizer, ClapAudioModelWithProjection, ClapFeatureExtractor, ClapTextModelWithProjection, Tensor } = await transformers();
  type Outputs = Record<string, InstanceType<typeof Tensor>>;
  // Every window is exactly nb_max_samples long, so rand_trunc never crops at random and the
  // padding is never transformers.js's (which repeats once less than Python's); the slaney bank
  // is the one unfused CLAP was trained with, whatever `truncation` the file names.
  const extractor = new ClapFeatureExtractor({ ...preprocessor, truncation: 'rand_trunc', padding: 'repeatpad' });
  const options = { device, dtype: dtype as 'fp32', local_files_only: true };
  const [tokenizer, textModel, audioModel] = await loadFromFiles(request, [
    (id) => AutoTokenizer.from_pretrained(id, { local_files_only: true }),
    (id) => ClapTextModelWithProjection.from_pretrained(id, options),
    (id) => ClapAudioModelWithProjection.from_pretrained(id, options),
  ]);
  const positions = positiveNumber((config.text_config as Json | undefined)?.max_position_embeddings);
  const maxTokens = Math.min(tokenizer.model_max_length ?? Infinity, positions ? positions - ROBERTA_POSITION_OFFSET : 512);

  let disposed = false;
  const alive = () => {
    if (disposed) throw new Error(`Model ${request.name} has been disposed`);
  };

  const embedTexts = async (texts: readonly string[]): Promise<Float32Array[]> => {
    alive();
    if (texts.length === 0) return [];
    const { input_ids, attention_mask } = tokenizer([...texts], { padding: true, truncation: true, max_length: maxTokens });
    keepEndToken(input_ids, tokenizer.eos_token_id);
    const output = (await textModel({ input_ids, attention_mask })) as Outputs;
    return takeEmbeddings(output, 'text_embeds', `Model ${request.name}: ${textPath}`);
  };

  const embedWindows = async (windows: readonly Float32Array[]): Promise<Float32Array[]> => {
    const features: Float32Array[] = [];
    let dims: readonly number[] = [];
    // One at a time: the extractor's mel product runs on one small ORT session.
    for (const window of windows) {
      const { input_features } = (await extractor(window, { max_length: windowSamples })) as {
        input_features: InstanceType<typeof Tensor>;
      };
      features.push(input_features.data as Float32Array);
      dims = input_features.dims;
    }
    const data = new Float32Array(features.reduce((sum, part) => sum + part.length, 0));
    features.reduce((offset, part) => (data.set(part, offset), offset + part.length), 0);
    const input_features = new Tensor('float32', data, [windows.length, ...dims.slice(1)]);
    const output = (await audioModel({ input_features })) as Outputs;
    return takeEmbeddings(output, 'audio_embeds', `Model ${request.name}: ${audioPath}`);
  };

  const embedClips = async (clips: readonly Float32Array[]): Promise<Float32Array[]> => {
    alive();
    if (clips.length === 0) return [];
    const perClip = clips.map((clip) => clapWindows(clip, windowSamples, maxWindows));
    const windows = perClip.flat();
    const vectors: Float32Array[] = [];
    // No more windows per run than clips were asked for: the caller sized its batch for the device.
    for (let start = 0; start < windows.length; start += clips.length) {
      vectors.push(...(await embedWindows(windows.slice(start, start + clips.length))));
    }
    let next = 0;
    return perClip.map((list) => meanDirection(vectors.slice(next, (next += list.length))));
  };

  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await Promise.all([textModel.dispose(), audioModel.dispose()]);
  };

  try {
    // Both towers run once, so a broken folder fails its load, not the first ingest.
    const [text] = await embedTexts(['']);
    const [audio] = await embedClips([new Float32Array(0)]);
    if (!text?.length || text.length !== audio?.length) {
      throw new Error(`Model ${request.name}: text vectors have ${text?.length} dimensions, audio vectors ${audio?.length}`);
    }
    return { device, precision: dtype, dimensions: text.length, sampleRate, embedClips, embedTexts, dispose };
  } catch (error) {
    await dispose();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Model ${request.name} could not be loaded from ${request.files.base}: ${message}`, { cause: error });
  }
};
