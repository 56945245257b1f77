/** The SQL surface every layer above the database uses. PGlite and node-postgres both fit it. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  exec(sql: string): Promise<void>;
}

/** A transaction handle: SQL, plus an explicit rollback for code that wants to abandon work. */
export interface Transaction extends SqlExecutor {
  rollback(): Promise<void>;
}

export interface Database extends SqlExecutor {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Makes every committed write durable in the backing store before it resolves. Callers
   * acknowledge a write to the user only after this.
   */
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly url: string;
  /** True where the server's autovacuum keeps tables vacuumed and analysed; PGlite runs none. */
  readonly vacuumsItself?: boolean;
  /**
   * Runs `read`, then dumps the whole data directory (a gzipped tar PGlite can load), with no
   * other statement in between: what `read` saw is what the dump holds. Embedded stores only.
   */
  snapshot?<T>(read: (db: SqlExecutor) => Promise<T>): Promise<{ readonly dataDir: Blob; readonly value: T }>;
}

export class DatabaseOpenError extends Error {
  constructor(
    readonly url: string,
    override readonly cause: unknown,
  ) {
    super(`Could not open the database at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DatabaseOpenError';
  }
}
