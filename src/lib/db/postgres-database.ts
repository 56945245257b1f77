import pg from 'pg';
import { DatabaseOpenError, type Database, type Transaction } from './database';
import { SerialQueue } from './serial-queue';
import { conflictBackoff, isConflictError } from './conflict';

const MAX_CONFLICT_RETRIES = 5;

/** node-postgres parses like PGlite does, so code above the `Database` sees the same values. */
const INT8 = 20;
const INT8_ARRAY = 1016;
const DATE = 1082;
const BYTEA = 17;
const parseInt8 = (value: string) => Number(value);
const builtinParser = pg.types.getTypeParser as (oid: number) => (value: string) => unknown;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return parseInt8;
    if (oid === INT8_ARRAY) return (value: string) => (builtinParser(INT8_ARRAY)(value) as string[]).map(Number);
    // PGlite reads a date as UTC midnight; node-postgres would use the local time zone.
    if (oid === BYTEA) {
      // A plain Uint8Array, as PGlite gives: a Buffer compares unequal and clones differently.
      return (value: string) => {
        const bytes = builtinParser(BYTEA)(value) as Uint8Array;
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      };
    }
    if (oid === DATE) return (value: string) => new Date(`${value}T00:00:00Z`);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * A world's database on a PostgreSQL 15+ server with pgvector, through node-postgres.
 *
 * One connection per process and a serial queue, like PGlite: the code above relies on one
 * statement at a time per world, and a second process is a second session. Sessions meet only
 * in the server, where unique keys decide who wins and the loser's transaction runs again.
 */
export class PostgresDatabase implements Database {
  private readonly queue = new SerialQueue();
  private closed = false;
  readonly vacuumsItself = true;

  private constructor(
    private readonly client: pg.Client,
    readonly url: string,
  ) {}

  static async open(url: string): Promise<PostgresDatabase> {
    const client = new pg.Client({ connectionString: url, types, application_name: 'dam' });
    // A server that goes away later must not crash the process: the next query reports it.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query("SET client_min_messages = 'warning'");
      await createVectorExtension(client);
      return new PostgresDatabase(client, url);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new DatabaseOpenError(redactPassword(url), error);
    }
  }

  query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<{ rows: Row[] }> {
    return this.queue.run(async () => {
      this.assertOpen();
      const result = await this.client.query(sql, params);
      return { rows: result.rows as Row[] };
    });
  }

  exec(sql: string): Promise<void> {
    return this.queue.run(async () => {
      this.assertOpen();
      await this.client.query(sql);
    });
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      for (let attempt = 0; ; attempt++) {
        this.assertOpen();
        try {
          return await this.runTransaction(fn);
        } catch (error) {
          if (!isConflictError(error) || attempt >= MAX_CONFLICT_RETRIES) throw error;
          await conflictBackoff(attempt);
        }
      }
    });
  }

  /** Writes are durable once COMMIT returns: the server flushed its WAL. */
  flush(): Promise<void> {
    return this.queue.run(async () => undefined);
  }

  close(): Promise<void> {
    return this.queue.run(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.client.end();
    });
  }

  private async runTransaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = this.client;
    let rolledBack = false;
    const statements = new SerialQueue();
    await client.query('BEGIN');
    try {
      const result = await fn({
        // Code may run a transaction's queries side by side; one connection takes them in turn.
        query: async <Row>(sql: string, params: unknown[] = []) => ({
          rows: (await statements.run(() => client.query(sql, params))).rows as Row[],
        }),
        exec: async (sql: string) => {
          await statements.run(() => client.query(sql));
        },
        rollback: async () => {
          rolledBack = true;
          await client.query('ROLLBACK');
        },
      });
      if (!rolledBack) await client.query('COMMIT');
      return result;
    } catch (error) {
      if (!rolledBack) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The database ${redactPassword(this.url)} is closed`);
  }
}

/** Two sessions creating the extension at once race on its catalog row: the loser looks again. */
async function createVectorExtension(client: pg.Client): Promise<void> {
  const { rows } = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'vector'");
  if (rows.length > 0) return;
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
  } catch (error) {
    if (!isConflictError(error)) throw new Error(`pgvector is not available on this server: ${(error as Error).message}`);
  }
}

/** A URL fit for messages and logs. */
export function redactPassword(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@/]*@/, '$1:***@');
}
