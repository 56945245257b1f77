import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityView, IngestFileInput } from '../../../src/lib/api/dam-api';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';

const MEDIA = join(import.meta.dirname, '../../fixtures/media');
const MODIFIED = Date.UTC(2024, 4, 1);

async function folder(prefix: string): Promise<IngestFileInput[]> {
  const names = [
    'bundle.zip',
    'clip.mp4',
    'clip.webm',
    'doc.pdf',
    'not-really.png',
    'other.png',
    'photo-resized.jpg',
    'photo.jpg',
    'tone.mp3',
    'tone.wav',
    'truncated.jpg',
  ];
  const files: IngestFileInput[] = [];
  for (const name of names) {
    files.push({ name, path: `${prefix}/${name}`, file: new Blob([await readFile(join(MEDIA, name))]), lastModified: MODIFIED });
  }
  files.push({ name: 'empty.txt', path: `${prefix}/empty.txt`, file: new Blob([]), lastModified: MODIFIED });
  return files;
}

function component(entity: EntityView | null, name: string): Record<string, unknown> | undefined {
  return entity?.components.find((c) => c.name === name)?.fields;
}

let app: DamApp;
const ids = new Map<string, number>();

beforeAll(async () => {
  app = new DamApp(await createNodePlatform());
  await app.createWorld('pipeline');
  await app.enqueueFiles(await folder('drop'));
  await app.ingestIdle();
  const status = await app.ingestStatus();
  for (const r of status.recent) if (r.entityId !== null) ids.set(r.name, r.entityId);
}, 120_000);
afterAll(() => app.close());

