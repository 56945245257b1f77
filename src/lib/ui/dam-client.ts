import * as Comlink from 'comlink';
import type { DamApi } from '../api/dam-api';
import { networkModelsSetting } from './settings/network-models';

let client: Comlink.Remote<DamApi> | undefined;

/** The world worker's API. One worker per page; it owns the open world. */
export function damClient(): Comlink.Remote<DamApi> {
  if (!client) {
    const worker = new Worker(new URL('../../../workers/world.worker.ts', import.meta.url), { type: 'module', name: 'dam-world' });
    client = Comlink.wrap<DamApi>(worker);
    globalThis.damApi = client;
    void client.setNetworkModels(networkModelsSetting());
  }
  return client;
}

/** The message of an error that crossed from the worker, for showing to the person. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}
