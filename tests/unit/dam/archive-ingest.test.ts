import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { readZipDirectory, readZipEntry } from '../../../src/lib/dam/media/zip-reader';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';

const text = (s: string) => new TextEncoder().encode(s);
const MTIME = new Date(Date.UTC(2021, 5, 7, 8, 9, 10));

let app: DamApp;
beforeAll(async () => {
  app = new DamApp(await createNodePlatform());
  await app.createWorld('archives');
}, 60_000);
afterAll(() => app.close());

describe('zip archives', () => {
  it('reads the directory (paths, sizes, times) and inflates members as a stream', async () => {
    const zip = zipSync({
      'a/b.txt': [text('deflated '.repeat(100)), { mtime: MTIME }],
      'c.bin': [new Uint8Array([1, 2, 3]), { level: 0, mtime: MTIME }],
    });
    const blob = new Blob([zip]);
    const entries = await readZipDirectory(blob);
    expect(entries.map((e) => [e.path, e.size, e.method, e.modifiedAt?.toISOString()])).toEqual([
      ['a/b.txt', 900, 8, MTIME.toISOString()],
      ['c.bin', 3, 0, MTIME.toISOString()],
    ]);
    expect(await (await readZipEntry(blob, entries[0]!, 1e9)).text()).toBe('deflated '.repeat(100));
    expect(new Uint8Array(await (await readZipEntry(blob, entries[1]!, 1e9)).arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    await expect(readZipEntry(blob, entries[0]!, 10)).rejects.toThrow(/too large/);
  });

  it('adds a nested zip and its members, keeps hostile paths as data, and reports a broken archive', async () => {
    const inner = zipSync({ 'deep.txt': text('inside the inner zip') });
    const outer = zipSync({ '../escape.txt': text('a path that climbs out'), 'inner.zip': inner });
    const broken = zipSync({ 'x.txt': text('this archive will be cut short') }).slice(0, 40);
    await app.ingestFiles([
      { name: 'outer.zip', file: new Blob([outer]) },
      { name: 'broken.zip', file: new Blob([new Uint8Array([0x50, 0x4b, 0x03, 0x04]), broken]) },
    ]);
    await app.processPending();
    const names = (await app.listAssets({ sort: 'name', limit: 100 })).items.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['outer.zip', 'inner.zip', 'deep.txt', 'escape.txt', 'broken.zip']));
    const escape = (await app.listAssets({ nameContains: 'escape' })).items[0]!;
    expect((await app.getAsset(escape.id))?.memberOf[0]?.pathInArchive).toBe('../escape.txt');
    const deep = (await app.listAssets({ nameContains: 'deep.txt' })).items[0]!;
    expect((await app.getAsset(deep.id))?.memberOf[0]?.archiveName).toBe('inner.zip');
    const brokenCard = (await app.listAssets({ nameContains: 'broken' })).items[0]!;
    expect(brokenCard.error).toMatch(/archive: .*(not a readable zip|truncated|damaged)/i);
    expect((await app.worldStats()).pendingWork.every((w) => w.count === 0)).toBe(true);
  });
});

describe('the background ingest', () => {
  it('cancelling keeps the finished files and drops the queue', async () => {
    const files = Array.from({ length: 100 }, (_, i) => ({ name: `c-${i}.txt`, file: new Blob([text(`cancel test ${i}`)]) }));
    await app.enqueueFiles(files);
    await app.cancelIngest();
    await app.ingestIdle();
    const status = await app.ingestStatus();
    const added = (await app.listAssets({ nameContains: 'c-', limit: 500 })).items.filter((c) => c.name?.startsWith('c-'));
    expect(status.filesTotal).toBe(status.filesDone + status.filesFailed);
    expect(added.length).toBe(status.filesDone);
    expect(added.length).toBeLessThan(100);
  });
});
