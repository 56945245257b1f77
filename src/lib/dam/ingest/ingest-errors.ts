import { EmptyFileError } from '../services/ingest-service';

/** True for the errors browsers and Node give when the disk or the origin's quota is full. */
export function isStorageFullError(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  const code = (error as { code?: string } | null)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  // PGlite on OPFS reports a refused write as Postgres does: "could not extend file …".
  return name === 'QuotaExceededError' || code === 'ENOSPC' || /quota|no space left|disk full|could not extend file/i.test(message);
}

/** One file's failure, in words for the person who added it. */
export function describeIngestError(error: unknown): string {
  if (error instanceof EmptyFileError) return error.message;
  if (isStorageFullError(error)) return 'Storage is full, so this file was not added. Free some space or delete assets, then add it again.';
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotReadableError' || name === 'NotFoundError')
    return 'The file could not be read (it may have been moved, deleted or changed while adding).';
  const message = error instanceof Error ? error.message : String(error);
  return `Could not add this file: ${message}`;
}
