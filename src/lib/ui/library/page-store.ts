import type { AssetCard } from '../../api/dam-api';

/** Pages kept around the visible ones (200 cards each); the rest are dropped as one scrolls. */
const KEEP_PAGES = 24;

/** Totals by world and query, so a grid coming back (Back from an asset) has its height at once. */
const lastTotals = new Map<string, number>();

export function rememberedTotal(key: string): number | null {
  return lastTotals.get(key) ?? null;
}

export function rememberTotal(key: string, total: number): void {
  lastTotals.set(key, total);
}

interface CachedPage {
  readonly items: readonly AssetCard[];
  /** The refresh generation it was fetched in; older ones are shown until replaced. */
  readonly generation: number;
}

/**
 * Fetched pages and the fetches under way. Deliberately not reactive: `AssetPages` bumps one
 * version number when a page lands instead of tracking every page.
 */
export class PageStore {
  readonly #pages = new Map<number, CachedPage>();
  /** Page → the generation being fetched for it. */
  readonly #loading = new Map<number, number>();

  items(page: number): readonly AssetCard[] | undefined {
    return this.#pages.get(page)?.items;
  }

  /** Whether the page must be fetched for `generation` (missing, stale, and not under way). */
  needs(page: number, generation: number): boolean {
    return this.#pages.get(page)?.generation !== generation && this.#loading.get(page) !== generation;
  }

  started(page: number, generation: number): void {
    this.#loading.set(page, generation);
  }

  finished(page: number, generation: number): void {
    if (this.#loading.get(page) === generation) this.#loading.delete(page);
  }

  /** Stores a page unless a newer generation of it is already there; says whether it did. */
  put(page: number, generation: number, items: readonly AssetCard[]): boolean {
    if ((this.#pages.get(page)?.generation ?? -1) > generation) return false;
    this.#pages.set(page, { items, generation });
    return true;
  }

  /** Drops the pages farthest from `near` beyond the limit. */
  evict(near: readonly number[]): void {
    if (this.#pages.size <= KEEP_PAGES || near.length === 0) return;
    const centre = (near[0]! + near[near.length - 1]!) / 2;
    const byDistance = [...this.#pages.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
    for (const page of byDistance.slice(0, this.#pages.size - KEEP_PAGES)) this.#pages.delete(page);
  }
}
