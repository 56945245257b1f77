import type { AssetCard, AssetPage, AssetQuery } from '../../api/dam-api';
import { damClient, errorMessage } from '../dam-client';
import { PageStore, rememberTotal, rememberedTotal } from './page-store';

export const PAGE_SIZE = 200;
/**
 * Page requests under way at once. The worker answers one at a time anyway; holding the rest
 * back means a fast scroll past 50 pages asks only for where it stops, not for all 50.
 */
const MAX_LOADS = 2;

/**
 * The Library's assets for one query, fetched a page at a time as the grid asks for ranges.
 * After `refresh()` the old pages stay on screen until their new versions arrive, so new files
 * appearing never blank the grid.
 */
export class AssetPages {
  total = $state<number | null>(null);
  error = $state<string | null>(null);
  /** Bumped when a page arrives: what `card()` readers depend on. */
  version = $state(0);
  /** Bumped by `refresh()`: the grid re-requests its visible pages when it changes. */
  generation = $state(0);
  readonly #store = new PageStore();
  readonly #key: string;
  readonly #query: Omit<AssetQuery, 'offset' | 'limit'>;
  readonly #fetchPage: (query: AssetQuery) => Promise<AssetPage>;
  /** The pages the grid shows now, nearest first. */
  #wanted: readonly number[] = [];
  #loads = 0;

  constructor(
    world: string,
    query: Omit<AssetQuery, 'offset' | 'limit'>,
    fetchPage: (query: AssetQuery) => Promise<AssetPage> = (q) => damClient().listAssets(q),
  ) {
    this.#query = query;
    this.#fetchPage = fetchPage;
    this.#key = `${world}\n${JSON.stringify(query)}`;
    this.total = rememberedTotal(this.#key);
  }

  /** The card at `index`, or undefined while its page loads. Reactive. */
  card(index: number): AssetCard | undefined {
    void this.version;
    return this.#store.items(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Fetches the given pages where missing or stale, and drops pages far from them. */
  ensure(pages: readonly number[]): void {
    // With nothing on screen (an empty library, or the grid below the fold) page 0 still
    // tells the total, which the count line and the grid's height need.
    this.#wanted = pages.length > 0 ? pages : [0];
    this.#pump();
    this.#store.evict(this.#wanted);
  }

  /** Starts loads for wanted pages while there is room; runs again as each load ends. */
  #pump(): void {
    const generation = this.generation;
    for (const page of this.#wanted) {
      if (this.#loads >= MAX_LOADS) return;
      if (!this.#store.needs(page, generation)) continue;
      this.#store.started(page, generation);
      this.#loads++;
      void this.#load(page, generation).finally(() => {
        this.#loads--;
        this.#pump();
      });
    }
  }

  /** The library changed: re-fetch what is shown, keeping it on screen meanwhile. */
  refresh(): void {
    this.generation++;
  }

  async #load(page: number, generation: number): Promise<void> {
    try {
      const result = await this.#fetchPage({ ...this.#query, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      if (!this.#store.put(page, generation, result.items)) return;
      this.total = result.total;
      rememberTotal(this.#key, result.total);
      this.error = null;
      this.version++;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.#store.finished(page, generation);
    }
  }
}
