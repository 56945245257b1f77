import type { ModelDevice, ModelStatus } from '../../api/dam-api';
import { hubFileUrl } from '../../ml/loaders/transformers-loader';
import type { ModelDownloads } from '../../ml/model-downloads';
import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import { isNodeRuntime } from '../../ml/runtime';
import { modelPathParts, stripCommonFolder, type ModelFileInput, type ModelStore } from '../../ml/model-store';
import { DamError } from '../errors';
import type { ModelParams } from '../../ml/model-execution-manager';
import { EMBEDDING_MODEL_REGISTRY } from '../models/embedding-model-registry';
import { TAGGING_MODEL_REGISTRY } from '../models/tagging-model-registry';
import { IMAGE_EMBEDDING_MODEL_REGISTRY } from '../models/image-embedding-model-registry';
import { OCR_MODEL_REGISTRY } from '../models/ocr-model-registry';
import { getImageEmbedder } from './image-model-choice';
import { AUDIO_EMBEDDING_MODEL_REGISTRY } from '../models/audio-embedding-model-registry';
import { getAudioEmbedder } from './audio-model-choice';
import { getImageTagger } from './tagging-service';
import { getTextEmbedder } from './text-model-choice';

/** The global model resources these operations work on. */
export interface ModelResources {
  readonly models: ModelExecutionManager;
  readonly store: ModelStore;
  readonly downloads: ModelDownloads;
}

/** What Settings and these operations need of a model, from whichever registry names it. */
interface ModelEntry {
  readonly task: ModelStatus['task'];
  readonly loader: string;
  readonly params: ModelParams;
  readonly dimensions: number | null;
  readonly files: readonly string[];
  /** Weights published in two sets (int8 for the browser, fp32 for Node): a folder needs one whole set. */
  readonly weights?: { readonly browser: readonly string[]; readonly node: readonly string[] };
  readonly hub?: string;
  readonly licence: string;
  readonly sizeBytes?: number;
  /** Loads the model and checks it fits its use (vectors of its table's size, labels). */
  verify(models: ModelExecutionManager): Promise<unknown>;
}

function modelEntry(name: string): ModelEntry {
  const text = EMBEDDING_MODEL_REGISTRY[name];
  if (text) {
    return {
      ...text,
      task: 'text-embedding',
      params: {},
      dimensions: text.defaultParams.dimensions,
      weights: text.weights && { browser: [text.weights.browser], node: [text.weights.node] },
      verify: (models) => getTextEmbedder(models, name),
    };
  }
  const image = IMAGE_EMBEDDING_MODEL_REGISTRY[name];
  if (image) {
    return {
      ...image,
      task: 'image-embedding',
      params: {},
      dimensions: image.defaultParams.dimensions,
      verify: (models) => getImageEmbedder(models, name),
    };
  }
  const sound = AUDIO_EMBEDDING_MODEL_REGISTRY[name];
  if (sound) {
    return {
      ...sound,
      task: 'audio-embedding',
      params: {},
      dimensions: sound.defaultParams.dimensions,
      verify: (models) => getAudioEmbedder(models, name),
    };
  }
  const tagger = TAGGING_MODEL_REGISTRY[name];
  if (tagger)
    return {
      ...tagger,
      task: 'image-tagging',
      params: tagger.loadParams,
      dimensions: null,
      verify: (models) => getImageTagger(models, name),
    };
  const ocr = OCR_MODEL_REGISTRY[name];
  if (ocr) return { ...ocr, task: 'ocr', params: {}, dimensions: null, verify: (models) => models.getModel(ocr.loader, name) };
  throw new DamError('UnknownModelError', `Unknown model "${name}" (known: ${allModelNames().join(', ')})`);
}

/** Every registered model: text, image and audio embedders, taggers, then OCR. */
function allModelNames(): string[] {
  return [
    EMBEDDING_MODEL_REGISTRY,
    IMAGE_EMBEDDING_MODEL_REGISTRY,
    AUDIO_EMBEDDING_MODEL_REGISTRY,
    TAGGING_MODEL_REGISTRY,
    OCR_MODEL_REGISTRY,
  ].flatMap((r) => Object.keys(r));
}

/** Every registered model as Settings shows it: source, size, licence, state and device. */
export async function listModelStatuses(resources: ModelResources): Promise<ModelStatus[]> {
  return Promise.all(allModelNames().map((name) => modelStatus(resources, name)));
}

export async function modelStatus({ models, downloads }: ModelResources, name: string): Promise<ModelStatus> {
  const info = modelEntry(name);
  const local = await models.modelSource(info.loader, name, info.params);
  // The hub is a source only while network models are on, and only for models it has.
  const source = local ?? (downloads.networkEnabled && info.hub ? 'hub' : null);
  const loaded = models.loadedModels().find((m) => m.identifier === info.loader && m.name === name);
  const preference = await models.devicePreference(info.loader, name);
  const { devices } = await models.capabilities();
  const download = downloads.progress(name);
  return {
    name,
    task: info.task,
    dimensions: info.dimensions,
    source,
    sizeBytes: local === 'bundled' ? (info.sizeBytes ?? null) : null,
    licence: info.licence,
    state: download ? 'downloading' : loaded ? loaded.state : source ? 'unloaded' : 'unavailable',
    download,
    device: loaded?.device ?? (source ? await models.getModelDevicePreference(info.loader, name) : null),
    deviceOverride: preference?.chosenBy === 'user' ? preference.device : null,
    precision: loaded?.precision ?? null,
    devices,
  };
}

