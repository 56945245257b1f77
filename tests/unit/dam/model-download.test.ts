import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { ResourceManager } from '../../../src/lib/ecs';
import { hubFileUrl } from '../../../src/lib/ml/loaders/transformers-loader';
import { ModelDownloads } from '../../../src/lib/ml/model-downloads';
import { ModelStore } from '../../../src/lib/ml/model-store';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';

const fixture = fileURLToPath(new URL('../../fixtures/models/minilm-fixture', import.meta.url));
const REPO = 'Xenova/all-MiniLM-L6-v2';

/**
 * A stand-in for the model hub, which cannot be reached from here: it answers the hub URLs of
 * the MiniLM fixture's files with their bytes, in two chunks, the second held back until the
 * test lets it go, so a download can be seen in progress.
 */
function fakeHub() {
  const requested: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const fetcher = (async (input: RequestInfo | URL) => {
    const url = String(input);
    requested.push(url);
    for (const path of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
      if (url !== (await hubFileUrl(REPO, path))) continue;
      const bytes = new Uint8Array(await readFile(join(fixture, path)));
      const half = Math.floor(bytes.length / 2);
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(bytes.slice(0, half));
          await held;
          controller.enqueue(bytes.slice(half));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-length': String(bytes.length) } });
    }
    return new Response('not found', { status: 404 });
  }) as typeof fetch;
  return { fetcher, requested, release };
}

describe('models from the hub (a fake hub stands in for it)', () => {
  const hub = fakeHub();
  let app: DamApp;
  let store: ModelStore;
  beforeAll(async () => {
    const resources = new ResourceManager();
    resources.add(new ModelDownloads(hub.fetcher), ModelDownloads);
    const platform = await createNodePlatform({ globalResources: resources });
    store = platform.globalResources.get(ModelStore);
    app = new DamApp(platform);
  });
  afterAll(() => app.close());

  it('fetches nothing while network models are off', async () => {
    expect(await app.networkModels()).toBe(false);
    expect((await app.listModels()).find((m) => m.name === 'all-MiniLM-L6-v2')).toMatchObject({ source: null, state: 'unavailable' });
    await expect(app.downloadModel('all-MiniLM-L6-v2')).rejects.toMatchObject({
      name: 'ModelUnavailableError',
      message: expect.stringContaining('Network models are off'),
    });
    await expect(app.downloadModel('use-lite')).rejects.toMatchObject({ name: 'ModelUnavailableError' });
    expect(hub.requested).toEqual([]);
  });

  it('with network models on, downloads the files with progress and checks them before keeping them', async () => {
    await app.setNetworkModels(true);
    expect((await app.listModels()).find((m) => m.name === 'all-MiniLM-L6-v2')).toMatchObject({ source: 'hub', state: 'unloaded' });
    const download = app.downloadModel('all-MiniLM-L6-v2');
    download.catch(() => undefined);
    // Every file has sent its first half and its size; the rest is held back.
    const progress = async () => (await app.listModels()).find((m) => m.name === 'all-MiniLM-L6-v2')!;
    await expect.poll(async () => ((await progress()).download?.totalBytes ?? 0) > 0).toBe(true);
    const during = await progress();
    expect(during.state).toBe('downloading');
    expect(during.download!.doneBytes).toBeGreaterThan(0);
    expect(during.download!.totalBytes).toBeGreaterThan(during.download!.doneBytes);
    hub.release();
    // The fixture has MiniLM's files and tensor names but 64-d vectors: it loads through the
    // real transformers.js loader, is refused by size, and nothing is kept.
    await expect(download).rejects.toMatchObject({ name: 'ModelMismatchError' });
    expect(hub.requested.sort()).toEqual(
      (
        await Promise.all(['config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json'].map((p) => hubFileUrl(REPO, p)))
      ).sort(),
    );
    expect(await store.open('all-MiniLM-L6-v2')).toBeNull();
    expect((await app.listModels()).find((m) => m.name === 'all-MiniLM-L6-v2')).toMatchObject({
      source: 'hub',
      state: 'unloaded',
      download: null,
    });
  });
});
