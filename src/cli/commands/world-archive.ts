import { randomUUID } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { WorldArchiveProgress } from '../../lib/api/dam-api';
import { flag, stringOption } from '../args';
import { UsageError } from '../errors';
import { formatBytes } from '../output';
import type { Progress } from '../progress';
import type { Command } from './command';

function archiveProgress(progress: Progress) {
  return (p: WorldArchiveProgress) => progress.update({ label: p.phase, unit: 'bytes', done: p.bytesDone, total: p.bytesTotal });
}

/** Streams a Blob to a file: written aside and renamed, so a failed export leaves no half archive. */
async function saveBlob(blob: Blob, path: string, progress: Progress): Promise<void> {
  const temp = `${path}.${randomUUID()}.part`;
  let written = 0;
  const counted = Readable.fromWeb(blob.stream() as NodeReadableStream<Uint8Array>).on('data', (chunk: Uint8Array) => {
    written += chunk.byteLength;
    progress.update({ label: 'writing', unit: 'bytes', done: written, total: blob.size });
  });
  try {
    await pipeline(counted, createWriteStream(temp, { flags: 'wx' }));
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

async function openArchive(path: string, given: string): Promise<Blob> {
  return openAsBlob(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'ENOENT' ? `${given}: no such file` : `${given}: ${error.message}`);
  });
}

export const exportWorld: Command = {
  name: 'export-world',
  summary: 'write a world to one archive file (database, files and checksums)',
  usage: 'dam export-world [--output FILE] [--force]',
  description:
    'The archive is a plain tar: manifest.json, the database dump and every stored file, each with its SHA-256. The default\n' +
    'FILE is dam-<world>-<date>.damworld.tar in the current directory. An existing FILE is kept unless --force.',
  options: {
    output: { type: 'string', short: 'o', value: 'FILE', description: 'where to write the archive' },
    force: { type: 'boolean', description: 'replace FILE if it exists' },
  },
  arity: { min: 0, max: 0 },
  async run({ out, args, cwd, world, session, progress: makeProgress }) {
    const output = stringOption(args, 'output');
    const s = await session();
    const name = await s.openWorld(world);
    const progress = makeProgress();
    const result = await s.app.exportWorld(archiveProgress(progress));
    const file = resolve(cwd, output ?? result.fileName);
    const present = await stat(file).then(
      () => true,
      () => false,
    );
    if (present && !flag(args, 'force')) throw new Error(`${file} exists: choose another --output, or add --force to replace it`);
    await saveBlob(result.archive, file, progress);
    progress.finish();
    const summary = { world: name, file, bytes: result.archive.size, assetCount: result.assetCount, blobCount: result.blobCount };
    out.result(summary, () => `Exported "${name}" (${result.assetCount} assets, ${formatBytes(summary.bytes)}) to ${file}`);
  },
};

export const importWorld: Command = {
  name: 'import-world',
  summary: 'make a new world from an archive written by export-world',
  usage: 'dam import-world FILE [--name NEW]',
  description:
    'Every checksum is checked before anything is written; a damaged archive changes nothing. The world is named as\nthe archive says unless --name is given.',
  options: { name: { type: 'string', value: 'NEW', description: "the new world's name" } },
  arity: { min: 1, max: 1 },
  async run({ out, args, cwd, session, progress: makeProgress }) {
    const given = args.positionals[0]!;
    const archive = await openArchive(resolve(cwd, given), given);
    const newName = stringOption(args, 'name');
    const s = await session();
    const progress = makeProgress();
    const result = await s.app.importWorld(archive, newName !== undefined ? { name: newName } : {}, archiveProgress(progress));
    progress.finish();
    const summary = { world: result.world.name, store: result.world.store, assetCount: result.assetCount, blobCount: result.blobCount };
    out.result(summary, () => `Imported ${result.assetCount} assets into the new world "${result.world.name}".`);
  },
};

export const mergeWorlds: Command = {
  name: 'merge-worlds',
  summary: 'copy the assets and tags of one world into another',
  usage: 'dam merge-worlds SOURCE TARGET',
  description:
    'New assets are copied with their metadata, tags and files; assets TARGET has already (same SHA-256) only gain the\n' +
    'manual tags they lack. Tags are matched by name. SOURCE is left as it is.',
  arity: { min: 2, max: 2 },
  async run({ out, args, session }) {
    const [source, target] = args.positionals as [string, string];
    if (source === target) throw new UsageError('A world cannot be merged into itself');
    const s = await session();
    await s.openWorld(target);
    const report = await s.app.mergeWorld({ world: source });
    await s.app.ingestIdle();
    out.result(
      { source, target, ...report },
      () =>
        `Merged "${source}" into "${target}": ${report.added} added, ${report.alreadyPresent} already there, ${report.tagLinksAdded} tag links added.`,
    );
  },
};

export const splitWorld: Command = {
  name: 'split-world',
  summary: "copy (or move) a world's assets that match a query into a new world",
  usage: "dam split-world SOURCE TARGET --query 'QUERY' [--move]",
  description: 'TARGET is made, and must not exist. With --move the assets are then deleted from SOURCE.',
  options: {
    query: { type: 'string', short: 'q', value: 'QUERY', description: 'which assets (search language)' },
    move: { type: 'boolean', description: 'remove them from SOURCE afterwards' },
  },
  arity: { min: 2, max: 2 },
  async run({ out, args, session }) {
    const [source, target] = args.positionals as [string, string];
    const query = stringOption(args, 'query');
    if (query === undefined) throw new UsageError("Say which assets to split off with --query 'QUERY'");
    const s = await session();
    await s.openWorld(source);
    const result = await s.app.splitWorld({ query, name: target, move: flag(args, 'move') });
    const { world, ...report } = result;
    out.result(
      { source, target: world.name, ...report },
      () => `${flag(args, 'move') ? 'Moved' : 'Copied'} ${report.added} assets from "${source}" into the new world "${world.name}".`,
    );
  },
};
