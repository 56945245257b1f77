import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { DamError } from '../lib/dam/errors';

/**
 * A PGlite directory is one database server's files: two processes running on it at once
 * would corrupt it. The platform's lock covers one process; across `dam` processes a lock file
 * beside the directory (`<db>.lock`, holding the process id) does. A lock left by a process
 * that is gone (killed) is taken over. A PostgreSQL world needs none: the server serializes.
 */
export function lockDirectoryWorld(name: string, databaseDir: string): () => void {
  const path = `${databaseDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => unlinkQuietly(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return () => undefined;
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderOf(path);
      if (holder !== null && holder !== process.pid && isRunning(holder)) {
        throw new DamError(
          'WorldLockedError',
          `The world "${name}" is in use by another dam process (pid ${holder}); try again when it has finished`,
        );
      }
      unlinkQuietly(path);
    }
  }
  throw new DamError('WorldLockedError', `The world "${name}" could not be locked (${path})`);
}

function holderOf(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
