import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { StoreKind, WorldSummary } from '../lib/api/dam-api';
import { DamError } from '../lib/dam/errors';
import type { Platform, WorldRecord } from '../lib/dam/platform';
import { redactPassword } from '../lib/db/postgres-database';
import { assertValidWorldName, InvalidWorldNameError } from '../lib/ecs/world-config';
import { createNodePlatform } from '../lib/platform/node-platform';
import { FsBlobStore } from '../lib/storage/fs-blob-store';
import { CliDamApp } from './cli-app';
import { isPostgresUrl, type DamConfig, type WorldSpec } from './config';
import { ConfigError, UsageError } from './errors';
import { lockDirectoryWorld } from './world-lock';

export interface SessionOptions {
  /** New bytes are recorded as references to their files instead of copied (`add-asset --no-copy`). */
  readonly noCopy?: boolean;
}

/**
 * One command's use of the DAM: the Node platform on the configured data directory, the app,
 * and the catalog brought in line with the configuration. `close` must run before the process
 * exits, so PGlite writes everything out.
 */
export class Session {
  private constructor(
    readonly config: DamConfig,
    readonly platform: Platform,
    readonly app: CliDamApp,
  ) {}

  static async open(config: DamConfig, options: SessionOptions = {}): Promise<Session> {
    const platform = cliPlatform(await createNodePlatform({ dataDir: config.dataDir }), options);
    const session = new Session(config, platform, new CliDamApp(platform));
    await session.registerConfiguredWorlds();
    return session;
  }

  /** Opens `name` (default: the configured default world), making it first if the configuration allows. */
  async openWorld(name: string = this.config.defaultWorld): Promise<string> {
    checkWorldName(name);
    if (!(await this.platform.catalog.get(name))) {
      const spec = this.config.worlds.get(name);
      if (!spec && name !== this.config.defaultWorld) {
        throw new DamError(
          'WorldNotFoundError',
          `There is no world named "${name}": see dam list-worlds, or make it with dam create-world ${name}`,
        );
      }
      await this.createWorld(name, spec ?? { name });
      return name;
    }
    await this.app.openWorld(name);
    return name;
  }

  /**
   * A new world: DAM's own layout (`app.createWorld`) unless a database is named, then that
   * database (made when missing) under the name. It is left open.
   */
  async createWorld(name: string, spec: Omit<WorldSpec, 'name'>): Promise<WorldSummary> {
    checkWorldName(name);
    if (await this.platform.catalog.get(name)) throw new DamError('WorldExistsError', `A world named "${name}" already exists`);
    if (spec.databaseUrl) {
      const record = recordOf({ name, ...spec });
      await this.prepareDatabase(record);
      await this.platform.catalog.add(record);
      try {
        await this.app.openWorld(name);
      } catch (error) {
        await this.platform.catalog.remove(name);
        throw error;
      }
      return record;
    }
    const made = await this.app.createWorld(name);
    if (!spec.blobRoot) return made;
    // The catalog entry gains the blob root while the world is still empty; reopening it
    // attaches the blob store there.
    await this.app.close();
    const record = await this.platform.catalog.get(name);
    await this.platform.catalog.remove(name);
    await this.platform.catalog.add({ ...record!, blobRoot: spec.blobRoot });
    await this.app.openWorld(name);
    return (await this.platform.catalog.get(name))!;
  }

