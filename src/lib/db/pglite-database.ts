import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { DatabaseOpenError, type Database, type SqlExecutor, type Transaction } from './database';
import { parseDatabaseUrl } from './database-url';
import { SerialQueue } from './serial-queue';

const READ_ONLY_STATEMENT = /^\s*(select|show|explain|values)\b/i;

/**
 * A world's database on PGlite with pgvector.
 *
 * Durability: PGlite only syncs its virtual filesystem after statements run outside a
 * transaction, and it skips a sync when one is already queued, so a committed transaction can
 * be acknowledged before it reaches IndexedDB or OPFS. We open with relaxed durability (no
 * blocking sync after every read) and flush the filesystem ourselves, through a serial queue,
 * after each write transaction and before anything is reported as done.
 */
export class PgliteDatabase implements Database {
  private readonly queue = new SerialQueue();
  private closed = false;

  private constructor(
    readonly pg: PGlite,
    readonly url: string,
  ) {}

  static async open(url: string, options: Pick<PGliteOptions, 'debug' | 'loadDataDir' | 'startParams'> = {}): Promise<PgliteDatabase> {
    const location = parseDatabaseUrl(url);
    if (location.kind === 'postgres') throw new DatabaseOpenError(url, new Error('PGlite cannot open a PostgreSQL server URL'));
    const dataDir =
      location.kind === 'memory' ? undefined : location.kind === 'directory' ? location.path : `${location.kind}://${location.name}`;
    const pg = new PGlite({ dataDir, extensions: { vector }, relaxedDurability: true, ...options });
    try {
      await pg.waitReady;
      await pg.exec('CREATE EXTENSION IF NOT EXISTS vector');
      return new PgliteDatabase(pg, url);
    } catch (error) {
      await releaseFailedOpen(pg);
      throw new DatabaseOpenError(url, error);
    }
  }

  query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<{ rows: Row[] }> {
    return this.queue.run(async () => {
      this.assertOpen();
      const result = await this.pg.query<Row>(sql, params);
      if (!READ_ONLY_STATEMENT.test(sql)) await this.flushNow();
      return { rows: result.rows };
    });
  }

  exec(sql: string): Promise<void> {
    return this.queue.run(async () => {
      this.assertOpen();
      await this.pg.exec(sql);
      await this.flushNow();
    });
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      this.assertOpen();
      const result = await this.pg.transaction(async (tx) =>
        fn({
          query: async <Row>(sql: string, params: unknown[] = []) => ({ rows: (await tx.query<Row>(sql, params)).rows }),
          exec: async (sql: string) => {
            await tx.exec(sql);
          },
          rollback: () => tx.rollback(),
        }),
      );
      await this.flushNow();
      return result;
    });
  }

  snapshot<T>(read: (db: SqlExecutor) => Promise<T>): Promise<{ dataDir: Blob; value: T }> {
    return this.queue.run(async () => {
      this.assertOpen();
      const value = await read({
        query: async <Row>(sql: string, params: unknown[] = []) => ({ rows: (await this.pg.query<Row>(sql, params)).rows }),
        exec: async (sql: string) => {
          await this.pg.exec(sql);
        },
      });
      // A checkpoint first, so loading the dump does not have to replay the WAL.
      await this.pg.exec('CHECKPOINT');
      await this.flushNow();
      return { dataDir: await this.pg.dumpDataDir('gzip'), value };
    });
  }

  flush(): Promise<void> {
    return this.queue.run(() => this.flushNow());
  }

  close(): Promise<void> {
    return this.queue.run(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.flushNow();
      await this.pg.close();
    });
  }

  private async flushNow(): Promise<void> {
    await this.pg.fs?.syncToFs(false);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The database ${this.url} is closed`);
  }
}

/**
 * A PGlite that failed to start may still hold its store open (OPFS sync access handles lock
 * their files), which would stop the user from deleting or exporting the damaged world.
 */
async function releaseFailedOpen(pg: PGlite): Promise<void> {
  await pg.close().catch(() => undefined);
  await pg.fs?.closeFs().catch(() => undefined);
}