/** Loads the model; one only the hub has is downloaded first (network models must be on). */
export async function loadModel(resources: ModelResources, name: string): Promise<ModelStatus> {
  const info = modelEntry(name);
  if (!(await resources.models.isAvailable(info.loader, name, info.params)) && info.hub) return downloadModel(resources, name);
  await info.verify(resources.models);
  return modelStatus(resources, name);
}

/** What an import keeps: model files only, not a repository's other weights or docs. */
const MODEL_FILE = /(\.json|\.txt|\.csv|\.onnx|\.onnx_data|\/?group\d+-shard\d+of\d+)$/;

/**
 * Keeps the files under the model's name, and calls it done only once the model loads and fits
 * its use (vectors of its table's size; a tagger's labels); files that do not are removed again.
 */
async function keepVerified(resources: ModelResources, name: string, files: readonly ModelFileInput[]): Promise<ModelStatus> {
  const { models, store } = resources;
  const info = modelEntry(name);
  await models.unloadModel(info.loader, name, info.params);
  await store.save(name, files);
  try {
    await info.verify(models);
  } catch (error) {
    await models.unloadModel(info.loader, name, info.params);
    await store.remove(name);
    if (error instanceof DamError) throw error;
    throw new DamError('InvalidModelFolderError', `The files of ${name} do not load: ${(error as Error).message}`);
  }
  return modelStatus(resources, name);
}

export async function importModel(resources: ModelResources, name: string, files: readonly ModelFileInput[]): Promise<ModelStatus> {
  const info = modelEntry(name);
  const paths = stripCommonFolder(files.map((f) => f.path));
  let kept: ModelFileInput[];
  try {
    kept = files.map((f, i) => ({ path: modelPathParts(paths[i]!).join('/'), file: f.file })).filter((f) => MODEL_FILE.test(f.path));
  } catch (error) {
    throw new DamError('InvalidModelFolderError', `The folder cannot be imported: ${(error as Error).message}`);
  }
  const has = (path: string) => kept.some((f) => f.path === path);
  const missing = info.files.filter((path) => !has(path));
  if (info.weights && !info.weights.browser.every(has) && !info.weights.node.every(has)) {
    const set = (paths: readonly string[]) => (paths.length === 1 ? paths[0] : `(${paths.join(' and ')})`);
    missing.push(`${set(info.weights.browser)} or ${set(info.weights.node)}`);
  }
  if (missing.length > 0) {
    throw new DamError('InvalidModelFolderError', `This folder is not a ${name} model: ${missing.join(', ')} missing`);
  }
  return keepVerified(resources, name, kept);
}

/** Downloads the model's files from the hub (network models on) and keeps them for offline use. */
export async function downloadModel(resources: ModelResources, name: string): Promise<ModelStatus> {
  const info = modelEntry(name);
  const repo = info.hub;
  if (!repo) throw new DamError('ModelUnavailableError', `"${name}" is not on the model hub`);
  if (!resources.downloads.networkEnabled) {
    throw new DamError('ModelUnavailableError', `Network models are off: turn them on in Settings to download "${name}"`);
  }
  let files: ModelFileInput[];
  try {
    const paths = info.weights ? [...info.files, ...(isNodeRuntime() ? info.weights.node : info.weights.browser)] : info.files;
    files = await resources.downloads.download(name, paths, (path) => hubFileUrl(repo, path));
  } catch (error) {
    throw new DamError('ModelDownloadError', `Downloading "${name}" failed: ${(error as Error).message}`);
  }
  return keepVerified(resources, name, files);
}

export async function unloadModel(resources: ModelResources, name: string): Promise<ModelStatus> {
  const { loader, params } = modelEntry(name);
  await resources.models.unloadModel(loader, name, params);
  return modelStatus(resources, name);
}

export async function deleteModel(resources: ModelResources, name: string): Promise<ModelStatus> {
  const { loader, params } = modelEntry(name);
  await resources.models.unloadModel(loader, name, params);
  await resources.store.remove(name);
  return modelStatus(resources, name);
}

/** The user's device choice; a loaded model moves to the new device at once. */
export async function setModelDevice(resources: ModelResources, name: string, device: ModelDevice | null): Promise<ModelStatus> {
  const { models } = resources;
  const { loader, params } = modelEntry(name);
  await models.setDevicePreference(loader, name, device);
  if (models.loadedModels().some((m) => m.identifier === loader && m.name === name)) {
    await models.getModel(loader, name, params, { device: await models.getModelDevicePreference(loader, name) });
  }
  return modelStatus(resources, name);
}
