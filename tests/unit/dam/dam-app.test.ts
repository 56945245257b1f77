import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';
import { testBackend } from '../helpers/test-database';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dam-app-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function rejectionName(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error as Error).name,
  );
}

// PGlite's own files on disk: a server world has none (the Postgres run skips these).
describe.skipIf(testBackend === 'postgres')('DamApp on disk', () => {
  it('creates, opens, switches and lists worlds, and the catalog survives a restart', async () => {
    const app = new DamApp(await createNodePlatform({ dataDir }));
    expect(await app.listWorlds()).toEqual([]);
    await app.createWorld('photos');
    await app.createWorld('music');
    const photos = await app.openWorld('photos');
    expect(photos).toMatchObject({ name: 'photos', store: 'directory', entityCount: 0 });
    expect(photos.appliedMigrations).toEqual([
      '0000_ecs_entities',
      '0001_core_files',
      '0002_content_hashes',
      '0003_media',
      '0004_text_embeddings',
      '0005_text_content',
      '0006_tags',
      '0007_auto_tagging',
      '0008_tag_search_indexes',
      '0009_asset_tag_sets',
      '0010_saved_searches',
      '0011_asset_text',
      '0012_image_understanding',
      '0013_audio_embeddings',
    ]);
    const entity = await app.createEntity([
      { component: 'FilePropertiesComponent', fields: { originalFilename: 'beach.jpg', fileSizeBytes: 10 } },
    ]);
    expect(entity.components).toEqual([
      expect.objectContaining({
        name: 'FilePropertiesComponent',
        fields: { originalFilename: 'beach.jpg', fileSizeBytes: 10, mimeType: null, firstSeenAt: null },
      }),
    ]);
    await app.openWorld('music');
    expect(await app.currentWorld()).toBe('music');
    expect(await app.getEntity(entity.id)).toBeNull();
    await app.close();

    const restarted = new DamApp(await createNodePlatform({ dataDir }));
    expect((await restarted.listWorlds()).map((w) => w.name)).toEqual(['music', 'photos']);
    expect(await restarted.lastOpenedWorld()).toBe('music');
    await restarted.openWorld('photos');
    const stats = await restarted.worldStats();
    expect(stats.entityCount).toBe(1);
    expect(stats.componentCounts).toMatchObject({ FilePropertiesComponent: 1, FileLocationComponent: 0, ContentHashSHA256Component: 0 });
    expect((await restarted.listEntities({ nameContains: 'BEACH' })).map((e) => e.label)).toEqual(['beach.jpg']);
    expect(await restarted.listEntities({ nameContains: '%' })).toEqual([]);
    await restarted.close();
  });

  it('refuses invalid and duplicate names with specific errors and creates nothing', async () => {
    const app = new DamApp(await createNodePlatform({ dataDir: join(dataDir, 'names') }));
    expect(await rejectionName(app.createWorld('Bad Name'))).toBe('InvalidWorldNameError');
    expect(await rejectionName(app.createWorld('../up'))).toBe('InvalidWorldNameError');
    await app.createWorld('once');
    expect(await rejectionName(app.createWorld('once'))).toBe('WorldExistsError');
    expect((await app.listWorlds()).map((w) => w.name)).toEqual(['once']);
    expect(await rejectionName(app.openWorld('nowhere'))).toBe('WorldNotFoundError');
    await app.close();
  });

  it('reports a corrupt database, exports its raw files, deletes it, and other worlds keep working', async () => {
    const dir = join(dataDir, 'corrupt');
    const app = new DamApp(await createNodePlatform({ dataDir: dir }));
    await app.createWorld('healthy');
    await app.createWorld('broken');
    await app.openWorld('broken');
    await app.createEntity([{ component: 'FilePropertiesComponent', fields: { originalFilename: 'precious.raw' } }]);
    await app.openWorld('healthy');
    const broken = (await app.listWorlds()).find((w) => w.name === 'broken')!;
    const control = join(broken.databaseUrl, 'global', 'pg_control');
    const original = await readFile(control);
    await writeFile(control, Buffer.alloc(original.length, 0x5a));

    const error = await app.openWorld('broken').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('WorldOpenError');
    expect((error as Error).message).toContain('"broken" could not be opened');
    expect(await app.currentWorld()).toBeNull();

    const raw = await app.exportWorldRaw('broken');
    expect(raw.fileName).toMatch(/^dam-broken-raw-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = unzipSync(raw.bytes);
    expect(Object.keys(files)).toContain('PG_VERSION');
    expect(files['global/pg_control']).toEqual(new Uint8Array(original.length).fill(0x5a));

    expect((await app.openWorld('healthy')).name).toBe('healthy');
    await app.deleteWorld('broken');
    expect(existsSync(broken.databaseUrl)).toBe(false);
    expect((await app.listWorlds()).map((w) => w.name)).toEqual(['healthy']);
    await app.close();
  });
});

describe('DamApp entity input', () => {
  it('names unknown components and bad fields, and writes nothing', async () => {
    const app = new DamApp(await createNodePlatform());
    await app.createWorld('mem');
    await app.openWorld('mem');
    expect(await rejectionName(app.createEntity([{ component: 'NoSuchComponent', fields: {} }]))).toBe('UnknownComponentError');
    const bad = await app
      .createEntity([{ component: 'FilePropertiesComponent', fields: { originalFilename: 42, colour: 'red' } }])
      .catch((e: unknown) => e as Error);
    expect(bad).toMatchObject({ name: 'InvalidComponentFieldsError' });
    expect((bad as Error).message).toContain('colour is not a field');
    expect((bad as Error).message).toContain('originalFilename must be a string');
    expect(await rejectionName(app.createEntities([[{ component: 'FilePropertiesComponent', fields: { fileSizeBytes: 1.5 } }]]))).toBe(
      'InvalidComponentFieldsError',
    );
    expect((await app.worldStats()).entityCount).toBe(0);
    const ids = await app.createEntities([[], [{ component: 'FileLocationComponent', fields: { url: 'dam://blob/x#a' } }]]);
    expect(ids).toHaveLength(2);
    expect((await app.getEntity(ids[1]!))?.components.map((c) => c.name)).toEqual(['FileLocationComponent']);
    expect(await app.deleteEntity(ids[1]!)).toBe(true);
    expect(await app.getEntity(ids[1]!)).toBeNull();
    await app.close();
  });

  it('asks for an open world before entity work', async () => {
    const app = new DamApp(await createNodePlatform());
    expect(await rejectionName(app.worldStats())).toBe('NoWorldOpenError');
  });
});
