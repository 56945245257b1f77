import type { ModelDevice, ModelStatus } from '../api/dam-api';
import { ModelDownloads } from '../ml/model-downloads';
import { ModelExecutionManager } from '../ml/model-execution-manager';
import { ModelStore } from '../ml/model-store';
import type { QueryContext } from './query/query-sql';
import {
  deleteModel,
  downloadModel,
  importModel,
  listModelStatuses,
  loadModel,
  setModelDevice,
  unloadModel,
  type ModelResources,
} from './services/model-status-service';
import { embedQueryText } from './services/semantic-service';
import { WorldArchiveHost } from './world-archive-host';

/**
 * The models every world shares (status, devices, imports, downloads) on top of the worlds,
 * and what searches need from them: a `~` term's text embedded by the world's text model.
 */
export class ModelHost extends WorldArchiveHost {
  async listModels(): Promise<ModelStatus[]> {
    return listModelStatuses(this.modelResources());
  }

  async loadModel(name: string): Promise<ModelStatus> {
    return loadModel(this.modelResources(), name);
  }

  async unloadModel(name: string): Promise<ModelStatus> {
    return unloadModel(this.modelResources(), name);
  }

  async setModelDevice(name: string, device: ModelDevice | null): Promise<ModelStatus> {
    return setModelDevice(this.modelResources(), name, device);
  }

  async importModel(name: string, files: readonly { path: string; file: Blob }[]): Promise<ModelStatus> {
    return importModel(this.modelResources(), name, files);
  }

  async deleteModel(name: string): Promise<ModelStatus> {
    return deleteModel(this.modelResources(), name);
  }

  async networkModels(): Promise<boolean> {
    return this.modelResources().downloads.networkEnabled;
  }

  async setNetworkModels(enabled: boolean): Promise<void> {
    this.modelResources().downloads.setNetworkEnabled(enabled);
  }

  async downloadModel(name: string): Promise<ModelStatus> {
    return downloadModel(this.modelResources(), name);
  }

  /** What a search's `~` terms need: the world's text model, through the shared manager. */
  override splitWorld(options: { readonly query: string; readonly name: string; readonly move?: boolean }) {
    return super.splitWorld({ ...options, context: this.queryContext() });
  }

  protected queryContext(_options: { readonly pictureMinSimilarity?: number } = {}): QueryContext {
    const { models } = this.modelResources();
    return { embedText: (text) => embedQueryText(models, text) };
  }

  protected modelResources(): ModelResources {
    const resources = this.platform.globalResources;
    return { models: resources.get(ModelExecutionManager), store: resources.get(ModelStore), downloads: resources.get(ModelDownloads) };
  }
}
