import type { IngestFileInput, IngestStatus } from '../../api/dam-api';
import { damClient, errorMessage } from '../dam-client';
import { enqueueChunks } from './enqueue-chunks';

const POLL_MS = 300;
/** Background work that stops moving (a step that keeps failing) is polled ever more slowly. */
const SLOWEST_POLL_MS = 5000;

/**
 * True while files are being added, including queued files the worker has not started on yet
 * (its phase turns to 'adding' a moment after `enqueueFiles` returns).
 */
export function isAdding(status: IngestStatus | null): boolean {
  return status !== null && (status.phase === 'adding' || status.filesDone + status.filesFailed < status.filesTotal);
}

/** True while files are being added or background steps (thumbnails, metadata) remain. */
export function isBusy(status: IngestStatus | null): boolean {
  return status !== null && (isAdding(status) || status.phase !== 'idle' || status.pendingWork.some((work) => work.count > 0));
}

function workSum(status: IngestStatus | null): number {
  return status?.pendingWork.reduce((sum, work) => sum + work.count, 0) ?? -1;
}

/**
 * The worker's ingest progress, polled while there is something to watch. The worker owns the
 * queue (it survives a reload); this only mirrors it and passes on the person's requests.
 */
class IngestState {
  status = $state<IngestStatus | null>(null);
  error = $state<string | null>(null);
  /** Files being handed over to the worker, for a large folder that takes a moment. */
  handingOver = $state(0);
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Answers can overtake each other; only the newest request's answer is kept. */
  #asked = 0;
  /** Polls in a row that found only background work, unchanged. */
  #stale = 0;
  /**
   * Reads the status now: after a request, and when a world opens (so work the worker resumed
   * after a reload shows). Keeps polling while there is work.
   */
  poll(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    void this.#read();
  }

  async #read(): Promise<void> {
    const ask = ++this.#asked;
    try {
      const status = await damClient().ingestStatus();
      if (ask !== this.#asked) return;
      const unchanged = status.phase === 'idle' && workSum(status) === workSum(this.status);
      this.#stale = unchanged ? this.#stale + 1 : 0;
      this.status = status;
      this.error = null;
    } catch (error) {
      // No retry loop: the next request or `poll()` asks again.
      if (ask === this.#asked) this.error = errorMessage(error);
      return;
    }
    if (isBusy(this.status) && this.#timer === undefined) {
      this.#timer = setTimeout(
        () => {
          this.#timer = undefined;
          void this.#read();
        },
        Math.min(SLOWEST_POLL_MS, POLL_MS * 2 ** Math.max(0, this.#stale - 3)),
      );
    }
  }

  /** Queues files in the worker; returns once they are queued, not once they are added. */
  async enqueue(files: readonly IngestFileInput[]): Promise<void> {
    if (files.length === 0) return;
    const api = damClient();
    this.handingOver = files.length;
    try {
      // A new batch after the last one finished starts a new summary.
      if ((await api.ingestStatus()).phase !== 'adding') await api.clearIngestResults();
      for (const [start, end] of enqueueChunks(files.length)) {
        await api.enqueueFiles(files.slice(start, end));
        this.handingOver = files.length - end;
        this.poll();
      }
    } finally {
      this.handingOver = 0;
    }
  }

  async cancel(): Promise<void> {
    await damClient().cancelIngest();
    this.poll();
  }

  async clear(): Promise<void> {
    await damClient().clearIngestResults();
    this.poll();
  }
}

export const ingest = new IngestState();
