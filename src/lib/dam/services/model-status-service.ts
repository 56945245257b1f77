import type { ModelDevice, ModelStatus } from '../../api/dam-api';
import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import type { TextEmbedder } from '../../ml/model-types';
import { EMBEDDING_MODEL_REGISTRY, getEmbeddingModelInfo } from '../models/embedding-model-registry';

/** Every registered text model as Settings shows it: source, size, licence, state and device. */
export async function listModelStatuses(models: ModelExecutionManager): Promise<ModelStatus[]> {
  return Promise.all(Object.keys(EMBEDDING_MODEL_REGISTRY).map((name) => modelStatus(models, name)));
}

export async function modelStatus(models: ModelExecutionManager, name: string): Promise<ModelStatus> {
  const info = getEmbeddingModelInfo(name);
  const source = await models.modelSource(info.loader, name);
  const loaded = models.loadedModels().find((m) => m.identifier === info.loader && m.name === name);
  const preference = await models.devicePreference(info.loader, name);
  const { devices } = await models.capabilities();
  return {
    name,
    task: 'text-embedding',
    dimensions: info.defaultParams.dimensions,
    source,
    sizeBytes: source === 'bundled' ? (info.sizeBytes ?? null) : null,
    licence: info.licence,
    state: loaded ? loaded.state : source ? 'unloaded' : 'unavailable',
    device: loaded?.device ?? (source ? await models.getModelDevicePreference(info.loader, name) : null),
    deviceOverride: preference?.chosenBy === 'user' ? preference.device : null,
    devices,
  };
}

export async function loadModel(models: ModelExecutionManager, name: string): Promise<ModelStatus> {
  await models.getModel<TextEmbedder>(getEmbeddingModelInfo(name).loader, name);
  return modelStatus(models, name);
}

export async function unloadModel(models: ModelExecutionManager, name: string): Promise<ModelStatus> {
  await models.unloadModel(getEmbeddingModelInfo(name).loader, name);
  return modelStatus(models, name);
}

/** The user's device choice; a loaded model moves to the new device at once. */
export async function setModelDevice(models: ModelExecutionManager, name: string, device: ModelDevice | null): Promise<ModelStatus> {
  const { loader } = getEmbeddingModelInfo(name);
  await models.setDevicePreference(loader, name, device);
  if (models.loadedModels().some((m) => m.identifier === loader && m.name === name)) {
    await models.getModel(loader, name, {}, { device: await models.getModelDevicePreference(loader, name) });
  }
  return modelStatus(models, name);
}
