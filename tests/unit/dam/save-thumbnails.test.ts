import { afterAll, beforeAll, expect, it } from 'vitest';
import { withSavepoint } from '../../../src/lib/db/savepoint';
import { ecs, type World } from '../../../src/lib/ecs';
import { ImageDimensionsComponent, ImagePerceptualPHashComponent, ThumbnailComponent } from '../../../src/lib/dam/components/media';
import { createDamWorld } from '../../../src/lib/dam/create-world';
import { BlobWriteBatch } from '../../../src/lib/dam/services/derived-blob-service';
import { saveThumbnails, type RenderedThumbnail } from '../../../src/lib/dam/services/thumbnail-service';
import { openTestDatabase } from '../helpers/test-database';

let world: World;
beforeAll(async () => {
  world = await createDamWorld({ name: 'thumbs', databaseUrl: 'memory://' }, await openTestDatabase());
});
afterAll(() => world.close());

function rendered(entityId: number, seed: number): RenderedThumbnail {
  return {
    file: { entityId, name: `p${seed}.jpg`, mimeType: 'image/jpeg', sizeBytes: 100, sha256: 'ab'.repeat(32) },
    webp: { bytes: Uint8Array.from([seed, 1, 2, 3]), width: 256, height: 171 },
    hashes: { phash: BigInt(seed), ahash: BigInt(seed + 1), dhash: BigInt(seed + 2) },
    originalSize: { width: 1600, height: 1067 },
  };
}

it('saves many thumbnails in bulk: hashes, missing dimensions only, and each thumbnail replacing the one before', async () => {
  const [withPreview, bare] = await world.transaction(async (tx) => {
    const ids = await ecs.createEntities(tx, 2);
    // The first already has the EXIF preview as its thumbnail and dimensions from its header.
    await ecs.addComponent(
      tx,
      ids[0]!,
      ThumbnailComponent.create({
        blobSha256: 'cd'.repeat(32),
        mimeType: 'image/jpeg',
        widthPixels: 160,
        heightPixels: 107,
        source: 'exif',
      }),
    );
    await ecs.addComponent(tx, ids[0]!, ImageDimensionsComponent.create({ widthPixels: 1067, heightPixels: 1600 }));
    return ids;
  });
  const batch = new BlobWriteBatch();
  await world.transaction((tx) => saveThumbnails(tx, [rendered(withPreview!, 7), rendered(bare!, 9)], batch));

  await world.transaction(async (tx) => {
    const thumbs = await Promise.all([withPreview!, bare!].map((id) => ecs.getComponents(tx, id, ThumbnailComponent)));
    expect(thumbs.map((t) => t.map((c) => [c.source, c.widthPixels]))).toEqual([[['image', 256]], [['image', 256]]]);
    expect(await ecs.getComponent(tx, withPreview!, ImageDimensionsComponent)).toMatchObject({ widthPixels: 1067, heightPixels: 1600 });
    expect(await ecs.getComponent(tx, bare!, ImageDimensionsComponent)).toMatchObject({ widthPixels: 1600, heightPixels: 1067 });
    expect((await ecs.getComponent(tx, bare!, ImagePerceptualPHashComponent))?.hashValue).toBe(9n);
  });
});

it('writes nothing when one thumbnail of the batch cannot be saved, so the caller can save them one by one', async () => {
  const [id] = await world.transaction((tx) => ecs.createEntities(tx, 1));
  const missing = 999_999;
  await world.transaction(async (tx) => {
    await expect(
      withSavepoint(tx, () => saveThumbnails(tx, [rendered(id!, 3), rendered(missing, 4)], new BlobWriteBatch())),
    ).rejects.toThrow();
    expect(await ecs.getComponent(tx, id!, ThumbnailComponent)).toBeNull();
    expect(await ecs.getComponent(tx, id!, ImagePerceptualPHashComponent)).toBeNull();
  });
});
