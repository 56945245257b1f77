import { describe, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';

const text = (s: string) => new Blob([new TextEncoder().encode(s)]);

describe('DamApp.ingestFiles', () => {
  it('adds each file on its own, reports bad ones by name, and adds nothing the second time', async () => {
    const app = new DamApp(await createNodePlatform());
    await app.createWorld('ingest');
    const files = [
      { name: 'notes.txt', path: 'drop/notes.txt', file: text('hello'), lastModified: Date.UTC(2024, 0, 1) },
      { name: 'empty.png', file: new Blob([]) },
      { name: '<img src=x onerror=alert(1)>.png', file: text('not really a png') },
    ];
    const first = await app.ingestFiles(files);
    expect(first.map((r) => [r.name, r.created, r.error === null])).toEqual([
      ['notes.txt', true, true],
      ['empty.png', false, false],
      ['<img src=x onerror=alert(1)>.png', true, true],
    ]);
    expect(first[1]!.error).toContain('empty');
    const entity = await app.getEntity(first[2]!.entityId!);
    const properties = entity?.components.find((c) => c.name === 'FilePropertiesComponent');
    expect(properties?.fields).toMatchObject({
      originalFilename: '<img src=x onerror=alert(1)>.png',
      mimeType: 'image/png',
      fileSizeBytes: 16,
    });

    const second = await app.ingestFiles(files);
    expect(second.map((r) => r.created)).toEqual([false, false, false]);
    expect(second[0]!.entityId).toBe(first[0]!.entityId);
    expect((await app.worldStats()).entityCount).toBe(2);
    await app.close();
  });
});
