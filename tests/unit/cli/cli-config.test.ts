import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../../src/lib/api/dam-api';
import { FsBlobStore } from '../../../src/lib/storage/fs-blob-store';
import { dam, damJson, makeTempDir, removeDataDir, sha256Of, uniqueWorldName, withDataDir } from './cli-harness';

/**
 * The `dam` binary's configuration (file and environment), its usage errors, world management
 * and `add-asset --no-copy`, each through the real executable.
 */

const MEDIA = join(import.meta.dirname, '../../fixtures/media');
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('config');
});

afterAll(() => removeDataDir(dir, join(dir, 'data')), 60_000);

describe('configuration', () => {
  it('takes worlds from dam.toml, with environment variables winning over the file', async () => {
    const project = join(dir, 'project');
    const world = uniqueWorldName('shots');
    await mkdir(project, { recursive: true });
    await writeFile(
      join(project, 'dam.toml'),
      [
        'data_dir = "./data-from-file"',
        `default_world = "${world}"`,
        `[worlds.${world}]`,
        `database_url = "./${world}-db"`,
        'blob_root = "./blobs-from-file"',
        '',
      ].join('\n'),
    );
    await writeFile(join(project, 'note.txt'), 'a note kept in a configured world\n');
    const env = {
      DAM_DATA_DIR: join(dir, 'data'),
      [`DAM_WORLD_${world.toUpperCase().replaceAll('-', '_')}_BLOB_ROOT`]: join(dir, 'blobs-from-env'),
    };

    const added = await damJson<{ world: string; added: number }>(['add-asset', 'note.txt'], { cwd: project, env });
    expect(added.code, added.stderr).toBe(0);
    expect(added.json).toMatchObject({ world, added: 1 });

    const listed = await damJson<{ dataDir: string; defaultWorld: string; worlds: Record<string, unknown>[] }>(['list-worlds'], {
      cwd: project,
      env,
    });
    expect(listed.json.dataDir).toBe(join(dir, 'data'));
    expect(listed.json.defaultWorld).toBe(world);
    expect(listed.json.worlds).toEqual([
      expect.objectContaining({
        name: world,
        store: 'directory',
        databaseUrl: join(project, `${world}-db`),
        blobRoot: join(dir, 'blobs-from-env'),
        default: true,
        configured: true,
      }),
    ]);
    // The database where the file says (relative to it), the bytes where the environment says.
    expect(await exists(join(project, `${world}-db`, 'PG_VERSION'))).toBe(true);
    const sha256 = await sha256Of(join(project, 'note.txt'));
    expect(await exists(new FsBlobStore(join(dir, 'blobs-from-env')).pathOf(sha256))).toBe(true);
    expect(await exists(join(project, 'data-from-file'))).toBe(false);
  });

  it('refuses a configuration it cannot use with exit code 2 and says why', async () => {
    const cases: [string, RegExp][] = [
      ['data_dir = [', /not valid TOML/],
      ['colour = "blue"', /unknown setting "colour"/],
      ['[worlds."Holiday Photos"]\ndatabase_url = "/tmp/x"', /"Holiday Photos" is not a valid world name/],
      ['[worlds.photos]\ndatabase_url = "memory://"', /must be a postgres:\/\/ URL or a directory/],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const file = join(dir, `bad-${i}.toml`);
      await writeFile(file, `${text}\n`);
      const result = await damJson<{ error: { name: string; message: string } }>(['list-worlds', '--config', file], { cwd: dir });
      expect(result.code, text).toBe(2);
      expect(result.json.error).toMatchObject({ name: 'ConfigError', message: expect.stringMatching(message) });
      expect(result.stderr).toMatch(message);
    }
  });
});

