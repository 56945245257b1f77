import type { ExecutionDevice, ImageTextEmbedder, ModelLoader, ModelLoadRequest } from '../model-types';
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

export type Json = Record<string, unknown>;

export async function readJson(request: ModelLoadRequest, path: string): Promise<Json> {
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

export function normalisedRows(data: ArrayLike<number>, dims: readonly number[]): Float32Array[] {
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
 * The dtype of a two-tower folder (chosen by `stems[0]`'s files, as chooseOnnxDtype does) and
 * each tower's ONNX file for it.
 */
export async function towerFiles(
  request: ModelLoadRequest,
  device: ExecutionDevice,
  stems: readonly [string, string],
): Promise<{ dtype: string; paths: [string, string] }> {
  try {
    const dtype = await chooseOnnxDtype(request.params.dtype, device, request.files, stems[0]);
    return { dtype, paths: [onnxModelPath(dtype, stems[0]), onnxModelPath(dtype, stems[1])] };
  } catch (error) {
    throw new Error(`Model ${request.name}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * transformers.js truncates after adding the special tokens, which cuts the end token off a long
 * text; Python's tokenizer keeps it last, and the towers were trained so (CLIP's pools at it):
 * put it back in the last position.
 */
export function keepEndToken(inputIds: { readonly data: unknown; readonly dims: readonly number[] }, endToken: unknown): void {
  if (typeof endToken !== 'number') return;
  const ids = inputIds.data as BigInt64Array;
  const [rows = 0, length = 0] = inputIds.dims;
  for (let row = 0; row < rows; row++) {
    const tokens = ids.subarray(row * length, (row + 1) * length);
    if (!tokens.includes(BigInt(endToken))) tokens[length - 1] = BigInt(endToken);
  }
}

type Loaders<T extends readonly unknown[]> = { readonly [K in keyof T]: (id: string) => Promise<T[K]> };

/**
 * What `loaders` make of a folder (a tokenizer, towers), loaded one after another from its files
 * mounted for transformers.js; a failure releases what had loaded and names the folder.
 */
export async function loadFromFiles<const T extends readonly unknown[]>(request: ModelLoadRequest, loaders: Loaders<T>): Promise<T> {
  const mount = mountModelFiles(request.files);
  const loaded: unknown[] = [];
  try {
    for (const load of loaders as readonly ((id: string) => Promise<unknown>)[]) loaded.push(await load(mount.id));
    return loaded as unknown as T;
  } catch (error) {
    await Promise.all(loaded.map((item) => (item as { dispose?: () => Promise<unknown> }).dispose?.()));
    throw loadError(request, mount.id, error);
  } finally {
    mount.unmount();
  }
}

type OutputTensor = { readonly data: unknown; readonly dims: readonly number[]; dispose(): void };

/** The rows of a tower's `key` output, L2-normalised; every output tensor is released. */
export function takeEmbeddings(output: Readonly<Record<string, OutputTensor>>, key: string, where: string): Float32Array[] {
  try {
    const embeds = output[key];
    if (!embeds) throw new Error(`${where} has no ${key} output`);
    return normalisedRows(embeds.data as ArrayLike<number>, embeds.dims);
  } finally {
    for (const tensor of Object.values(output)) tensor.dispose();
  }
}

/**
 * A CLIP folder laid out as transformers.js expects one (config.json, preprocessor_config.json,
 * tokenizer.json, tokenizer_config.json, onnx/text_model*.onnx, onnx/vision_model*.onnx) as an
 * image–text embedder. Params: `dtype` (`auto` by default: chooseOnnxDtype, by the vision
 * tower's files) and `logitScale`.
 */
export const transformersClipLoader: ModelLoader<ImageTextEmbedder> = async (request) => {
  const device = runtimeDevice(request.device);
  const {
    dtype,
    paths: [visionPath, textPath],
  } = await towerFiles(request, device, ['vision_model', 'text_model']);
  const needed = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json', textPath, visionPath];
  await requireModelFiles(request.files, request.name, needed);
  const config = await readJson(request, 'config.json');
  const preprocessing = parseClipPreprocessing(
    await readJson(request, 'preprocessor_config.json'),
    `Model ${request.name}: preprocessor_config.json`,
  );

  const { AutoTokenizer, CLIPTextModelWithProjection, CLIPVisionModelWithProjection, Tensor } = await transformers();
  const options = { device, dtype: dtype as 'fp32', local_files_only: true };
  const [tokenizer, textModel, visionModel] = await loadFromFiles(request, [
    (id) => AutoTokenizer.from_pretrained(id, { local_files_only: true }),
    (id) => CLIPTextModelWithProjection.from_pretrained(id, options),
    (id) => CLIPVisionModelWithProjection.from_pretrained(id, options),
  ]);
  // The tower's position table bounds the context, whatever the tokenizer config claims.
  const positions = (config.text_config as Json | undefined)?.max_position_embeddings;
  const maxTokens = Math.min(tokenizer.model_max_length ?? Infinity, typeof positions === 'number' ? positions : CLIP_MAX_TOKENS);

  let disposed = false;
  const alive = () => {
    if (disposed) throw new Error(`Model ${request.name} has been disposed`);
  };

  const embedTexts = async (texts: readonly string[]): Promise<Float32Array[]> => {
    alive();
    if (texts.length === 0) return [];
    const { input_ids } = tokenizer([...texts], { padding: true, truncation: true, max_length: maxTokens });
    // The towers pool at <|endoftext|> (the export has no attention mask).
    keepEndToken(input_ids, tokenizer.eos_token_id);
    const output = (await textModel({ input_ids })) as Record<string, InstanceType<typeof Tensor>>;
    return takeEmbeddings(output, 'text_embeds', `Model ${request.name}: ${textPath}`);
  };

  const embedImages = async (images: readonly RgbaPixels[]): Promise<Float32Array[]> => {
    alive();
    if (images.length === 0) return [];
    const { data, dims } = clipPixelBatch(images, preprocessing);
    const output = (await visionModel({ pixel_values: new Tensor('float32', data, dims) })) as Record<string, InstanceType<typeof Tensor>>;
    return takeEmbeddings(output, 'image_embeds', `Model ${request.name}: ${visionPath}`);
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
