import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';
import { FsBlobStore } from '../../../src/lib/storage/fs-blob-store';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

it('verify re-hashes every stored original and names the ones whose bytes changed or vanished', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'dam-verify-'));
  dirs.push(dataDir);
  const app = new DamApp(await createNodePlatform({ dataDir }));
  await app.createWorld('verify');
  const results = await app.ingestFiles(
    ['intact', 'rotten', 'vanished'].map((name) => ({ name: `${name}.txt`, file: new Blob([`${name} bytes`]) })),
  );
  const [intact, rotten, vanished] = await Promise.all(results.map((r) => app.getAsset(r.entityId!)));
  const store = new FsBlobStore(join(dataDir, 'worlds', 'verify', 'blobs'));
  await writeFile(store.pathOf(rotten!.sha256!), 'bit rot');
  await store.delete(vanished!.sha256!);

  const report = await app.verifyBlobs();
  expect(report.checked).toBe(3);
  expect(report.problems).toEqual([
    { entityId: rotten!.card.id, name: 'rotten.txt', sha256: rotten!.sha256, problem: 'mismatch' },
    { entityId: vanished!.card.id, name: 'vanished.txt', sha256: vanished!.sha256, problem: 'missing' },
  ]);
  expect(report.problems.some((p) => p.entityId === intact!.card.id)).toBe(false);
  await app.close();
});
