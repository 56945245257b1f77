import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { IngestFileInput, IngestFileResult, IngestStatus } from '../../lib/api/dam-api';
import { flag } from '../args';
import type { CliDamApp } from '../cli-app';
import { EXIT_FAILURE } from '../errors';
import { findFiles, type FoundFile } from '../file-walk';
import type { Progress } from '../progress';
import type { Command } from './command';

/**
 * Files handed to the ingest at a time. The status keeps the last 200 outcomes, so a chunk of
 * 100 is read back whole; the next chunk goes in once this one is recorded, which also bounds
 * the Blobs held open.
 */
const CHUNK_FILES = 100;
/** How often the status is read for the progress display (not for correctness). */
const POLL_MS = 100;

type Outcome = 'added' | 'duplicate' | 'unchanged' | 'failed';

export interface FileOutcome {
  readonly path: string;
  readonly name: string;
  readonly entityId: number | null;
  /** True when this file's bytes made a new entity. */
  readonly created: boolean;
  /** `duplicate`: the bytes were already in the library; `unchanged`: this path and time were, so it was not read. */
  readonly outcome: Outcome;
  readonly error: string | null;
}

export const addAsset: Command = {
  name: 'add-asset',
  summary: 'add files (and, with -r, folders) to a world',
  usage: 'dam add-asset PATH... [-r|--recursive] [--include-hidden] [--no-copy]',
  description:
    'Each file is hashed and stored once (the same bytes twice make one asset with two locations); a file whose path and\n' +
    'modification time are known already is not read again. Metadata, thumbnails and text embeddings are made before the\n' +
    'command returns. Inside folders, hidden files and folders (names starting with ".") are skipped unless --include-hidden.\n' +
    "--no-copy leaves the bytes where they are: the world records the file's path, so moving or changing it breaks the\n" +
    'asset (dam verify reports it).',
  options: {
    recursive: { type: 'boolean', short: 'r', description: 'add the files under directories' },
    'include-hidden': { type: 'boolean', description: 'also add hidden files inside directories' },
    'no-copy': { type: 'boolean', description: 'reference the files where they are instead of copying them' },
  },
  arity: { min: 1, max: Infinity },
  async run(context) {
    const { out, args, cwd } = context;
    const { files, skipped } = await findFiles(args.positionals, {
      recursive: flag(args, 'recursive'),
      includeHidden: flag(args, 'include-hidden'),
      cwd,
    });
    for (const s of skipped) out.warn(`skipped ${s.path}: ${s.reason}`);
    const session = await context.session({ noCopy: flag(args, 'no-copy') });
    const world = await session.openWorld(context.world);
    const app = session.app;
    const progress = context.progress();

    const outcomes: FileOutcome[] = [];
    let failedBefore = 0;
    for (let start = 0; start < files.length && !context.interrupted(); start += CHUNK_FILES) {
      const chunk = files.slice(start, start + CHUNK_FILES);
      const done = outcomes.length;
      const results = await ingestChunk(app, chunk, (status) =>
        progress.update({
          label: 'adding',
          unit: 'files',
          done: done + status.filesDone + status.filesFailed,
          total: files.length,
          failed: failedBefore + status.filesFailed,
          detail: status.currentFile,
        }),
      );
      outcomes.push(...results);
      failedBefore += results.filter((o) => o.outcome === 'failed').length;
    }
    const cancelled = files.slice(outcomes.length).map((f): FileOutcome => ({
      path: f.path,
      name: basename(f.path),
      entityId: null,
      created: false,
      outcome: 'failed',
      error: 'Cancelled',
    }));
    outcomes.push(...cancelled);

    // Metadata, thumbnails, embeddings: the world is ready to search when the command returns.
    // After Ctrl-C they are left for the next time the world opens.
    if (!context.interrupted()) await waitForProcessing(app, progress);
    progress.finish();
    const status = await app.ingestStatus();
    const pending = status.pendingWork.filter((w) => w.count > 0);

    const count = (outcome: Outcome) => outcomes.filter((o) => o.outcome === outcome).length;
    const summary = {
      world,
      added: count('added'),
      duplicates: count('duplicate'),
      unchanged: count('unchanged'),
      failed: count('failed'),
      files: outcomes,
      processingError: status.error,
      pendingWork: pending,
    };
    if (status.error) out.warn(status.error);
    out.result(summary, () => [
      ...outcomes.filter((o) => o.error !== null).map((o) => `failed: ${o.path}: ${o.error}`),
      `${summary.added} added, ${summary.duplicates} already in the library (same bytes), ${summary.unchanged} unchanged, ` +
        `${summary.failed} failed (world "${world}")`,
    ]);
    return summary.failed > 0 || status.error ? EXIT_FAILURE : 0;
  },
};

/** Hands one chunk to the ingest, waits until each of its files has an outcome, and pairs them up. */
async function ingestChunk(app: CliDamApp, chunk: readonly FoundFile[], onStatus: (status: IngestStatus) => void): Promise<FileOutcome[]> {
  const inputs: IngestFileInput[] = [];
  for (const file of chunk) {
    inputs.push({ name: basename(file.path), path: file.path, file: await openAsBlob(file.path), lastModified: Math.floor(file.mtimeMs) });
  }
  const unchanged = await app.unchangedFiles(inputs);
  await app.enqueueFiles(inputs);
  let status = await app.ingestStatus();
  while (status.filesDone + status.filesFailed < status.filesTotal) {
    onStatus(status);
    // The loop stopped on an error and will not finish these files.
    if (status.error && status.phase === 'idle') throw new Error(status.error);
    await delay(POLL_MS);
    status = await app.ingestStatus();
  }
  onStatus(status);
  return pairOutcomes(inputs, status.recent, unchanged);
}

/**
 * The outcomes come back in queue order, named by file name; names repeat across folders, so
 * each outcome goes to the first input of its name still waiting.
 */
function pairOutcomes(
  inputs: readonly IngestFileInput[],
  results: readonly IngestFileResult[],
  unchanged: ReadonlySet<number>,
): FileOutcome[] {
  const waiting = new Map<string, number[]>();
  inputs.forEach((input, i) => waiting.set(input.name, [...(waiting.get(input.name) ?? []), i]));
  const byInput = new Map<number, IngestFileResult>();
  for (const result of results) {
    const i = waiting.get(result.name)?.shift();
    if (i !== undefined) byInput.set(i, result);
  }
  return inputs.map((input, i): FileOutcome => {
    const result = byInput.get(i);
    const path = input.path!;
    if (!result) return { path, name: input.name, entityId: null, created: false, outcome: 'failed', error: 'Cancelled' };
    const outcome: Outcome = result.error !== null ? 'failed' : result.created ? 'added' : unchanged.has(i) ? 'unchanged' : 'duplicate';
    return { path, name: input.name, entityId: result.entityId, created: result.created, outcome, error: result.error };
  });
}

/** Waits for the background stages, showing how much marked work is left. */
async function waitForProcessing(app: CliDamApp, progress: Progress): Promise<void> {
  let finished = false;
  const idle = app.ingestIdle().finally(() => (finished = true));
  let most = 0;
  while (!finished) {
    const left = (await app.ingestStatus()).pendingWork.reduce((sum, w) => sum + w.count, 0);
    most = Math.max(most, left);
    if (most > 0) progress.update({ label: 'processing', unit: 'steps', done: most - left, total: most });
    await Promise.race([idle, delay(POLL_MS)]);
  }
  await idle;
  if (most > 0) progress.update({ label: 'processing', unit: 'steps', done: most, total: most });
}
