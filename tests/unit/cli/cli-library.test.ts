import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssetPage, EntityView, SemanticSearchResult, VerifyReport } from '../../../src/lib/api/dam-api';
import type { DamApp } from '../../../src/lib/dam/dam-app';
import { FsBlobStore } from '../../../src/lib/storage/fs-blob-store';
import { dam, damJson, makeTempDir, md5Of, removeDataDir, sha256Of, uniqueWorldName, withDataDir } from './cli-harness';

/**
 * The `dam` binary on one library, end to end: add a folder (twice), find, search, tag,
 * report, export and import, verify. Each step spawns the real command; the assertions read its
 * `--json` answer and, where it matters, the worlds it left on disk.
 */

const MEDIA = join(import.meta.dirname, '../../fixtures/media');

interface FileOutcome {
  path: string;
  name: string;
  entityId: number | null;
  created: boolean;
  outcome: 'added' | 'duplicate' | 'unchanged' | 'failed';
  error: string | null;
}
interface AddResult {
  world: string;
  added: number;
  duplicates: number;
  unchanged: number;
  failed: number;
  files: FileOutcome[];
  processingError: string | null;
}

let dir: string;
let dataDir: string;
let library: string;
let world: string;
let env: Record<string, string>;
let run: (args: string[]) => ReturnType<typeof dam>;
let runJson: <T>(args: string[]) => ReturnType<typeof damJson<T>>;
/** Entity ids by file name, from the first add. */
const ids = new Map<string, number>();

/** What a world holds, by content: each asset's SHA-256 with its manual tags. */
async function contentsOf(app: DamApp, name: string): Promise<Record<string, string[]>> {
  await app.openWorld(name);
  const page = await app.listAssets({ limit: 500 });
  const contents: Record<string, string[]> = {};
  for (const card of page.items) {
    const detail = (await app.getAsset(card.id))!;
    contents[detail.sha256!] = (await app.entityTags(card.id)).manual
      .map((t) => `${t.name}${t.value === null ? '' : `=${t.value}`}`)
      .sort();
  }
  return contents;
}

beforeAll(async () => {
  dir = await makeTempDir('library');
  dataDir = join(dir, 'data');
  library = join(dir, 'library');
  world = uniqueWorldName('lib');
  env = { DAM_DATA_DIR: dataDir, DAM_DEFAULT_WORLD: world };
  run = (args) => dam(args, { cwd: dir, env });
  runJson = <T>(args: string[]) => damJson<T>(args, { cwd: dir, env });
  await mkdir(join(library, 'notes'), { recursive: true });
  await mkdir(join(library, 'old-notes'), { recursive: true });
  await writeFile(join(library, 'notes', 'sunset-beach.txt'), 'We watched the sun set over the ocean waves at the sandy beach.\n');
  await writeFile(
    join(library, 'notes', 'invoice-2023.txt'),
    'Invoice for consulting services rendered in March; payment due within thirty days.\n',
  );
  await writeFile(join(library, 'notes', 'shopping.txt'), 'milk, eggs, bread and butter\n');
  // The same bytes twice: one asset, two locations.
  await writeFile(join(library, 'old-notes', 'shopping-copy.txt'), 'milk, eggs, bread and butter\n');
  await copyFile(join(MEDIA, 'other.png'), join(library, 'diagram.png'));
  await writeFile(join(library, '.hidden-note.txt'), 'hidden files inside a folder are skipped\n');
}, 60_000);

afterAll(() => removeDataDir(dir, dataDir), 60_000);

