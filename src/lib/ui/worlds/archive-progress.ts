import type { WorldArchiveProgress } from '../../api/dam-api';
import { formatBytes } from '../format';

/** "Checking 12 MB of 40 MB" for an archive being written or read. */
export function archiveProgressText(progress: WorldArchiveProgress): string {
  const verb = progress.phase === 'hashing' ? 'Packing' : 'Checking';
  return `${verb} ${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}`;
}

/** How long ago an ISO time was, in days, for the backup reminder. */
export function daysSince(iso: string, now = new Date()): number {
  return Math.floor((now.getTime() - new Date(iso).getTime()) / 86_400_000);
}

/** A backup older than this is called out. */
export const BACKUP_STALE_DAYS = 30;
