import type { IngestFileResult, IngestPhase, IngestStatus, PendingWorkSummary } from '../../api/dam-api';

/** How many per-file outcomes the status keeps (failures are kept first). */
const RECENT_LIMIT = 200;

/** The counters behind `IngestStatus`, from the moment the queue was last empty. */
export class IngestProgress {
  phase: IngestPhase = 'idle';
  filesTotal = 0;
  filesDone = 0;
  filesFailed = 0;
  bytesTotal = 0;
  bytesDone = 0;
  currentFile: string | null = null;
  pendingWork: readonly PendingWorkSummary[] = [];
  error: string | null = null;
  private recent: IngestFileResult[] = [];
  private startedAt = 0;

  /** Files joined the queue: a fresh run starts counting from zero. */
  queued(files: number, bytes: number, now = Date.now()): void {
    if (this.filesDone + this.filesFailed >= this.filesTotal) this.restart(now);
    this.filesTotal += files;
    this.bytesTotal += bytes;
  }

  finished(result: IngestFileResult, bytes: number): void {
    if (result.error) this.filesFailed++;
    else this.filesDone++;
    this.bytesDone += bytes;
    this.recent.push(result);
    if (this.recent.length > RECENT_LIMIT) {
      const firstOk = this.recent.findIndex((r) => r.error === null);
      this.recent.splice(firstOk >= 0 ? firstOk : 0, 1);
    }
  }

  /** The queue was emptied without finishing its files (cancel). */
  dropped(files: number, bytes: number): void {
    this.filesTotal -= files;
    this.bytesTotal -= bytes;
  }

  clearResults(): void {
    this.recent = [];
  }

  snapshot(now = Date.now()): IngestStatus {
    return {
      phase: this.phase,
      filesTotal: this.filesTotal,
      filesDone: this.filesDone,
      filesFailed: this.filesFailed,
      bytesTotal: this.bytesTotal,
      bytesDone: this.bytesDone,
      currentFile: this.currentFile,
      etaSeconds: this.eta(now),
      pendingWork: this.pendingWork,
      recent: [...this.recent],
      error: this.error,
    };
  }

  private restart(now: number): void {
    this.filesTotal = this.filesDone = this.filesFailed = this.bytesTotal = this.bytesDone = 0;
    this.recent = [];
    this.startedAt = now;
  }

  /** From the byte rate so far (the file rate before any bytes are done). */
  private eta(now: number): number | null {
    const elapsed = (now - this.startedAt) / 1000;
    const filesLeft = this.filesTotal - this.filesDone - this.filesFailed;
    if (filesLeft <= 0 || elapsed < 0.5 || this.filesDone + this.filesFailed === 0) return null;
    const seconds =
      this.bytesDone > 0
        ? ((this.bytesTotal - this.bytesDone) * elapsed) / this.bytesDone
        : (filesLeft * elapsed) / (this.filesDone + this.filesFailed);
    return Math.round(seconds);
  }
}
