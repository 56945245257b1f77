import Dexie, { type Table } from 'dexie';
import type { WorldCatalog, WorldRecord } from '../dam/platform';

interface SettingRow {
  key: string;
  value: string | null;
}

/**
 * The browser's world catalog, in its own small IndexedDB database. Transactions use strict
 * durability: a world the UI was told about must still be listed after a reload or a crash.
 */
class CatalogDb extends Dexie {
  worlds!: Table<WorldRecord, string>;
  settings!: Table<SettingRow, string>;

  constructor(name: string) {
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({ worlds: 'name', settings: 'key' });
  }
}

export class DexieWorldCatalog implements WorldCatalog {
  private readonly db: CatalogDb;

  constructor(name = 'dam-catalog') {
    this.db = new CatalogDb(name);
  }

  async list(): Promise<WorldRecord[]> {
    return this.db.worlds.orderBy('name').toArray();
  }

  async get(name: string): Promise<WorldRecord | undefined> {
    return this.db.worlds.get(name);
  }

  async add(record: WorldRecord): Promise<void> {
    await this.db.worlds.add(record);
  }

  async remove(name: string): Promise<void> {
    await this.db.worlds.delete(name);
  }

  async lastOpened(): Promise<string | null> {
    return (await this.db.settings.get('lastOpened'))?.value ?? null;
  }

  async setLastOpened(name: string | null): Promise<void> {
    await this.db.settings.put({ key: 'lastOpened', value: name });
  }
}
