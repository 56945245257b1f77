import type { IngestFileResult } from '../../api/dam-api';
import { Stage, type World } from '../../ecs';
import type { BlobStore } from '../../storage/blob-store';
import type { IngestQueue, QueuedFile } from '../../storage/ingest-queue';
import {
  blobEntryOf,
  findEntityBySha256,
  EmptyFileError,
  findUnchangedLocations,
  recordFile,
  recordFiles,
  storeHashedFiles,
  type HashedFile,
  type PreparedFile,
} from '../services/ingest-service';
import { toHex } from '../services/hash-service';
import { FileDigester, InThreadFileDigester } from './file-digester';
import { describeIngestError, isStorageFullError } from './ingest-errors';
import { refreshSearchStatistics, vacuumAfterChurn } from '../services/search-maintenance';

/** About what one round of the stages takes off its markers. */
const ENTITIES_PER_STAGE_ROUND = 64;
import { IngestProgress } from './ingest-progress';

interface DigestedBatch {
  readonly batch: readonly QueuedFile[];
  readonly hashed: { item: QueuedFile; file: HashedFile }[];
  readonly outcomes: Map<number, IngestFileResult>;
}

function failure(item: { readonly name: string }, error: unknown): IngestFileResult {
  return { name: item.name, entityId: null, created: false, error: describeIngestError(error) };
}

function success(item: QueuedFile, entityId: number, created: boolean): IngestFileResult {
  return { name: item.name, entityId, created, error: null };
}

export interface IngestRunnerOptions {
  /** Files recorded per transaction: one commit per batch, not per file. */
  readonly batchFiles?: number;
  readonly batchBytes?: number;
  /** Files between two vacuums of a long ingest where the database runs no autovacuum. */
  readonly vacuumEveryFiles?: number;
}

/**
 * The background ingest of one open world: takes files from the queue in batches, hashes and
 * stores each, records a batch in one transaction (falling back to one transaction per file
 * when a batch fails, so one bad file never costs the others), then runs the cheap stages
 * (archive members, metadata) so the library is browsable and searchable at once. Thumbnails
 * and the rest run when the queue is empty, while the user already browses.
 */
export class IngestRunner {
  readonly progress = new IngestProgress();
  private running: Promise<void> | null = null;
  private cancelled = false;
  private kickAgain = false;
  private closed = false;
  private churnSinceVacuum = 0;
  private readonly batchFiles: number;
  private readonly batchBytes: number;
  private readonly vacuumEveryFiles: number;

  constructor(
    private readonly world: World,
    private readonly blobs: BlobStore,
    private readonly queue: IngestQueue,
    options: IngestRunnerOptions = {},
  ) {
    this.batchFiles = options.batchFiles ?? 64;
    this.batchBytes = options.batchBytes ?? 64 * 1024 * 1024;
    // 4,000 kept a 14k-file ingest on PGlite at ~340 files/s, where it fell to ~250 without.
    this.vacuumEveryFiles = options.vacuumEveryFiles ?? 4000;
  }

  async enqueue(files: readonly Omit<QueuedFile, 'id'>[]): Promise<void> {
    // The media workers load their code while the files are written to the queue.
    this.digester().warm();
    this.progress.queued(
      files.length,
      files.reduce((sum, f) => sum + f.file.size, 0),
    );
    try {
      await this.queue.add(files);
    } catch (error) {
      if (!isStorageFullError(error)) {
        this.progress.dropped(
          files.length,
          files.reduce((sum, f) => sum + f.file.size, 0),
        );
        throw error;
      }
      // The queue keeps its own copy of each file: with storage nearly full, queue them one by
      // one and report those that do not fit, instead of refusing the whole drop.
      for (const file of files) {
        try {
          await this.queue.add([file]);
        } catch (inner) {
          this.progress.finished(failure(file, inner), file.file.size);
        }
      }
    }
    this.kick();
  }