  /** Whether DAM chose where this world's database is (so deleting it deletes only what DAM made). */
  ownsDatabase(record: WorldRecord): boolean {
    try {
      return record.databaseUrl === this.platform.databaseUrl(record.name, record.store);
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.app.close();
  }

  /**
   * Worlds the configuration names with a database get a catalog entry the first time; one
   * whose entry says something else is an error rather than a silent switch of databases.
   */
  private async registerConfiguredWorlds(): Promise<void> {
    for (const spec of this.config.worlds.values()) {
      const record = await this.platform.catalog.get(spec.name);
      if (!record) {
        if (spec.databaseUrl) {
          const made = recordOf(spec);
          await this.prepareDatabase(made);
          await this.platform.catalog.add(made);
        }
        continue;
      }
      const where = this.config.file ?? 'the configuration';
      if (spec.databaseUrl && !sameLocation(spec.databaseUrl, record.databaseUrl)) {
        throw new ConfigError(
          `${where} gives the world "${spec.name}" the database ${redactPassword(spec.databaseUrl)}, but it was made with ${redactPassword(record.databaseUrl)} ` +
            `(${join(this.config.dataDir, 'worlds.json')}): put the old location back, or give the new one another world name`,
        );
      }
      if (spec.blobRoot && resolve(spec.blobRoot) !== (record.blobRoot && resolve(record.blobRoot))) {
        throw new ConfigError(
          `${where} gives the world "${spec.name}" the blob root ${spec.blobRoot}, but its blobs are in ${record.blobRoot ?? "DAM's data directory"}: ` +
            'put the old location back, or give the new one another world name',
        );
      }
    }
  }

  /**
   * Makes an empty database where a record points, the way the platform makes a new world's
   * (from its template); a directory that holds a cluster, or a server database that exists,
   * is used as it is.
   */
  private async prepareDatabase(record: WorldRecord): Promise<void> {
    if (record.store === 'directory' && (await exists(join(record.databaseUrl, 'PG_VERSION')))) return;
    let db;
    try {
      db = await this.platform.openDatabase(record, { fresh: true });
    } catch (error) {
      if (error instanceof DamError && error.name === 'WorldExistsError') return;
      throw error;
    }
    await db.close();
  }
}

function recordOf(spec: WorldSpec): WorldRecord {
  const url = spec.databaseUrl!;
  const store: StoreKind = isPostgresUrl(url) ? 'postgres' : 'directory';
  return {
    name: spec.name,
    store,
    databaseUrl: url,
    createdAt: new Date().toISOString(),
    ...(spec.blobRoot && { blobRoot: spec.blobRoot }),
  };
}

function sameLocation(a: string, b: string): boolean {
  return isPostgresUrl(a) || isPostgresUrl(b) ? a === b : resolve(a) === resolve(b);
}

function checkWorldName(name: string): void {
  try {
    assertValidWorldName(name);
  } catch (error) {
    if (error instanceof InvalidWorldNameError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The Node platform as the CLI uses it: a PGlite world is locked against other `dam`
 * processes too, and with `noCopy` new files' bytes are recorded as references to them instead
 * of copied (every store reads such references; only this one writes them).
 */
function cliPlatform(platform: Platform, options: SessionOptions): Platform {
  return {
    catalog: platform.catalog,
    defaultStore: platform.defaultStore,
    globalResources: platform.globalResources,
    databaseUrl: (name, store) => platform.databaseUrl(name, store),
    openDatabase: (record, openOptions) => platform.openDatabase(record, openOptions),
    deleteDatabase: (record) => platform.deleteDatabase(record),
    openBlobStore: (record) => {
      const store = platform.openBlobStore(record);
      if (!options.noCopy) return store;
      if (!(store instanceof FsBlobStore)) {
        throw new DamError('WorldOpenError', `The world "${record.name}" keeps no blobs on disk, so --no-copy cannot apply`);
      }
      store.close();
      return new FsBlobStore(store.root, { referenceSources: true });
    },
    openIngestQueue: (record) => platform.openIngestQueue(record),
    exportRawDatabase: (record) => platform.exportRawDatabase(record),
    storageReport: () => platform.storageReport(),
    lockWorld: async (name) => {
      const release = await platform.lockWorld(name);
      const record = await platform.catalog.get(name);
      if (record?.store !== 'directory') return release;
      try {
        const unlock = lockDirectoryWorld(name, record.databaseUrl);
        return () => {
          unlock();
          release();
        };
      } catch (error) {
        release();
        throw error;
      }
    },
  };
}

function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
