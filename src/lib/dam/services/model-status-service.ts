import type { ModelDevice, ModelStatus } from '../../api/dam-api';
import { hubFileUrl } from '../../ml/loaders/transformers-loader';
import type { ModelDownloads } from '../../ml/model-downloads';
import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import { isNodeRuntime } from '../../ml/runtime';
import { modelPathParts, stripCommonFolder, type ModelFileInput, type ModelStore } from '../../ml/model-store';
import { DamError } from '../errors';
import { EMBEDDING_MODEL_REGISTRY, getEmbeddingModelInfo } from '../models/embedding-model-registry';
import { getTextEmbedder } from './text-model-choice';

/** The global model resources these operations work on. */
export interface ModelResources {
  readonly models: ModelExecutionManager;
  readonly store: ModelStore;
  readonly downloads: ModelDownloads;
}

/** Every registered text model as Settings shows it: source, size, licence, state and device. */
export async function listModelStatuses(resources: ModelResources): Promise<ModelStatus[]> {
  return Promise.all(Object.keys(EMBEDDING_MODEL_REGISTRY).map((name) => modelStatus(resources, name)));
}

export async function modelStatus({ models, downloads }: ModelResources, name: string): Promise<ModelStatus> {
  const info = getEmbeddingModelInfo(name);
  const local = await models.modelSource(info.loader, name);
  // The hub is a source only while network models are on, and only for models it has.
  const source = local ?? (downloads.networkEnabled && info.hub ? 'hub' : null);
  const loaded = models.loadedModels().find((m) => m.identifier === info.loader && m.name === name);
  const preference = await models.devicePreference(info.loader, name);
  const { devices } = await models.capabilities();
  const download = downloads.progress(name);
  return {
    name,
    task: 'text-embedding',
    dimensions: info.defaultParams.dimensions,
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
  const info = getEmbeddingModelInfo(name);
  if (!(await resources.models.isAvailable(info.loader, name)) && info.hub) return downloadModel(resources, name);
  await getTextEmbedder(resources.models, name);
  return modelStatus(resources, name);
}

/** What an import keeps: model files only, not a repository's other weights or docs. */
const MODEL_FILE = /(\.json|\.txt|\.onnx|\.onnx_data|\/?group\d+-shard\d+of\d+)$/;

/**
 * Keeps the files under the model's name, and calls it done only once the model loads and its
 * vectors fit its table; files that do not are removed again.
 */
async function keepVerified(resources: ModelResources, name: string, files: readonly ModelFileInput[]): Promise<ModelStatus> {
  const { models, store } = resources;
  const info = getEmbeddingModelInfo(name);
  await models.unloadModel(info.loader, name);
  await store.save(name, files);
  try {
    await getTextEmbedder(models, name);
  } catch (error) {
    await models.unloadModel(info.loader, name);
    await store.remove(name);
    if (error instanceof DamError) throw error;
    throw new DamError('InvalidModelFolderError', `The files of ${name} do not load: ${(error as Error).message}`);
  }
  return modelStatus(resources, name);
}

export async function importModel(resources: ModelResources, name: string, files: readonly ModelFileInput[]): Promise<ModelStatus> {
  const info = getEmbeddingModelInfo(name);
  const paths = stripCommonFolder(files.map((f) => f.path));
  let kept: ModelFileInput[];
  try {
    kept = files.map((f, i) => ({ path: modelPathParts(paths[i]!).join('/'), file: f.file })).filter((f) => MODEL_FILE.test(f.path));
  } catch (error) {
    throw new DamError('InvalidModelFolderError', `The folder cannot be imported: ${(error as Error).message}`);
  }
  const has = (path: string) => kept.some((f) => f.path === path);
  const missing = info.files.filter((path) => !has(path));
  if (info.weights && !has(info.weights.browser) && !has(info.weights.node)) {
    missing.push(`${info.weights.browser} or ${info.weights.node}`);
  }
  if (missing.length > 0) {
    throw new DamError('InvalidModelFolderError', `This folder is not a ${name} model: ${missing.join(', ')} missing`);
  }
  return keepVerified(resources, name, kept);
}

/** Downloads the model's files from the hub (network models on) and keeps them for offline use. */
export async function downloadModel(resources: ModelResources, name: string): Promise<ModelStatus> {
  const info = getEmbeddingModelInfo(name);
  const repo = info.hub;
  if (!repo) throw new DamError('ModelUnavailableError', `"${name}" is not on the model hub`);
  if (!resources.downloads.networkEnabled) {
    throw new DamError('ModelUnavailableError', `Network models are off: turn them on in Settings to download "${name}"`);
  }
  let files: ModelFileInput[];
  try {
    const paths = info.weights ? [...info.files, isNodeRuntime() ? info.weights.node : info.weights.browser] : info.files;
    files = await resources.downloads.download(name, paths, (path) => hubFileUrl(repo, path));
  } catch (error) {
    throw new DamError('ModelDownloadError', `Downloading "${name}" failed: ${(error as Error).message}`);
  }
  return keepVerified(resources, name, files);
}

export async function unloadModel(resources: ModelResources, name: string): Promise<ModelStatus> {
  await resources.models.unloadModel(getEmbeddingModelInfo(name).loader, name);
  return modelStatus(resources, name);
}

export async function deleteModel(resources: ModelResources, name: string): Promise<ModelStatus> {
  await resources.models.unloadModel(getEmbeddingModelInfo(name).loader, name);
  await resources.store.remove(name);
  return modelStatus(resources, name);
}

/** The user's device choice; a loaded model moves to the new device at once. */
export async function setModelDevice(resources: ModelResources, name: string, device: ModelDevice | null): Promise<ModelStatus> {
  const { models } = resources;
  const { loader } = getEmbeddingModelInfo(name);
  await models.setDevicePreference(loader, name, device);
  if (models.loadedModels().some((m) => m.identifier === loader && m.name === name)) {
    await models.getModel(loader, name, {}, { device: await models.getModelDevicePreference(loader, name) });
  }
  return modelStatus(resources, name);
}