  /** Starts the loop unless it runs; also picks up a queue or markers left by a reload. */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      // The loop may be past its last look at the queue: go round once more when it ends.
      this.kickAgain = true;
      return;
    }
    // Busy from the first moment, so a status read before the queue is opened is not "idle".
    this.progress.phase = 'processing';
    this.running = this.loop()
      .catch((error: unknown) => {
        this.progress.error = `Background processing stopped: ${error instanceof Error ? error.message : String(error)}`;
      })
      .finally(() => {
        this.running = null;
        if (this.kickAgain) {
          this.kickAgain = false;
          this.kick();
        }
      });
  }

  /** Resolves when the queue is empty and no background work is left (tests, CLI). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops after the current file; what is finished stays, the rest of the queue is dropped. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    if (!this.running) await this.dropQueue();
  }

  private async dropQueue(): Promise<void> {
    this.cancelled = false;
    const left = await this.queue.size();
    await this.queue.clear();
    this.progress.dropped(left.files, left.bytes);
  }

  /** Stops after the current step; the queue stays for the next open. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running?.catch(() => undefined);
    this.queue.close();
  }

  private async loop(): Promise<void> {
    this.progress.error = null;
    const left = await this.queue.size();
    if (left.files > 0 && this.progress.filesTotal === 0) this.progress.queued(left.files, left.bytes);
    // The next batch is digested (in the media workers) while this one is stored and recorded.
    let next: Promise<DigestedBatch | null> | null = null;
    let worked = false;
    try {
      while (!this.closed) {
        if (this.cancelled) {
          await next?.catch(() => null);
          next = null;
          await this.dropQueue();
        }
        const current = await (next ?? this.digestNextBatch());
        next = null;
        if (current) {
          this.progress.phase = 'adding';
          next = this.digestNextBatch(current.batch.at(-1)!.id);
          // Settled now, so a failure of the prefetch surfaces when it is awaited, not as unhandled.
          next.catch(() => undefined);
          await this.finishBatch(current);
          await this.world.executeStage(Stage.AssetIngestion);
          await this.world.executeStage(Stage.MetadataExtraction);
          worked = true;
          await this.vacuumAfter(current.batch.length);
          continue;
        }
        this.progress.currentFile = null;
        this.progress.pendingWork = (await this.world.pendingWork()).filter((w) => w.count > 0);
        if (this.progress.pendingWork.length === 0) break;
        this.progress.phase = 'processing';
        const ran = await this.world.executeStages();
        if (ran.length === 0) break;
        worked = true;
        await this.vacuumAfter(ENTITIES_PER_STAGE_ROUND);
      }
      // Searches count tags from the indexes once the tables are vacuumed (PGlite has no autovacuum).
      if (worked && !this.closed) await refreshSearchStatistics(this.world.db);
    } finally {
      await next?.catch(() => null);
      this.progress.phase = 'idle';
      this.progress.currentFile = null;
      this.progress.pendingWork = this.closed ? [] : (await this.world.pendingWork().catch(() => [])).filter((w) => w.count > 0);
    }
  }

  /** Counts work done since the last vacuum, and vacuums when enough dead rows have piled up. */
  private async vacuumAfter(entities: number): Promise<void> {
    this.churnSinceVacuum += entities;
    if (this.churnSinceVacuum < this.vacuumEveryFiles || this.closed) return;
    this.churnSinceVacuum = 0;
    await vacuumAfterChurn(this.world.db);
  }

  private digester(): FileDigester {
    return this.world.resources.has(FileDigester) ? this.world.resources.get(FileDigester) : new InThreadFileDigester();
  }

  /**
   * Reads the next batch from the queue and digests its files, several at once (a pool of
   * digest workers keeps every core busy). Null when the queue holds nothing after `afterId`.
   */
  private async digestNextBatch(afterId?: number): Promise<DigestedBatch | null> {
    const batch = await this.queue.peek(this.batchFiles, this.batchBytes, afterId);
    if (batch.length === 0) return null;
    const hashed: { item: QueuedFile; file: HashedFile }[] = [];
    const outcomes = new Map<number, IngestFileResult>();
    const sources = batch.map((item) => ({
      name: item.name,
      path: item.path,
      blob: item.file,
      modifiedAt: item.lastModified !== undefined ? new Date(item.lastModified) : null,
      ...(item.storageRef !== undefined && { storageRef: item.storageRef }),
    }));
    const unchanged = await findUnchangedLocations(this.world.db, sources);
    const toDigest: number[] = [];
    batch.forEach((item, i) => {
      const known = unchanged.get(i);
      if (known !== undefined) outcomes.set(item.id, success(item, known, false));
      // Here, not in a worker: an error from a worker arrives as a plain Error.
      else if (item.file.size === 0) outcomes.set(item.id, failure(item, new EmptyFileError()));
      else toDigest.push(i);
    });
    if (toDigest.length === 0 || this.cancelled || this.closed) return { batch, hashed, outcomes };
    this.progress.currentFile = batch[toDigest[0]!]!.name;
    const digests = await this.digester().digestMany(toDigest.map((i) => ({ blob: sources[i]!.blob, name: sources[i]!.name })));
    digests.forEach((result, k) => {
      const i = toDigest[k]!;
      const item = batch[i]!;
      if (result.status === 'rejected') outcomes.set(item.id, failure(item, result.reason));
      else hashed.push({ item, file: { ...result.value, source: sources[i]!, sha256: toHex(result.value.hashes.sha256) } });
    });
    return { batch, hashed, outcomes };
  }

  /** Stores the batch's new bytes, records its files, and takes those with an outcome off the queue. */
  private async finishBatch({ batch, hashed, outcomes }: DigestedBatch): Promise<void> {
    // The batch's new bytes go into the blob store in one transaction, before any row.
    const { prepared, failures } = await storeHashedFiles(
      this.blobs,
      hashed.map((h) => h.file),
    );
    const ready: { item: QueuedFile; file: PreparedFile }[] = [];
    hashed.forEach(({ item }, i) => {
      const file = prepared[i];
      if (file) ready.push({ item, file });
      else outcomes.set(item.id, failure(item, failures.get(i)));
    });
    await this.recordAll(ready, outcomes);
    // Only files with an outcome leave the queue; a cancel or close keeps the rest.
    const done = batch.filter((item) => outcomes.has(item.id));
    await this.queue.remove(done.map((item) => item.id));
    for (const item of done) this.progress.finished(outcomes.get(item.id)!, item.file.size);
  }

  private async recordAll(prepared: readonly { item: QueuedFile; file: PreparedFile }[], outcomes: Map<number, IngestFileResult>) {
    if (prepared.length === 0) return;
    const now = new Date();
    try {
      const results = await this.world.transaction((tx) =>
        recordFiles(
          tx,
          prepared.map((p) => p.file),
          now,
        ),
      );
      results.forEach((r, i) => {
        const { item } = prepared[i]!;
        outcomes.set(item.id, success(item, r.entityId, r.created));
      });
    } catch {
      // The batch rolled back. Drop the bytes it wrote (nothing references them now, and with
      // storage full they may be what filled it), then find the file that broke the batch:
      // each on its own, so the others still go in.
      await this.dropWrittenBlobs(prepared.map((p) => p.file));
      for (const { item, file } of prepared) {
        try {
          if (file.wroteBlob) await this.blobs.putMany([blobEntryOf(file)]);
          const r = await this.world.transaction((tx) => recordFile(tx, file, now));
          outcomes.set(item.id, success(item, r.entityId, r.created));
        } catch (error) {
          await this.dropWrittenBlobs([file]);
          outcomes.set(item.id, failure(item, error));
        }
      }
    }
  }

  private async dropWrittenBlobs(files: readonly PreparedFile[]): Promise<void> {
    for (const file of files) {
      if (file.wroteBlob && (await findEntityBySha256(this.world.db, file.hashes.sha256)) === null) {
        await this.blobs.delete(file.sha256).catch(() => undefined);
      }
    }
  }
}
