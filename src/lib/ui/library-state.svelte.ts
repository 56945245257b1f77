import * as Comlink from 'comlink';
import type { StoreKind, WorldArchiveProgress, WorldImportResult, WorldStats, WorldSummary } from '../api/dam-api';
import { damClient, errorMessage, errorName } from './dam-client';

export interface OpenFailure {
  readonly world: string;
  readonly message: string;
  /** The worker's error name, e.g. `WorldOpenError` (damaged data) or `WorldLockedError`. */
  readonly reason: string;
}

/** The app-wide view of worlds: which exist, which is open, and what went wrong opening one. */
class LibraryState {
  worlds = $state<WorldSummary[]>([]);
  current = $state<WorldStats | null>(null);
  openFailure = $state<OpenFailure | null>(null);
  /** Set while the first world opens, so pages can say so instead of looking empty. */
  opening = $state<string | null>(null);
  ready = $state(false);
  private started: Promise<void> | undefined;

  /** Lists worlds and reopens the last one (creating `default` on first run). */
  start(): Promise<void> {
    this.started ??= this.startOnce();
    return this.started;
  }

  private async startOnce(): Promise<void> {
    const api = damClient();
    this.worlds = await api.listWorlds();
    if (this.worlds.length === 0) {
      await api.createWorld('default');
      this.worlds = await api.listWorlds();
    }
    const last = await api.lastOpenedWorld();
    const target = this.worlds.find((w) => w.name === last)?.name ?? this.worlds[0]!.name;
    await this.open(target);
    this.ready = true;
  }

  async refreshWorlds(): Promise<void> {
    this.worlds = await damClient().listWorlds();
  }

  async refreshStats(): Promise<void> {
    if (this.current) this.current = await damClient().worldStats();
  }

  /** Opens a world. Failure is recorded in `openFailure`, not thrown: the app stays usable. */
  async open(name: string): Promise<boolean> {
    this.opening = name;
    try {
      this.current = await damClient().openWorld(name);
      this.openFailure = null;
      return true;
    } catch (error) {
      this.current = null;
      this.openFailure = { world: name, message: errorMessage(error), reason: errorName(error) };
      return false;
    } finally {
      this.opening = null;
    }
  }

  async create(name: string, store?: StoreKind): Promise<void> {
    await damClient().createWorld(name, store ? { store } : {});
    await this.refreshWorlds();
  }

  /** Imports an archive as a new world (checked in full first), which becomes the open one. */
  async importArchive(
    archive: Blob,
    name: string | undefined,
    onProgress: (progress: WorldArchiveProgress) => void,
  ): Promise<WorldImportResult> {
    const result = await damClient().importWorld(archive, name ? { name } : {}, Comlink.proxy(onProgress));
    await this.refreshWorlds();
    this.current = await damClient().worldStats();
    this.openFailure = null;
    return result;
  }

  async remove(name: string): Promise<void> {
    await damClient().deleteWorld(name);
    if (this.openFailure?.world === name) this.openFailure = null;
    if (this.current?.name === name) this.current = null;
    await this.refreshWorlds();
  }
}

export const library = new LibraryState();
export { errorMessage, errorName };