describe('ingest of a folder of mixed files, through the background runner', () => {
  it('reports every file, with a clear error for the empty one, and leaves no work behind', async () => {
    const status = await app.ingestStatus();
    expect(status.phase).toBe('idle');
    expect(status.error).toBeNull();
    expect(status.filesTotal).toBe(12);
    expect(status.filesDone).toBe(11);
    expect(status.filesFailed).toBe(1);
    expect(status.recent.find((r) => r.name === 'empty.txt')?.error).toMatch(/empty/);
    expect((await app.worldStats()).pendingWork.every((w) => w.count === 0)).toBe(true);
  });

  it('extracts EXIF, dimensions, an embedded and a decoded thumbnail, and perceptual hashes from a JPEG', async () => {
    const photo = await app.getEntity(ids.get('photo.jpg')!);
    expect(component(photo, 'ImageDimensionsComponent')).toEqual({ widthPixels: 640, heightPixels: 427 });
    expect(component(photo, 'ExifMetadataComponent')).toMatchObject({
      cameraMake: 'DAMCam',
      cameraModel: 'Fixture One',
      takenAt: '2023-05-17T14:32:10.000Z',
    });
    expect(component(photo, 'ExifMetadataComponent')?.gpsLatitude).toBeCloseTo(48.8584, 4);
    expect(component(photo, 'ThumbnailComponent')).toMatchObject({ mimeType: 'image/webp', widthPixels: 256, source: 'image' });
    expect(component(photo, 'ImagePerceptualPHashComponent')?.hashValue).toMatch(/^\d+$/);
    const thumbnail = await app.getThumbnail(ids.get('photo.jpg')!);
    const head = new Uint8Array(await thumbnail!.arrayBuffer()).subarray(0, 12);
    expect(new TextDecoder().decode(head.subarray(8, 12))).toBe('WEBP');
  });

  it('reads audio, video and PDF properties', async () => {
    const wav = await app.getEntity(ids.get('tone.wav')!);
    expect(component(wav, 'AudioPropertiesComponent')).toMatchObject({ sampleRate: 22050, channels: 1 });
    expect(component(wav, 'AudioPropertiesComponent')?.durationSeconds).toBeCloseTo(1.5, 2);
    const mp3 = await app.getEntity(ids.get('tone.mp3')!);
    expect(component(mp3, 'AudioPropertiesComponent')?.tags).toMatchObject({ title: 'Fixture Tone', artist: 'DAM Tests' });
    const mp4 = await app.getEntity(ids.get('clip.mp4')!);
    expect(component(mp4, 'ImageDimensionsComponent')).toEqual({ widthPixels: 160, heightPixels: 120 });
    expect(component(mp4, 'FramePropertiesComponent')).toMatchObject({ frameCount: 10, frameRate: 10 });
    const pdf = await app.getEntity(ids.get('doc.pdf')!);
    expect(component(pdf, 'DocumentPropertiesComponent')).toMatchObject({ pageCount: 2, title: 'Fixture Document' });
    expect(component(pdf, 'DocumentPropertiesComponent')?.text).toContain('Hello DAM fixture');
  });

  it("turns a zip's members into linked entities, deduplicated against loose files", async () => {
    const zipId = ids.get('bundle.zip')!;
    const zip = await app.getAsset(zipId);
    expect(zip?.memberCount).toBe(3);
    // images/photo.jpg in the zip is the same bytes as the loose photo.jpg: one entity, two places.
    const photo = await app.getAsset(ids.get('photo.jpg')!);
    expect(photo?.memberOf).toEqual([{ archiveEntityId: zipId, archiveName: 'bundle.zip', pathInArchive: 'images/photo.jpg' }]);
    expect(photo?.locations.map((l) => l.url).sort()).toEqual(['drop/bundle.zip!/images/photo.jpg', 'drop/photo.jpg']);
    const readme = (await app.listAssets({ nameContains: 'readme.txt' })).items[0]!;
    const detail = await app.getAsset(readme.id);
    expect(detail?.memberOf[0]?.pathInArchive).toBe('notes/readme.txt');
    expect(component(detail!.entity, 'ArchiveMemberComponent')).toMatchObject({
      archiveEntityId: zipId,
      fileSizeBytes: 17,
      modifiedAt: '2022-01-02T03:04:06.000Z',
    });
    expect(await (await app.getOriginal(readme.id))!.blob.text()).toBe('hello from a zip\n');
  });

  it('keeps a truncated JPEG with a clear processing error', async () => {
    const card = (await app.getAsset(ids.get('truncated.jpg')!))!.card;
    expect(card.error).toMatch(/thumbnail: .*(truncated|corrupt)/i);
  });

  it('finds the resized copy as similar, and unrelated images not', async () => {
    const similar = await app.findSimilarImages(ids.get('photo.jpg')!, { threshold: 8 });
    // photo-resized.jpg and not-really.png are the same bytes: one entity, named as first seen.
    expect(ids.get('photo-resized.jpg')).toBe(ids.get('not-really.png'));
    expect(similar.map((s) => s.id)).toContain(ids.get('photo-resized.jpg'));
    expect(similar.map((s) => s.id)).not.toContain(ids.get('other.png'));
    expect(similar.every((s) => s.id !== ids.get('photo.jpg'))).toBe(true);
  });

  it('lists the library by kind and sorts by name', async () => {
    const images = await app.listAssets({ kind: 'image', sort: 'name' });
    expect(images.items.map((c) => c.name)).toEqual(['not-really.png', 'other.png', 'photo.jpg', 'truncated.jpg']);
    expect((await app.listAssets({ kind: 'archive' })).total).toBe(1);
    expect((await app.listAssets()).total).toBe((await app.worldStats()).entityCount);
  });

  it('adds nothing when the same folder is dropped again', async () => {
    const before = (await app.worldStats()).entityCount;
    await app.enqueueFiles(await folder('drop'));
    await app.ingestIdle();
    expect((await app.worldStats()).entityCount).toBe(before);
    await app.enqueueFiles(await folder('elsewhere'));
    await app.ingestIdle();
    expect((await app.worldStats()).entityCount).toBe(before);
    const photo = await app.getAsset(ids.get('photo.jpg')!);
    expect(photo?.locations).toHaveLength(3);
  });

  it('reports exact and near duplicates, and deleting drops bytes no one else needs', async () => {
    const report = await app.duplicateReport({ threshold: 8 });
    expect(report.exact.map((d) => d.entityId)).toContain(ids.get('photo.jpg'));
    const group = report.near.find((g) => g.members.some((m) => m.id === ids.get('photo.jpg')));
    expect(group?.members[0]?.id).toBe(ids.get('photo.jpg'));
    expect(group?.members.map((m) => m.id)).toContain(ids.get('photo-resized.jpg'));

    const otherId = ids.get('other.png')!;
    expect(await app.deleteAsset(otherId)).toEqual({ deleted: true, blobRemoved: true });
    expect(await app.getAsset(otherId)).toBeNull();
    const verify = await app.verifyBlobs();
    expect(verify.problems).toEqual([]);
    expect(verify.checked).toBe((await app.listAssets()).total);
  });

  it('takes a source whose path and modification time are recorded as unchanged, without reading it', async () => {
    const before = (await app.worldStats()).entityCount;
    // Other bytes under a recorded path and time: the seed's rule says "the same file", so
    // these bytes are never read (reading them would make a new entity).
    const stale = { name: 'tone.wav', path: 'drop/tone.wav', file: new Blob(['changed, but not by mtime']), lastModified: MODIFIED };
    await app.clearIngestResults();
    await app.enqueueFiles([stale]);
    await app.ingestIdle();
    expect((await app.worldStats()).entityCount).toBe(before);
    expect((await app.ingestStatus()).recent.map((r) => [r.entityId, r.created])).toEqual([[ids.get('tone.wav'), false]]);
    // A newer modification time reads the file again.
    await app.enqueueFiles([{ ...stale, lastModified: MODIFIED + 60_000 }]);
    await app.ingestIdle();
    expect((await app.worldStats()).entityCount).toBe(before + 1);
  });
});
