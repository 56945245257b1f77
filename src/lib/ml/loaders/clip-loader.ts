import type { ImageTextEmbedder, ModelLoader, ModelLoadRequest } from '../model-types';
import type { RgbaPixels } from '../vision/image-input';
import { clipPixelBatch, parseClipPreprocessing } from '../vision/clip-preprocess';
import { requireModelFiles } from './require-files';
import { mountModelFiles } from './transformers-files';
import { chooseOnnxDtype, loadError, onnxModelPath, runtimeDevice, transformers } from './transformers-loader';

/**
 * exp(logit_scale) of OpenAI's trained CLIP weights (logit_scale = ln 100, where training clamps
 * it). config.json's `logit_scale_init_value` (2.6592 = ln 1/0.07) is where training started,
 * not where it ended, and the ONNX towers do not carry the trained value: a caller that knows
 * better passes `logitScale`, and a config.json may carry the trained `logit_scale` (log form,
 * as the checkpoint stores it).
 */
const OPENAI_LOGIT_SCALE = 100;

/** CLIP's context length, where config.json does not give its text tower's. */
const CLIP_MAX_TOKENS = 77;

type Json = Record<string, unknown>;

async function readJson(request: ModelLoadRequest, path: string): Promise<Json> {
  const text = new TextDecoder().decode(await request.files.read(path));
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new Error(`Model ${request.name}: ${path} is not JSON (${(error as Error).message})`, { cause: error });
  }
}

function logitScaleOf(request: ModelLoadRequest, config: Json): number {
  const given = request.params.logitScale;
  if (typeof given === 'number' && given > 0) return given;
  const trained = config.logit_scale;
  return typeof trained === 'number' && Number.isFinite(trained) ? Math.exp(trained) : OPENAI_LOGIT_SCALE;
}

function normalisedRows(data: ArrayLike<number>, dims: readonly number[]): Float32Array[] {
  const [rows = 0, columns = 0] = dims;
  return Array.from({ length: rows }, (_, row) => {
    const vector = Float32Array.from({ length: columns }, (_, i) => data[row * columns + i]!);
    let norm = 0;
    for (const value of vector) norm += value * value;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < columns; i++) vector[i]! /= norm;
    return vector;
  });
}

/**
 * A CLIP folder laid out as transformers.js expects one (config.json, preprocessor_config.json,
 * tokenizer.json, tokenizer_config.json, onnx/text_model*.onnx, onnx/vision_model*.onnx) as an
 * image–text embedder. Params: `dtype` (`auto` by default: chooseOnnxDtype, by the vision
 * tower's files) and `logitScale`.
 */
export const transformersClipLoader: ModelLoader<ImageTextEmbedder> = async (request) => {
  const device = runtimeDevice(request.device);
  let dtype: string;
  let textPath: string;
  let visionPath: string;
  try {
    dtype = await chooseOnnxDtype(request.params.dtype, device, request.files, 'vision_model');
    textPath = onnxModelPath(dtype, 'text_model');
    visionPath = onnxModelPath(dtype, 'vision_model');
  } catch (error) {
    throw new Error(`Model ${request.name}: ${(error as Error).message}`, { cause: error });
  }
  const needed = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json', textPath, visionPath];
  await requireModelFiles(request.files, request.name, needed);
  const config = await readJson(request, 'config.json');
  const preprocessing = parseClipPreprocessing(
    await readJson(request, 'preprocessor_config.json'),
    `Model ${request.name}: preprocessor_config.json`,
  );

  const { AutoTokenizer, CLIPTextModelWithProjection, CLIPVisionModelWithProjection, Tensor } = await transformers();
  const mount = mountModelFiles(request.files);
  const options = { device, dtype: dtype as 'fp32', local_files_only: true };
  let tokenizer: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
  let textModel: Awaited<ReturnType<typeof CLIPTextModelWithProjection.from_pretrained>> | undefined;
  let visionModel: Awaited<ReturnType<typeof CLIPVisionModelWithProjection.from_pretrained>>;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(mount.id, { local_files_only: true });
    textModel = await CLIPTextModelWithProjection.from_pretrained(mount.id, options);
    visionModel = await CLIPVisionModelWithProjection.from_pretrained(mount.id, options);
  } catch (error) {
    await textModel?.dispose();
    throw loadError(request, mount.id, error);
  } finally {
    mount.unmount();
  }
  // The tower's position table bounds the context, whatever the tokenizer config claims.
  const positions = (config.text_config as Json | undefined)?.max_position_embeddings;
  const maxTokens = Math.min(tokenizer.model_max_length ?? Infinity, typeof positions === 'number' ? positions : CLIP_MAX_TOKENS);
  const endOfText = tokenizer.eos_token_id;

  let disposed = false;
  const alive = () => {
    if (disposed) throw new Error(`Model ${request.name} has been disposed`);
  };

  const embedTexts = async (texts: readonly string[]): Promise<Float32Array[]> => {
    alive();
    if (texts.length === 0) return [];
    const { input_ids } = tokenizer([...texts], { padding: true, truncation: true, max_length: maxTokens });
    const ids = input_ids.data as BigInt64Array;
    const [rows = 0, length = 0] = input_ids.dims;
    // transformers.js truncates after adding the special tokens, which cuts <|endoftext|> off a
    // long text; the towers pool at it (the export has no attention mask), so put it back last,
    // as the Python tokenizer does.
    if (endOfText !== undefined && endOfText !== null) {
      for (let row = 0; row < rows; row++) {
        const tokens = ids.subarray(row * length, (row + 1) * length);
        if (!tokens.includes(BigInt(endOfText))) tokens[length - 1] = BigInt(endOfText);
      }
    }
    const output = (await textModel({ input_ids })) as Record<string, InstanceType<typeof Tensor>>;
    try {
      const embeds = output.text_embeds;
      if (!embeds) throw new Error(`Model ${request.name}: ${textPath} has no text_embeds output`);
      return normalisedRows(embeds.data as Float32Array, embeds.dims);
    } finally {
      for (const tensor of Object.values(output)) tensor.dispose();
    }
  };

  const embedImages = async (images: readonly RgbaPixels[]): Promise<Float32Array[]> => {
    alive();
    if (images.length === 0) return [];
    const { data, dims } = clipPixelBatch(images, preprocessing);
    const output = (await visionModel({ pixel_values: new Tensor('float32', data, dims) })) as Record<string, InstanceType<typeof Tensor>>;
    try {
      const embeds = output.image_embeds;
      if (!embeds) throw new Error(`Model ${request.name}: ${visionPath} has no image_embeds output`);
      return normalisedRows(embeds.data as Float32Array, embeds.dims);
    } finally {
      for (const tensor of Object.values(output)) tensor.dispose();
    }
  };

  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await Promise.all([textModel.dispose(), visionModel.dispose()]);
  };

  try {
    // Both towers run once, so a broken folder fails its load, not the first ingest.
    const [text] = await embedTexts(['']);
    const [image] = await embedImages([{ width: 1, height: 1, data: new Uint8ClampedArray([255, 255, 255, 255]) }]);
    if (!text?.length || text.length !== image?.length) {
      throw new Error(`Model ${request.name}: text vectors have ${text?.length} dimensions, image vectors ${image?.length}`);
    }
    return {
      device,
      precision: dtype,
      dimensions: text.length,
      logitScale: logitScaleOf(request, config),
      embedImages,
      embedTexts,
      dispose,
    };
  } catch (error) {
    await dispose();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Model ${request.name} could not be loaded from ${request.files.base}: ${message}`, { cause: error });
  }
};
