import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DamApp } from '../../../src/lib/dam/dam-app';

/** The app, with a way to read the open world's rows directly (tests assert on them). */
export class TestDamApp extends DamApp {
  async query(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return (await this.requireOpen().db.query<Record<string, unknown>>(sql, params)).rows;
  }
}

/** Every file of a folder as a picked folder hands them to `importModel`: relative paths and Blobs. */
export function folderFiles(dir: string): { path: string; file: Blob }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => ({
      path: relative(dir, join(entry.parentPath, entry.name)),
      file: new Blob([readFileSync(join(entry.parentPath, entry.name))]),
    }));
}
