import type { WorldCatalog, WorldRecord } from '../dam/platform';

/** A world catalog held in memory, optionally mirrored to storage by `persist`. */
export class MemoryWorldCatalog implements WorldCatalog {
  constructor(
    protected records = new Map<string, WorldRecord>(),
    protected last: string | null = null,
    private readonly persist: (state: { worlds: WorldRecord[]; lastOpened: string | null }) => Promise<void> = async () => undefined,
  ) {}

  async list(): Promise<WorldRecord[]> {
    return [...this.records.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<WorldRecord | undefined> {
    return this.records.get(name);
  }

  async add(record: WorldRecord): Promise<void> {
    if (this.records.has(record.name)) throw new Error(`A world named ${record.name} already exists`);
    this.records.set(record.name, record);
    await this.save();
  }

  async remove(name: string): Promise<void> {
    this.records.delete(name);
    await this.save();
  }

  async lastOpened(): Promise<string | null> {
    return this.last;
  }

  async setLastOpened(name: string | null): Promise<void> {
    this.last = name;
    await this.save();
  }

  private save(): Promise<void> {
    return this.persist({ worlds: [...this.records.values()], lastOpened: this.last });
  }
}
