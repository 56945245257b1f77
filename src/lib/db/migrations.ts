import type { Database, SqlExecutor } from './database';

/**
 * A versioned schema change. `id` orders migrations (zero-padded, e.g. `0001_core`) and is
 * recorded once applied; `sql` must never change after it has shipped, which the stored
 * checksum enforces.
 */
export interface Migration {
  readonly id: string;
  readonly sql: string;
}

export class MigrationChecksumError extends Error {
  constructor(readonly migrationId: string) {
    super(`Migration ${migrationId} was changed after it was applied; add a new migration instead`);
    this.name = 'MigrationChecksumError';
  }
}

export class MigrationFailedError extends Error {
  constructor(
    readonly migrationId: string,
    override readonly cause: unknown,
  ) {
    super(`Migration ${migrationId} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'MigrationFailedError';
  }
}

/**
 * The database records migrations this code does not have: a newer version of the app migrated
 * it. Running on it would ignore its newer tables and columns, and copy or export it incompletely.
 */
export class MigrationsFromNewerVersionError extends Error {
  constructor(readonly migrationIds: readonly string[]) {
    super(`This database was migrated by a newer version of the app (${migrationIds.join(', ')}); update the app to open it`);
    this.name = 'MigrationsFromNewerVersionError';
  }
}

const MIGRATIONS_TABLE = 'dam_schema_migrations';
/** An advisory lock key ('dams' in ASCII): processes opening one server database migrate in turn. */
const MIGRATION_LOCK = 0x64616d73;

async function lockMigrations(tx: SqlExecutor): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
}

/** FNV-1a, 32-bit: enough to notice an edited migration, and the same in Node and browsers. */
export function migrationChecksum(sql: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sql.length; i++) {
    hash ^= sql.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * Applies the migrations not yet recorded, in id order, each in its own transaction together
 * with its record. Returns the ids it applied. Refuses a database that records migrations
 * `migrations` lacks (`MigrationsFromNewerVersionError`), before changing anything.
 */
export async function applyMigrations(db: Database, migrations: readonly Migration[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`Two migrations share the id ${m.id}`);
    ids.add(m.id);
  }
  await db.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
      id text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  const { rows } = await db.query<{ id: string; checksum: string }>(`SELECT id, checksum FROM ${MIGRATIONS_TABLE}`);
  const applied = new Map(rows.map((r) => [r.id, r.checksum]));
  const unknown = rows.map((r) => r.id).filter((id) => !ids.has(id));
  if (unknown.length > 0) throw new MigrationsFromNewerVersionError(unknown.sort());
  const done: string[] = [];
  for (const migration of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
    const checksum = migrationChecksum(migration.sql);
    const recorded = applied.get(migration.id);
    if (recorded !== undefined) {
      if (recorded !== checksum) throw new MigrationChecksumError(migration.id);
      continue;
    }
    try {
      const ran = await db.transaction(async (tx) => {
        await lockMigrations(tx);
        // Another process on the same server may have applied it while this one waited.
        const { rows: now } = await tx.query<{ checksum: string }>(`SELECT checksum FROM ${MIGRATIONS_TABLE} WHERE id = $1`, [
          migration.id,
        ]);
        if (now[0]) {
          if (now[0].checksum !== checksum) throw new MigrationChecksumError(migration.id);
          return false;
        }
        await tx.exec(migration.sql);
        await tx.query(`INSERT INTO ${MIGRATIONS_TABLE} (id, checksum) VALUES ($1, $2)`, [migration.id, checksum]);
        return true;
      });
      if (ran) done.push(migration.id);
    } catch (error) {
      if (error instanceof MigrationChecksumError) throw error;
      throw new MigrationFailedError(migration.id, error);
    }
  }
  return done;
}

export async function appliedMigrationIds(db: SqlExecutor): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM ${MIGRATIONS_TABLE} ORDER BY id`);
  return rows.map((r) => r.id);
}