describe('usage', () => {
  it('answers an unknown command, a missing argument and --help', async () => {
    const unknown = await dam(['frobnicate'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"[\s\S]*Usage: dam COMMAND/);

    const unknownJson = await damJson<{ error: { name: string } }>(['tag', 'paint'], { cwd: dir });
    expect(unknownJson.code).toBe(2);
    expect(unknownJson.json.error.name).toBe('UsageError');

    const missing = await dam(['inspect-entity'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Usage: dam inspect-entity ID/);

    const help = await dam(['--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/add-asset[\s\S]*search semantic[\s\S]*report duplicates/);
    const commandHelp = await dam(['add-asset', '--help'], { cwd: dir });
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toMatch(/Usage: dam add-asset PATH\.\.\. .*--no-copy/);
  });
});

describe('worlds and --no-copy', () => {
  const env = () => ({ DAM_DATA_DIR: join(dir, 'data') });

  it('creates a world, and deletes it only when told --yes', async () => {
    const world = uniqueWorldName('scratch');
    const created = await damJson<{ world: { name: string } }>(['create-world', world], { cwd: dir, env: env() });
    expect(created.code, created.stderr).toBe(0);
    expect(created.json.world.name).toBe(world);

    expect((await dam(['delete-world', world], { cwd: dir, env: env() })).code).toBe(2);
    const deleted = await damJson(['delete-world', world, '--yes'], { cwd: dir, env: env() });
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.json).toEqual({ deleted: world });
    await withDataDir(join(dir, 'data'), async (app) => expect((await app.listWorlds()).map((w) => w.name)).not.toContain(world));
    expect(await exists(join(dir, 'data', 'worlds', world))).toBe(false);
  });

  it('--no-copy keeps the originals where they are, and verify notices when one changes; a picture finds its look-alike', async () => {
    const world = uniqueWorldName('refs');
    const originals = join(dir, 'originals');
    await mkdir(originals, { recursive: true });
    await copyFile(join(MEDIA, 'photo.jpg'), join(originals, 'photo.jpg'));
    await writeFile(join(originals, 'letter.txt'), 'Dear reader, these bytes stay where they are.\n');
    // The world is the default one here, so add-asset makes it on first use.
    const run = (args: string[]) =>
      damJson<VerifyReport & { added: number; ok: boolean }>(args, { cwd: dir, env: { ...env(), DAM_DEFAULT_WORLD: world } });

    const added = await run(['add-asset', '-r', originals, '--no-copy']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.json.added).toBe(2);

    const blobs = new FsBlobStore(join(dir, 'data', 'worlds', world, 'blobs'));
    const photo = await sha256Of(join(originals, 'photo.jpg'));
    const letter = await sha256Of(join(originals, 'letter.txt'));
    for (const sha256 of [photo, letter]) {
      expect(await exists(blobs.pathOf(sha256))).toBe(false);
      expect(await exists(blobs.referencePathOf(sha256))).toBe(true);
    }
    expect((await run(['verify', '--world', world])).json).toMatchObject({ ok: true, checked: 2, problems: [] });
    await withDataDir(join(dir, 'data'), async (app) => {
      await app.openWorld(world);
      const id = (await app.listAssets({ search: 'type:image' })).items[0]!.id;
      // The thumbnail (a blob of its own) was made from the original, which reads back whole.
      expect(await app.getThumbnail(id)).not.toBeNull();
      const original = await app.getOriginal(id);
      expect(Buffer.from(await original!.blob.arrayBuffer()).equals(await readFile(join(originals, 'photo.jpg')))).toBe(true);
    });

    // A resized copy that is not in the library is found like its original, by perceptual hashes.
    const similar = await damJson<{ inLibrary: number | null; method: string; matches: { name: string; distance: number }[] }>(
      ['find-similar-images', join(MEDIA, 'photo-resized.jpg'), '--threshold', '10'],
      { cwd: dir, env: { ...env(), DAM_DEFAULT_WORLD: world } },
    );
    expect(similar.json).toMatchObject({
      inLibrary: null,
      method: 'perceptual-hash',
      matches: [expect.objectContaining({ name: 'photo.jpg' })],
    });
    expect(similar.json.matches[0]!.distance).toBeLessThanOrEqual(10);

    await writeFile(join(originals, 'letter.txt'), 'Someone edited the letter.\n');
    const damaged = await run(['verify', '--world', world]);
    expect(damaged.code).toBe(1);
    expect(damaged.json.problems).toEqual([expect.objectContaining({ name: 'letter.txt', sha256: letter, problem: 'missing' })]);
    await rm(originals, { recursive: true });
  });
});