describe('dam on a library', () => {
  it('adds a folder, then adding it again adds nothing and the entity count stays', async () => {
    const first = await runJson<AddResult>(['add-asset', '-r', library]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json).toMatchObject({ world, added: 4, duplicates: 1, unchanged: 0, failed: 0, processingError: null });
    expect(first.json.files.map((f) => f.name).sort()).toEqual([
      'diagram.png',
      'invoice-2023.txt',
      'shopping-copy.txt',
      'shopping.txt',
      'sunset-beach.txt',
    ]);
    for (const file of first.json.files) {
      expect(file.path).toBe(join(library, file.path.slice(library.length + 1)));
      ids.set(file.name, file.entityId!);
    }
    expect(first.json.files.find((f) => f.name === 'shopping-copy.txt')).toMatchObject({
      created: false,
      outcome: 'duplicate',
      entityId: ids.get('shopping.txt'),
    });

    const again = await runJson<AddResult>(['add-asset', '--recursive', library]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ added: 0, duplicates: 0, unchanged: 5, failed: 0 });
    expect(again.json.files.map((f) => f.entityId).sort()).toEqual(first.json.files.map((f) => f.entityId).sort());

    await withDataDir(dataDir, async (app) => {
      const stats = await app.openWorld(world);
      expect(stats.pendingWork.every((w) => w.count === 0)).toBe(true);
      expect((await app.listAssets()).total).toBe(4);
      // Metadata and thumbnails were made before the command returned.
      const png = (await app.getAsset(ids.get('diagram.png')!))!;
      expect(png.card).toMatchObject({ kind: 'image', width: 300, height: 200, hasThumbnail: true });
      expect(png.locations.map((l) => l.url)).toEqual([join(library, 'diagram.png')]);
      const shopping = (await app.getAsset(ids.get('shopping.txt')!))!;
      expect(shopping.locations.map((l) => l.url).sort()).toEqual([
        join(library, 'notes', 'shopping.txt'),
        join(library, 'old-notes', 'shopping-copy.txt'),
      ]);
    });
  });

  it('finds a file by its SHA-256 and by its MD5, and refuses a hash that is not hex', async () => {
    const sha256 = await sha256Of(join(library, 'notes', 'invoice-2023.txt'));
    const bySha = await runJson<{ found: { id: number; sha256: string; locations: { url: string }[] }[] }>(['find-file-by-hash', sha256]);
    expect(bySha.code).toBe(0);
    expect(bySha.json.found).toEqual([
      expect.objectContaining({
        id: ids.get('invoice-2023.txt'),
        sha256,
        locations: [expect.objectContaining({ url: join(library, 'notes', 'invoice-2023.txt') })],
      }),
    ]);

    const md5 = await md5Of(join(library, 'diagram.png'));
    const byMd5 = await runJson<{ found: { id: number }[] }>(['find-file-by-hash', md5.toUpperCase(), '--hash-type', 'md5']);
    expect(byMd5.json.found.map((f) => f.id)).toEqual([ids.get('diagram.png')]);

    const bad = await runJson<{ error: { name: string; message: string } }>(['find-file-by-hash', 'not-hex']);
    expect(bad.code).toBe(2);
    expect(bad.json.error.message).toMatch(/not a sha256 hash/);
  });

  it('searches by the query language and by meaning, and reports a malformed query', async () => {
    const byName = await runJson<AssetPage>(['search', 'query', 'sunset']);
    expect(byName.json.items.map((c) => c.id)).toEqual([ids.get('sunset-beach.txt')]);
    const images = await runJson<AssetPage>(['search', 'query', 'type:image']);
    expect(images.json.items.map((c) => c.id)).toEqual([ids.get('diagram.png')]);

    const meaning = await runJson<SemanticSearchResult>(['search', 'semantic', '-q', 'waves by the seaside', '-n', '3']);
    expect(meaning.code, meaning.stderr).toBe(0);
    expect(meaning.json.model).toBe('use-lite');
    expect(meaning.json.pendingEntities).toBe(0);
    expect(meaning.json.hits[0]?.asset.id).toBe(ids.get('sunset-beach.txt'));

    const malformed = await run(['search', 'query', 'type:imag']);
    expect(malformed.code).toBe(1);
    expect(malformed.stdout).toBe('');
    expect(malformed.stderr).toMatch(/"imag" is not a type: use image, .* \(at character \d+\)/);
  });

  it('shows an entity with its components, and fails on one that does not exist', async () => {
    const shown = await runJson<EntityView>(['inspect-entity', String(ids.get('invoice-2023.txt'))]);
    const component = (name: string) => shown.json.components.find((c) => c.name === name)?.fields;
    expect(component('FilePropertiesComponent')).toMatchObject({ originalFilename: 'invoice-2023.txt', mimeType: 'text/plain' });
    expect(component('ContentHashSHA256Component')).toEqual({ hashValue: await sha256Of(join(library, 'notes', 'invoice-2023.txt')) });
    expect(component('TextContentComponent')?.text).toMatch(/^Invoice for consulting/);

    const missing = await runJson<{ error: { name: string } }>(['inspect-entity', '999999']);
    expect(missing.code).toBe(1);
    expect(missing.json.error.name).toBe('EntityNotFoundError');
  });

  it('applies, lists and removes tags', async () => {
    const beach = ids.get('sunset-beach.txt')!;
    const png = ids.get('diagram.png')!;
    const applied = await runJson<{ applied: number }>(['tag', 'apply', 'holiday', String(beach), String(png)]);
    expect(applied.json.applied).toBe(2);
    expect((await runJson<{ applied: number }>(['tag', 'apply', 'rating', String(beach), '--value', '5'])).json.applied).toBe(1);
    expect((await runJson<{ removed: number }>(['tag', 'remove', 'holiday', String(png)])).json.removed).toBe(1);

    const ofBeach = await runJson<{ manual: { name: string; value: string | null }[] }>(['tag', 'list', String(beach)]);
    expect(ofBeach.json.manual.map((t) => [t.name, t.value]).sort()).toEqual([
      ['holiday', null],
      ['rating', '5'],
    ]);
    const all = await runJson<{ tags: { name: string; uses: number }[] }>(['tag', 'list']);
    expect(Object.fromEntries(all.json.tags.map((t) => [t.name, t.uses]))).toEqual({ holiday: 1, rating: 1 });
  });

  it('reports duplicates as CSV with a header row', async () => {
    const csv = await run(['report', 'duplicates', '--csv']);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trimEnd().split('\r\n');
    expect(rows[0]).toBe('kind,group,entity_id,name,size_bytes,distance,location');
    const shopping = ids.get('shopping.txt')!;
    expect(rows.slice(1).sort()).toEqual(
      [join(library, 'old-notes', 'shopping-copy.txt'), join(library, 'notes', 'shopping.txt')]
        .map((url) => `exact,1,${shopping},shopping.txt,29,,${url}`)
        .sort(),
    );
  });

  it('exports the world and imports the archive as a copy with the same content and tags', async () => {
    const archive = join(dir, 'backup.damworld.tar');
    const exported = await runJson<{ file: string; assetCount: number }>(['export-world', '--output', archive]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.json).toMatchObject({ file: archive, assetCount: 4 });
    const copy = `${world}-copy`;
    const imported = await runJson<{ world: string; assetCount: number }>(['import-world', archive, '--name', copy]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.json).toMatchObject({ world: copy, assetCount: 4 });

    await withDataDir(dataDir, async (app) => {
      const original = await contentsOf(app, world);
      expect(Object.keys(original)).toHaveLength(4);
      expect(await contentsOf(app, copy)).toEqual(original);
    });
  });

  it('verifies the stored files, and reports one whose bytes are gone', async () => {
    const ok = await runJson<VerifyReport & { ok: boolean }>(['verify']);
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, checked: 4, problems: [] });

    const sha256 = await sha256Of(join(library, 'notes', 'invoice-2023.txt'));
    await rm(new FsBlobStore(join(dataDir, 'worlds', world, 'blobs')).pathOf(sha256));
    const damaged = await runJson<VerifyReport & { ok: boolean }>(['verify']);
    expect(damaged.code).toBe(1);
    expect(damaged.json.problems).toEqual([
      { entityId: ids.get('invoice-2023.txt'), name: 'invoice-2023.txt', sha256, problem: 'missing' },
    ]);
  });
});
